'use client';
/** Overview: portfolio equity/PnL charts, PnL per exchange and bot, exposure, bots by state, engines, alerts. */
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { BOT_STATE_VALUES, EXCHANGE_VALUES } from '@trading/shared-types/browser';
import { ExchangeBadge, Pnl, StateBadge } from '@/components/trading/badges';
import { ErrorNote, PageHeader } from '@/components/trading/page-header';
import { PnlChart, toChartPoints } from '@/components/trading/pnl-chart';
import { StatCard } from '@/components/trading/stat-card';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Table, TBody, TD, TH, THead, TR, EmptyRow } from '@/components/ui/table';
import { useApi } from '@/hooks/use-api';
import { matchesExchange, useExchange } from '@/hooks/use-exchange';
import { useBots, useEngines, usePositions } from '@/hooks/use-queries';
import type { NotificationRow, Page, PnlSeries } from '@/lib/api-types';
import { formatAge, formatDecimal, formatTime, sumDecimals } from '@/lib/format';
import { LIVE_KEYS, type LiveAlert } from '@/lib/live-cache';
import { bookByBot, exposureByExchange } from '@/lib/portfolio';
import { cn } from '@/lib/utils';

type Range = 'today' | '7d' | 'all';
const RANGES: Record<Range, { label: string; bucket: string; from: () => number }> = {
  today: { label: 'Today', bucket: '15m', from: () => new Date(new Date().setHours(0, 0, 0, 0)).getTime() },
  '7d': { label: '7 days', bucket: '1h', from: () => Date.now() - 7 * 86_400_000 },
  all: { label: 'All', bucket: '1d', from: () => 0 },
};

export default function OverviewPage() {
  const api = useApi();
  const { exchange } = useExchange();
  const [range, setRange] = useState<Range>('today');
  const pnl = useQuery({
    queryKey: ['pnl', 'portfolio', exchange, range],
    queryFn: () => api.get<PnlSeries>('/api/pnl', { exchange, bucket: RANGES[range].bucket, from: RANGES[range].from() }),
  });
  const perExchange = useQuery({
    queryKey: ['pnl', 'by-exchange', exchange],
    queryFn: async () =>
      Promise.all(
        EXCHANGE_VALUES.filter((ex) => matchesExchange(exchange, ex)).map(async (ex) => ({ exchange: ex, series: await api.get<PnlSeries>('/api/pnl', { exchange: ex, scope: 'exchange', bucket: '1d', from: 0 }) })),
      ),
  });
  const bots = useBots();
  const positions = usePositions();
  const engines = useEngines();
  const notifications = useQuery({ queryKey: ['notifications', exchange], queryFn: () => api.get<Page<NotificationRow>>('/api/notifications', { exchange, limit: 8 }) });
  const { data: alerts = [] } = useQuery<LiveAlert[]>({ queryKey: LIVE_KEYS.alerts, queryFn: () => [], staleTime: Infinity });

  const books = useMemo(() => bookByBot(positions.data?.data ?? []), [positions.data]);
  const exposure = useMemo(() => exposureByExchange(positions.data?.data ?? []), [positions.data]);
  const byState = useMemo(() => {
    const counts: Record<string, number> = {};
    for (const b of bots.data?.data ?? []) counts[b.status] = (counts[b.status] ?? 0) + 1;
    return counts;
  }, [bots.data]);
  const summary = pnl.data?.summary;
  const points = useMemo(() => toChartPoints(pnl.data?.series ?? [], ['equity', 'totalPnl']), [pnl.data]);
  const running = byState.RUNNING ?? 0;

  return (
    <div className="space-y-4">
      <PageHeader title="Overview" description="Portfolio, bots and engines — live." />
      <ErrorNote error={pnl.error ?? bots.error} />
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <StatCard label="Equity" value={formatDecimal(summary?.equity)} hint={`${summary?.bots ?? 0} bots reporting`} testId="kpi-equity" />
        <StatCard label={`PnL (${RANGES[range].label})`} value={<Pnl value={summary?.totalPnl} />} hint={<>Realized <Pnl value={summary?.realizedPnl} /> · fees {formatDecimal(summary?.fees)}</>} testId="kpi-pnl" />
        <StatCard label="Open exposure" value={formatDecimal(sumDecimals(Object.values(exposure)))} hint={Object.entries(exposure).map(([ex, v]) => `${ex} ${formatDecimal(v)}`).join(' · ') || 'no open positions'} />
        <StatCard label="Running bots" value={`${running} / ${bots.data?.total ?? 0}`} testId="kpi-running" />
      </div>

      <Card>
        <CardHeader>
          <CardTitle>Portfolio equity and PnL</CardTitle>
          <div className="flex gap-1" role="tablist">
            {(Object.keys(RANGES) as Range[]).map((r) => (
              <button key={r} role="tab" aria-selected={range === r} onClick={() => { setRange(r); }} className={cn('rounded px-2 py-0.5 text-xs', range === r ? 'bg-sky-600 text-white' : 'text-neutral-500 hover:bg-neutral-100 dark:hover:bg-neutral-800')}>
                {RANGES[r].label}
              </button>
            ))}
          </div>
        </CardHeader>
        <CardContent>
          <PnlChart data={points} series={[{ key: 'equity', label: 'Equity' }, { key: 'totalPnl', label: 'Total PnL' }]} />
        </CardContent>
      </Card>

      <div className="grid gap-4 lg:grid-cols-3">
        <Card>
          <CardHeader>
            <CardTitle>PnL per exchange (all time)</CardTitle>
          </CardHeader>
          <CardContent>
            <Table>
              <TBody>
                {(perExchange.data ?? []).map(({ exchange: ex, series }) => (
                  <TR key={ex}>
                    <TD><ExchangeBadge exchange={ex} /></TD>
                    <TD className="text-right"><Pnl value={series.summary.totalPnl} /></TD>
                    <TD className="text-right text-xs text-neutral-500">{series.summary.bots} bots</TD>
                  </TR>
                ))}
              </TBody>
            </Table>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Bots by state</CardTitle>
          </CardHeader>
          <CardContent className="flex flex-wrap gap-2">
            {BOT_STATE_VALUES.filter((s) => (byState[s] ?? 0) > 0).map((s) => (
              <span key={s} className="flex items-center gap-1">
                <StateBadge state={s} /> <span className="text-sm tabular-nums">{byState[s]}</span>
              </span>
            ))}
            {bots.data?.total === 0 && <span className="text-sm text-neutral-500">No bots yet.</span>}
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Engines</CardTitle>
          </CardHeader>
          <CardContent className="space-y-2">
            {(engines.data?.data ?? []).map((e) => (
              <div key={e.engineId} className="flex items-center gap-2 text-sm">
                <Badge tone={e.status === 'online' ? 'green' : e.status === 'draining' ? 'amber' : 'red'}>{e.status}</Badge>
                <span className="font-mono text-xs">{e.engineId}</span>
                <span className="ml-auto text-xs text-neutral-500">
                  {e.load}/{e.capacity} · beat {formatAge(Math.max(0, Date.now() - e.heartbeatAt))} ago
                </span>
              </div>
            ))}
            {engines.data?.total === 0 && <p className="text-sm text-neutral-500">No engine registered.</p>}
          </CardContent>
        </Card>
      </div>

      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>PnL per bot</CardTitle>
          </CardHeader>
          <CardContent>
            <Table>
              <THead>
                <TR>
                  <TH>Bot</TH>
                  <TH>State</TH>
                  <TH className="text-right">Realized</TH>
                  <TH className="text-right">Unrealized</TH>
                </TR>
              </THead>
              <TBody>
                {(bots.data?.data ?? []).slice(0, 10).map((b) => {
                  const book = books.get(b.botId);
                  return (
                    <TR key={b.botId}>
                      <TD><Link className="hover:underline" href={`/bots/${b.botId}`}>{b.name}</Link></TD>
                      <TD><StateBadge state={b.status} /></TD>
                      <TD className="text-right"><Pnl value={book?.realizedPnl ?? '0'} /></TD>
                      <TD className="text-right"><Pnl value={book?.unrealizedPnl ?? '0'} /></TD>
                    </TR>
                  );
                })}
                {bots.data?.total === 0 && <EmptyRow colSpan={4}>No bots.</EmptyRow>}
              </TBody>
            </Table>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Risk events and notifications</CardTitle>
          </CardHeader>
          <CardContent>
            <ul className="space-y-2 text-sm" data-testid="notifications">
              {alerts.filter((a) => matchesExchange(exchange, a.exchange)).slice(0, 5).map((a) => (
                <li key={a.id} className="flex gap-2">
                  <Badge tone={a.severity === 'critical' ? 'red' : 'amber'}>live</Badge>
                  <span className="font-medium">{a.title}</span>
                  <span className="truncate text-neutral-500">{a.message}</span>
                </li>
              ))}
              {(notifications.data?.data ?? []).map((n) => (
                <li key={n.notificationId} className="flex gap-2">
                  <Badge tone={n.severity === 'critical' ? 'red' : n.severity === 'warning' ? 'amber' : 'blue'}>{n.severity}</Badge>
                  <span className="font-medium">{n.title}</span>
                  <span className="truncate text-neutral-500">{n.message}</span>
                  <span className="ml-auto shrink-0 text-xs text-neutral-500">{formatTime(n.createdAt)}</span>
                </li>
              ))}
              {notifications.data?.total === 0 && alerts.length === 0 && <li className="text-neutral-500">Nothing to report.</li>}
            </ul>
          </CardContent>
        </Card>
      </div>
    </div>
  );
}
