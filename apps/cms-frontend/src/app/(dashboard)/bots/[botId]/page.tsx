'use client';
/**
 * One bot, live: PnL/equity chart (history + socket points), position, open orders, fills, state history, risk
 * limits with usage, logs, and the config (editable while stopped).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from 'next/navigation';
import { memo, useEffect, useMemo, useState } from 'react';
import { type Bot, type Fill, type Order, type PnlSnapshot, type Position } from '@trading/shared-types/browser';
import { BotActions } from '@/components/trading/bot-actions';
import { ConfigForm } from '@/components/trading/config-form';
import { ExchangeBadge, ModeBadge, OrderStatusBadge, Pnl, Price, SideBadge, StateBadge } from '@/components/trading/badges';
import { ErrorNote, PageHeader } from '@/components/trading/page-header';
import { PnlChart, toChartPoints, type ChartPoint } from '@/components/trading/pnl-chart';
import { StatCard } from '@/components/trading/stat-card';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyRow, Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { useApi, usePermissions } from '@/hooks/use-api';
import { useStrategies } from '@/hooks/use-queries';
import { useBotRoom } from '@/hooks/use-realtime';
import { useThrottled } from '@/hooks/use-throttled';
import type { Page, PnlPoint, PnlSeries } from '@/lib/api-types';
import { formatDecimal, formatQuantity, formatTime, outcomeSuffix, toDecimal, usagePct } from '@/lib/format';
import { LIVE_KEYS, pnlHistoryKey, type LivePnlPoint } from '@/lib/live-cache';
import { buildConfig, fieldsFromSchema, type FormValues } from '@/lib/schema-form';
import { useSchemaResolver } from '@/hooks/use-schema-resolver';

const OPEN = new Set(['PENDING', 'OPEN', 'PARTIALLY_FILLED', 'AMENDING', 'AMENDED', 'CANCELLING', 'AMBIGUOUS']);
const EDITABLE = new Set(['IDLE', 'STOPPED', 'ERROR', 'RISK_STOPPED']);

interface HistoryRow { id?: number | string; fromStatus?: string | null; toStatus: string; reason?: string | null; at: string }
interface LogRow { id?: number | string; level: string; message: string; timestamp: string }

function Usage({ label, used, limit, unit = '' }: { label: string; used: string | null; limit: string | number | undefined; unit?: string }) {
  const pct = limit === undefined ? null : usagePct(used, String(limit));
  return (
    <div className="space-y-1" data-testid={`risk-${label}`}>
      <div className="flex justify-between text-xs">
        <span>{label}</span>
        <span className="tabular-nums text-neutral-500">
          {used === null ? '—' : formatDecimal(used)} / {limit === undefined ? 'no limit' : `${formatDecimal(String(limit))}${unit}`}
        </span>
      </div>
      <div className="h-2 rounded bg-neutral-200 dark:bg-neutral-800">
        <div className={`h-2 rounded ${pct === null ? '' : pct >= 80 ? 'bg-red-500' : pct >= 50 ? 'bg-amber-500' : 'bg-emerald-500'}`} style={{ width: `${pct ?? 0}%` }} />
      </div>
    </div>
  );
}

/*
 * The queries of this page (one key and fetcher each, shared by the sections that show them). Each section reads
 * only its own queries, so a socket event re-renders the section it changes, not the whole page: the market-making
 * bot's order churn alone is about twenty order updates a second, and a fill must not wait behind re-renders of
 * the chart and the other tables.
 */
type Api = ReturnType<typeof useApi>;
/*
 * No structural sharing on these: live-cache patches them in place and already keeps every unchanged row (and PnL
 * bucket) the same object, so TanStack's deep compare of the new data with the old, on each socket event, walked up to
 * 200 rows (1440 buckets) to find what was already known: 1.4 s of the page's CPU in a profiled 100-fill burst.
 */
const LIVE = { structuralSharing: false } as const;
const botQueries = {
  orders: (api: Api, botId: string) => ({ ...LIVE, queryKey: ['bot-orders', botId], queryFn: () => api.get<Page<Order>>(`/api/bots/${botId}/orders`, { limit: 100 }) }),
  fills: (api: Api, botId: string) => ({ ...LIVE, queryKey: ['bot-fills', botId], queryFn: () => api.get<Page<Fill>>(`/api/bots/${botId}/trades`, { limit: 50 }) }),
  positions: (api: Api, botId: string) => ({ ...LIVE, queryKey: ['bot-positions', botId], queryFn: () => api.get<Page<Position>>(`/api/bots/${botId}/positions`, { limit: 50 }) }),
  // live-cache merges each live PnL snapshot into this series (no refetch per PnL event).
  pnl: (api: Api, botId: string) => ({ ...LIVE, queryKey: pnlHistoryKey(botId), queryFn: () => api.get<PnlSeries>(`/api/bots/${botId}/pnl`, { bucket: '1m', from: Date.now() - 86_400_000 }) }),
  history: (api: Api, botId: string) => ({ ...LIVE, queryKey: ['bot-history', botId], queryFn: () => api.get<Page<HistoryRow>>(`/api/bots/${botId}/history`, { limit: 50 }) }),
  logs: (api: Api, botId: string) => ({ ...LIVE, queryKey: ['bot-logs', botId], queryFn: () => api.get<Page<LogRow>>(`/api/bots/${botId}/logs`, { limit: 100 }) }),
};
function useBotOrders(botId: string) {
  return useQuery(botQueries.orders(useApi(), botId));
}
function useBotFills(botId: string) {
  return useQuery(botQueries.fills(useApi(), botId));
}
function useBotPositions(botId: string) {
  return useQuery(botQueries.positions(useApi(), botId));
}
function useBotPnlHistory(botId: string) {
  return useQuery(botQueries.pnl(useApi(), botId));
}
function useLivePnlPoints(botId: string) {
  return useQuery<LivePnlPoint[]>({ ...LIVE, queryKey: LIVE_KEYS.pnl(botId), queryFn: () => [], staleTime: Infinity });
}
function useLastPnl(botId: string) {
  return useQuery<PnlSnapshot | null>({ ...LIVE, queryKey: ['live-pnl-last', botId], queryFn: () => null, staleTime: Infinity });
}

/** The live figure when one arrived, else the stored summary's. */
function usePnlFigures(botId: string): { totalPnl: string | null; equity: string | null; lastPnl: PnlSnapshot | null | undefined } {
  const { data: summary } = useBotPnlHistory(botId);
  const { data: lastPnl } = useLastPnl(botId);
  return {
    totalPnl: lastPnl?.totalPnl ?? summary?.summary.totalPnl ?? null,
    equity: lastPnl?.equity ?? summary?.summary.equity ?? null,
    lastPnl,
  };
}

function openPositions(positions: Page<Position> | undefined): Position[] {
  return (positions?.data ?? []).filter((p) => !(toDecimal(p.quantity)?.isZero() ?? true));
}

/** At most one chart redraw per this many ms while PnL events stream in. */
const CHART_REDRAW_MS = 5000;
const CHART_SERIES = [{ key: 'totalPnl', label: 'PnL' }, { key: 'equity', label: 'Equity' }];

export default function BotDetailPage() {
  const params = useParams<{ botId: string }>();
  const botId = params.botId;
  const qc = useQueryClient();
  const api = useApi();
  const { canMutate } = usePermissions();
  useBotRoom(botId);
  const bot = useQuery({ queryKey: ['bot', botId], queryFn: () => api.get<Bot>(`/api/bots/${botId}`) });
  // Everything is requested with the page, in parallel with the bot (not once the bot or a tab is shown), so live
  // events land in the cache from the start. In an effect, as useQuery fetches: never during server rendering.
  useEffect(() => {
    // Failures are left to the sections' own queries (they retry and show the error).
    const ignore = () => undefined;
    qc.query(botQueries.orders(api, botId)).catch(ignore);
    qc.query(botQueries.fills(api, botId)).catch(ignore);
    qc.query(botQueries.positions(api, botId)).catch(ignore);
    qc.query(botQueries.pnl(api, botId)).catch(ignore);
    qc.query(botQueries.history(api, botId)).catch(ignore);
    qc.query(botQueries.logs(api, botId)).catch(ignore);
  }, [qc, api, botId]);
  const b = bot.data;

  return (
    <div className="space-y-4">
      <ErrorNote error={bot.error} />
      {b !== undefined && (
        <>
          <PageHeader
            title={b.name}
            description={`${b.strategy} · ${b.botId}`}
            actions={
              <>
                <ExchangeBadge exchange={b.exchange} />
                <ModeBadge mode={b.mode} />
                <StateBadge state={b.status} />
                <BotActions bot={b} size="default" />
              </>
            }
          />
          {b.statusReason !== null && b.statusReason !== undefined && b.statusReason !== '' && (
            <p className="text-sm text-neutral-500">Reason: {b.statusReason}</p>
          )}
          <BotKpis botId={botId} />
          <Card>
            <CardHeader>
              <CardTitle>PnL and equity (24h + live)</CardTitle>
            </CardHeader>
            <CardContent>
              <BotPnlChart botId={botId} />
            </CardContent>
          </Card>
          <Tabs defaultValue="trading">
            <TabsList>
              <TabsTrigger value="trading">Position & orders</TabsTrigger>
              <TabsTrigger value="fills">Fills</TabsTrigger>
              <TabsTrigger value="risk">Risk</TabsTrigger>
              <TabsTrigger value="history">State history</TabsTrigger>
              <TabsTrigger value="logs">Logs</TabsTrigger>
              <TabsTrigger value="config">Config</TabsTrigger>
            </TabsList>
            <TabsContent value="trading" className="space-y-4">
              <PositionsCard botId={botId} />
              <OpenOrdersCard botId={botId} />
            </TabsContent>
            <TabsContent value="fills">
              <FillsCard botId={botId} />
            </TabsContent>
            <TabsContent value="risk">
              <RiskCard bot={b} />
            </TabsContent>
            <TabsContent value="history">
              <HistoryCard botId={botId} />
            </TabsContent>
            <TabsContent value="logs">
              <LogsCard botId={botId} />
            </TabsContent>
            <TabsContent value="config">
              <ConfigEditor bot={b} editable={canMutate && EDITABLE.has(b.status)} onSaved={() => void qc.invalidateQueries({ queryKey: ['bot', botId] })} />
            </TabsContent>
          </Tabs>
        </>
      )}
    </div>
  );
}

function BotKpis({ botId }: { botId: string }) {
  const { totalPnl, equity, lastPnl } = usePnlFigures(botId);
  const orders = useBotOrders(botId);
  const fills = useBotFills(botId);
  const openOrders = (orders.data?.data ?? []).filter((o) => OPEN.has(o.status)).length;
  return (
    <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
      <StatCard label="Total PnL" value={<Pnl value={totalPnl} />} testId="bot-pnl" hint={lastPnl ? `updated ${formatTime(lastPnl.timestamp)}` : undefined} />
      <StatCard label="Equity" value={formatDecimal(equity)} testId="bot-equity" />
      <StatCard label="Open orders" value={openOrders} testId="bot-open-orders" />
      <StatCard label="Fills" value={fills.data?.total ?? 0} testId="bot-fill-count" />
    </div>
  );
}

/**
 * Chart points of the stored buckets, by bucket object: live-cache replaces only the last bucket of the history on a
 * PnL event, so the other (up to 1440) buckets are not converted again each time.
 */
const bucketPoints = new WeakMap<PnlPoint, ChartPoint>();
function historyPoints(series: readonly PnlPoint[]): ChartPoint[] {
  return series.map((p) => {
    let point = bucketPoints.get(p);
    if (point === undefined) {
      point = toChartPoints([p], ['equity', 'totalPnl'])[0] ?? { timestamp: Date.parse(p.timestamp) };
      bucketPoints.set(p, point);
    }
    return point;
  });
}

function BotPnlChart({ botId }: { botId: string }) {
  const pnl = useBotPnlHistory(botId);
  const { data: live = [] } = useLivePnlPoints(botId);
  const points = useMemo(() => {
    const hist = historyPoints(pnl.data?.series ?? []);
    const lastHist = hist.at(-1)?.timestamp ?? 0;
    return [...hist, ...toChartPoints(live.filter((p) => p.timestamp > lastHist), ['equity', 'totalPnl'])];
  }, [pnl.data, live]);
  // A Recharts redraw is a long, uninterruptible commit (its store, SVG paths): once a second with every PnL event it
  // was the main long task a fill row could land behind. The cards show each PnL event; the 24 h chart may trail.
  const shown = useThrottled(points, CHART_REDRAW_MS);
  return <PnlChart data={shown} series={CHART_SERIES} emptyText="No PnL reported yet." />;
}

function PositionsCard({ botId }: { botId: string }) {
  const positions = useBotPositions(botId);
  const posList = openPositions(positions.data);
  return (
    <Card>
      <CardHeader><CardTitle>Position</CardTitle></CardHeader>
      <CardContent>
        <Table data-testid="positions-table">
          <THead><TR><TH>Instrument</TH><TH>Side</TH><TH className="text-right">Quantity</TH><TH className="text-right">Entry</TH><TH className="text-right">Mark</TH><TH className="text-right">Realized</TH><TH className="text-right">Unrealized</TH></TR></THead>
          <TBody>
            {posList.map((p) => (
              <TR key={`${p.instrumentId}|${p.outcome ?? ''}`}>
                <TD className="font-mono text-xs">{p.instrumentId}{outcomeSuffix(p.outcome)}</TD>
                <TD><SideBadge side={p.side} /></TD>
                <TD className="text-right">{formatQuantity(p.quantity)}</TD>
                <TD className="text-right"><Price value={p.averageEntryPrice} instrumentId={p.instrumentId} /></TD>
                <TD className="text-right"><Price value={p.markPrice} instrumentId={p.instrumentId} /></TD>
                <TD className="text-right"><Pnl value={p.realizedPnl} /></TD>
                <TD className="text-right"><Pnl value={p.unrealizedPnl} /></TD>
              </TR>
            ))}
            {posList.length === 0 && <EmptyRow colSpan={7}>Flat.</EmptyRow>}
          </TBody>
        </Table>
      </CardContent>
    </Card>
  );
}

/** A row re-renders only when its order object changed (live-cache replaces just the updated row). */
const OrderRow = memo(function OrderRow({ o }: { o: Order }) {
  return (
    <TR data-order-id={o.orderId} data-order-ts={typeof o.updatedAt === 'number' ? o.updatedAt : new Date(o.updatedAt).getTime()}>
      <TD className="font-mono text-xs">{o.instrumentId}</TD>
      <TD><SideBadge side={o.side} /></TD>
      <TD>{o.type}</TD>
      <TD className="text-right"><Price value={o.price ?? null} instrumentId={o.instrumentId} /></TD>
      <TD className="text-right">{formatQuantity(o.filledQuantity)} / {formatQuantity(o.quantity)}</TD>
      <TD><OrderStatusBadge status={o.status} /></TD>
      <TD>{formatTime(o.updatedAt)}</TD>
    </TR>
  );
});

function OpenOrdersCard({ botId }: { botId: string }) {
  const orders = useBotOrders(botId);
  const openOrders = (orders.data?.data ?? []).filter((o) => OPEN.has(o.status));
  return (
    <Card>
      <CardHeader><CardTitle>Open orders</CardTitle></CardHeader>
      <CardContent>
        <Table data-testid="open-orders-table">
          <THead><TR><TH>Instrument</TH><TH>Side</TH><TH>Type</TH><TH className="text-right">Price</TH><TH className="text-right">Filled / Qty</TH><TH>Status</TH><TH>Updated</TH></TR></THead>
          <TBody>
            {openOrders.map((o) => <OrderRow key={o.orderId} o={o} />)}
            {openOrders.length === 0 && <EmptyRow colSpan={7}>No open orders.</EmptyRow>}
          </TBody>
        </Table>
      </CardContent>
    </Card>
  );
}

/** A fill never changes once made: its row renders once. */
const FillRow = memo(function FillRow({ f }: { f: Fill }) {
  return (
    <TR data-fill-id={f.fillId} data-fill-ts={typeof f.timestamp === 'number' ? f.timestamp : new Date(f.timestamp).getTime()}>
      <TD>{formatTime(f.timestamp)}</TD>
      <TD className="font-mono text-xs">{f.instrumentId}</TD>
      <TD><SideBadge side={f.side} /></TD>
      <TD className="text-right"><Price value={f.price} instrumentId={f.instrumentId} /></TD>
      <TD className="text-right">{formatQuantity(f.quantity)}</TD>
      <TD className="text-right">{formatDecimal(f.fee, 4)} {f.feeCurrency}</TD>
      <TD>{f.role}</TD>
      <TD className="text-right"><Pnl value={f.realizedPnl ?? null} /></TD>
    </TR>
  );
});

function FillsCard({ botId }: { botId: string }) {
  const fills = useBotFills(botId);
  return (
    <Card>
      <CardContent className="pt-4">
        <Table data-testid="fills-table">
          <THead><TR><TH>Time</TH><TH>Instrument</TH><TH>Side</TH><TH className="text-right">Price</TH><TH className="text-right">Quantity</TH><TH className="text-right">Fee</TH><TH>Role</TH><TH className="text-right">Realized</TH></TR></THead>
          <TBody>
            {(fills.data?.data ?? []).map((f) => <FillRow key={f.fillId} f={f} />)}
            {fills.data?.data.length === 0 && <EmptyRow colSpan={8}>No fills yet.</EmptyRow>}
          </TBody>
        </Table>
      </CardContent>
    </Card>
  );
}

function RiskCard({ bot: b }: { bot: Bot }) {
  const { totalPnl, lastPnl } = usePnlFigures(b.botId);
  const positions = useBotPositions(b.botId);
  const maxPos = openPositions(positions.data).reduce((m, p) => Math.max(m, Math.abs(Number(p.quantity))), 0);
  const dailyLoss = totalPnl !== null && (toDecimal(totalPnl)?.isNegative() ?? false) ? (toDecimal(totalPnl)?.abs().toString() ?? null) : '0';
  return (
    <Card>
      <CardHeader><CardTitle>Risk limits — how close each is to breaching</CardTitle></CardHeader>
      <CardContent className="grid gap-4 sm:grid-cols-2">
        <Usage label="Daily loss" used={dailyLoss} limit={b.riskLimits.maxDailyLoss} />
        <Usage label="Drawdown" used={lastPnl?.drawdownPct !== undefined ? String(lastPnl.drawdownPct) : null} limit={b.riskLimits.maxDrawdown} unit="%" />
        <Usage label="Position size" used={String(maxPos)} limit={b.riskLimits.maxPositionSize} />
        <Usage label="Exposure" used={lastPnl?.exposure ?? null} limit={b.riskLimits.maxExposure} />
        <div className="text-xs text-neutral-500 sm:col-span-2">
          Other limits: {Object.entries(b.riskLimits).filter(([k]) => !['maxDailyLoss', 'maxDrawdown', 'maxPositionSize', 'maxExposure'].includes(k)).map(([k, v]) => `${k} ${String(v)}`).join(' · ') || 'none'}
        </div>
      </CardContent>
    </Card>
  );
}

function HistoryCard({ botId }: { botId: string }) {
  const api = useApi();
  const history = useQuery(botQueries.history(api, botId));
  return (
    <Card>
      <CardContent className="pt-4">
        <Table>
          <THead><TR><TH>Time</TH><TH>From</TH><TH>To</TH><TH>Reason</TH></TR></THead>
          <TBody>
            {(history.data?.data ?? []).map((h, i) => (
              <TR key={String(h.id ?? i)}>
                <TD>{formatTime(h.at)}</TD>
                <TD>{h.fromStatus ?? '—'}</TD>
                <TD><StateBadge state={h.toStatus} /></TD>
                <TD className="text-xs text-neutral-500">{h.reason ?? ''}</TD>
              </TR>
            ))}
            {history.data?.data.length === 0 && <EmptyRow colSpan={4}>No transitions yet.</EmptyRow>}
          </TBody>
        </Table>
      </CardContent>
    </Card>
  );
}

function LogsCard({ botId }: { botId: string }) {
  const api = useApi();
  const logs = useQuery(botQueries.logs(api, botId));
  return (
    <Card>
      <CardContent className="max-h-96 overflow-y-auto pt-4 font-mono text-xs" data-testid="bot-logs">
        {(logs.data?.data ?? []).map((l, i) => (
          <div key={String(l.id ?? i)} className={l.level === 'error' ? 'text-red-500' : l.level === 'warn' ? 'text-amber-500' : ''}>
            {formatTime(l.timestamp)} [{l.level}] {l.message}
          </div>
        ))}
        {logs.data?.data.length === 0 && <p className="text-neutral-500">No log lines.</p>}
      </CardContent>
    </Card>
  );
}

function ConfigEditor({ bot, editable, onSaved }: { bot: Bot; editable: boolean; onSaved: () => void }) {
  const api = useApi();
  const strategies = useStrategies();
  const schema = strategies.data?.data.find((s) => s.name === bot.strategy)?.configSchema ?? null;
  const resolve = useSchemaResolver();
  const fields = useMemo(() => (schema === null || resolve === null ? [] : fieldsFromSchema(schema, resolve)), [schema, resolve]);
  const initial = useMemo<FormValues>(() => {
    const v: FormValues = {};
    for (const f of fields) {
      const c = bot.config[f.name];
      v[f.name] = typeof c === 'boolean' ? c : Array.isArray(c) ? c.map(String).join(', ') : typeof c === 'string' || typeof c === 'number' ? String(c) : '';
    }
    return v;
  }, [fields, bot.config]);
  const [values, setValues] = useState<FormValues | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [json, setJson] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (config: Record<string, unknown>) => api.send<Bot>('PATCH', `/api/bots/${bot.botId}`, { config }),
    onSuccess: onSaved,
  });
  return (
    <Card>
      <CardHeader>
        <CardTitle>Strategy config</CardTitle>
        {!editable && <span className="text-xs text-neutral-500">Read-only: stop the bot to edit.</span>}
      </CardHeader>
      <CardContent className="space-y-3">
        {fields.length > 0 ? (
          <ConfigForm fields={fields} values={values ?? initial} errors={errors} disabled={!editable} onChange={(v, e) => { setValues(v); setErrors(e); }} />
        ) : (
          <textarea
            className="h-48 w-full rounded-md border border-neutral-300 bg-transparent p-2 font-mono text-xs dark:border-neutral-700"
            value={json ?? JSON.stringify(bot.config, null, 2)}
            readOnly={!editable}
            onChange={(e) => { setJson(e.target.value); }}
            aria-label="Config JSON"
          />
        )}
        <ErrorNote error={save.error} />
        {editable && (
          <Button
            disabled={save.isPending}
            onClick={() => {
              if (fields.length > 0) {
                const result = buildConfig(fields, values ?? initial);
                if (!result.ok) {
                  setErrors(result.errors);
                  return;
                }
                save.mutate(result.value);
              } else {
                try {
                  save.mutate(JSON.parse(json ?? JSON.stringify(bot.config)) as Record<string, unknown>);
                } catch {
                  setErrors({ json: 'not valid JSON' });
                }
              }
            }}
          >
            Save config
          </Button>
        )}
        <pre className="overflow-x-auto rounded bg-neutral-100 p-2 text-xs dark:bg-neutral-800/60">exchangeConfig: {JSON.stringify(bot.exchangeConfig)}</pre>
      </CardContent>
    </Card>
  );
}
