'use client';
/**
 * Equity / PnL chart. Values arrive as decimal strings and become numbers only for plotting. Recharts (~115 kB
 * gzipped) is loaded after the page, so it does not count against first-load JavaScript.
 */
import dynamic from 'next/dynamic';
import { chartNumber } from '@/lib/format';

export interface ChartPoint {
  timestamp: number;
  [series: string]: number | string;
}

export interface PnlChartProps {
  data: ChartPoint[];
  series: { key: string; label: string }[];
  height?: number;
  emptyText?: string;
}

export function toChartPoints<T extends { timestamp: string | number }>(rows: readonly T[], fields: (keyof T & string)[]): ChartPoint[] {
  return rows.map((r) => {
    const point: ChartPoint = { timestamp: typeof r.timestamp === 'number' ? r.timestamp : new Date(r.timestamp).getTime() };
    for (const f of fields) point[f] = chartNumber(r[f] as string);
    return point;
  });
}

export const PnlChart = dynamic<PnlChartProps>(() => import('./pnl-chart-impl'), {
  ssr: false,
  loading: () => <div className="h-[220px] animate-pulse rounded bg-neutral-100 dark:bg-neutral-800/40" />,
});
