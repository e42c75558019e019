'use client';
/** Stats over a period: PnL by strategy, exchange and day; win rate, average win/loss, fees, volume, drawdown. */
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { Fill } from '@trading/shared-types/browser';
import { ExchangeBadge, Pnl } from '@/components/trading/badges';
import { ErrorNote, PageHeader } from '@/components/trading/page-header';
import { PnlChart, toChartPoints } from '@/components/trading/pnl-chart';
import { StatCard } from '@/components/trading/stat-card';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Select } from '@/components/ui/input';
import { EmptyRow, Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { useApi } from '@/hooks/use-api';
import { useExchange } from '@/hooks/use-exchange';
import { useBots } from '@/hooks/use-queries';
import type { Page, PnlSeries } from '@/lib/api-types';
import { formatDecimal } from '@/lib/format';
import { groupStats, maxDrawdown, tradeStats, type TradeStats } from '@/lib/stats';

const PERIODS = { '1d': { label: '24 hours', ms: 86_400_000, bucket: '15m' }, '7d': { label: '7 days', ms: 7 * 86_400_000, bucket: '1h' }, '30d': { label: '30 days', ms: 30 * 86_400_000, bucket: '1d' } } as const;
type Period = keyof typeof PERIODS;
const MAX_PAGES = 10;

function StatsRows({ rows, label }: { rows: { key: string; stats: TradeStats }[]; label: string }) {
  return (
    <Table>
      <THead>
        <TR><TH>{label}</TH><TH className="text-right">Realized PnL</TH><TH className="text-right">Win rate</TH><TH className="text-right">Avg win</TH><TH className="text-right">Avg loss</TH><TH className="text-right">Fees</TH><TH className="text-right">Volume</TH><TH className="text-right">Fills</TH></TR>
      </THead>
      <TBody>
        {rows.map(({ key, stats }) => (
          <TR key={key}>
            <TD>{key === 'okx' || key === 'polymarket' ? <ExchangeBadge exchange={key} /> : key}</TD>
            <TD className="text-right"><Pnl value={stats.realizedPnl} /></TD>
            <TD className="text-right">{stats.winRatePct === null ? '—' : `${stats.winRatePct}%`}</TD>
            <TD className="text-right">{formatDecimal(stats.avgWin)}</TD>
            <TD className="text-right">{formatDecimal(stats.avgLoss)}</TD>
            <TD className="text-right">{formatDecimal(stats.fees)}</TD>
            <TD className="text-right">{formatDecimal(stats.volume)}</TD>
            <TD className="text-right">{stats.trades}</TD>
          </TR>
        ))}
        {rows.length === 0 && <EmptyRow colSpan={8}>No fills in this period.</EmptyRow>}
      </TBody>
    </Table>
  );
}

export default function StatsPage() {
  const api = useApi();
  const { exchange } = useExchange();
  const [period, setPeriod] = useState<Period>('7d');
  const bots = useBots();
  const fills = useQuery({
    queryKey: ['trades', 'stats', exchange, period],
    queryFn: async () => {
      const from = Date.now() - PERIODS[period].ms;
      const rows: Fill[] = [];
      for (let p = 1; p <= MAX_PAGES; p++) {
        const res = await api.get<Page<Fill>>('/api/trades', { exchange, from, page: p, limit: 100 });
        rows.push(...res.data);
        if (p >= res.totalPages) return { rows, truncated: false };
      }
      return { rows, truncated: true };
    },
  });
  const pnl = useQuery({
    queryKey: ['pnl', 'stats', exchange, period],
    queryFn: () => api.get<PnlSeries>('/api/pnl', { exchange, bucket: PERIODS[period].bucket, from: Date.now() - PERIODS[period].ms }),
  });
  const strategyOf = useMemo(() => new Map((bots.data?.data ?? []).map((b) => [b.botId, b.strategy])), [bots.data]);
  const rows = useMemo(() => fills.data?.rows ?? [], [fills.data]);
  const total = useMemo(() => tradeStats(rows), [rows]);
  const byStrategy = useMemo(() => groupStats(rows, (f) => strategyOf.get(f.botId) ?? 'unknown'), [rows, strategyOf]);
  const byExchange = useMemo(() => groupStats(rows, (f) => f.exchange), [rows]);
  const byDay = useMemo(() => groupStats(rows, (f) => new Date(f.timestamp).toISOString().slice(0, 10)), [rows]);
  const dd = useMemo(() => maxDrawdown((pnl.data?.series ?? []).map((p) => p.equity)), [pnl.data]);

  return (
    <div className="space-y-4">
      <PageHeader
        title="Stats"
        actions={
          <Select className="w-36" value={period} onChange={(e) => { setPeriod(e.target.value as Period); }} aria-label="Period">
            {(Object.keys(PERIODS) as Period[]).map((p) => <option key={p} value={p}>{PERIODS[p].label}</option>)}
          </Select>
        }
      />
      <ErrorNote error={fills.error ?? pnl.error} />
      {fills.data?.truncated === true && <p className="text-xs text-amber-500">Only the latest {MAX_PAGES * 100} fills are included.</p>}
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-6">
        <StatCard label="Realized PnL" value={<Pnl value={total.realizedPnl} />} />
        <StatCard label="Win rate" value={total.winRatePct === null ? '—' : `${total.winRatePct}%`} hint={`${total.wins} wins / ${total.losses} losses`} />
        <StatCard label="Avg win / loss" value={<span className="text-base">{formatDecimal(total.avgWin)} / {formatDecimal(total.avgLoss)}</span>} />
        <StatCard label="Fees" value={formatDecimal(total.fees)} />
        <StatCard label="Volume" value={formatDecimal(total.volume)} hint={`${total.trades} fills`} />
        <StatCard label="Max drawdown" value={formatDecimal(dd.amount)} hint={dd.pct === null ? undefined : `${dd.pct}% of peak equity`} />
      </div>
      <Card>
        <CardHeader><CardTitle>Equity over the period</CardTitle></CardHeader>
        <CardContent><PnlChart data={toChartPoints(pnl.data?.series ?? [], ['equity', 'totalPnl'])} series={[{ key: 'equity', label: 'Equity' }, { key: 'totalPnl', label: 'PnL' }]} /></CardContent>
      </Card>
      <Card><CardHeader><CardTitle>By strategy</CardTitle></CardHeader><CardContent><StatsRows rows={byStrategy} label="Strategy" /></CardContent></Card>
      <Card><CardHeader><CardTitle>By exchange</CardTitle></CardHeader><CardContent><StatsRows rows={byExchange} label="Exchange" /></CardContent></Card>
      <Card><CardHeader><CardTitle>By day</CardTitle></CardHeader><CardContent><StatsRows rows={byDay} label="Day (UTC)" /></CardContent></Card>
    </div>
  );
}
