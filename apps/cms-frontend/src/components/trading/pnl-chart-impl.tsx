'use client';
/**
 * Equity / PnL line chart (Recharts), loaded lazily by pnl-chart.tsx. Recharts re-lays out the whole chart
 * (formatting each tick several times) whenever it renders, and a live page gets socket events many times a second,
 * so the chart renders only when its points or series change (memo, module-level formatters and margin), and new
 * points are drawn in a deferred, interruptible render: a fill row or an order update is not held behind a redraw.
 */
import { memo, useDeferredValue } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDecimal, formatHourMinute } from '@/lib/format';
import type { PnlChartProps } from './pnl-chart';

const COLORS = ['#0ea5e9', '#10b981', '#f59e0b', '#a855f7'];
const MARGIN = { top: 8, right: 8, left: 0, bottom: 0 };
const X_DOMAIN = ['dataMin', 'dataMax'];
const TOOLTIP_STYLE = { background: '#171717', border: '1px solid #404040', fontSize: 12 };
const xTick = (v: number): string => formatHourMinute(v);
const yTick = (v: number): string => formatDecimal(String(v), 2);
const tooltipLabel = (v: unknown): string => new Date(Number(v)).toLocaleString();

const seriesId = (series: PnlChartProps['series']): string => series.map((s) => `${s.key}\u0000${s.label}`).join('\u0001');

/** Equal when the same points and the same series (by key and label) are asked for. */
function sameProps(a: PnlChartProps, b: PnlChartProps): boolean {
  return a.data === b.data && a.height === b.height && a.emptyText === b.emptyText && (a.series === b.series || seriesId(a.series) === seriesId(b.series));
}

const ChartBody = memo(function ChartBody({ data, series, height = 220, emptyText = "No data for this period yet." }: PnlChartProps) {
  if (data.length === 0) {
    return (
      <div className="flex items-center justify-center text-sm text-neutral-500" style={{ height }}>
        {emptyText}
      </div>
    );
  }
  return (
    <div style={{ height }} data-testid="pnl-chart">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={MARGIN}>
          <CartesianGrid strokeDasharray="3 3" stroke="#8884" />
          <XAxis dataKey="timestamp" type="number" domain={X_DOMAIN} scale="time" tickFormatter={xTick} fontSize={11} stroke="#888" />
          <YAxis fontSize={11} stroke="#888" width={60} tickFormatter={yTick} />
          <Tooltip labelFormatter={tooltipLabel} contentStyle={TOOLTIP_STYLE} />
          {series.map((s, i) => (
            <Line key={s.key} type="monotone" dataKey={s.key} name={s.label} stroke={COLORS[i % COLORS.length]} dot={false} strokeWidth={2} isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}, sameProps);

function PnlChartImpl(props: PnlChartProps) {
  const data = useDeferredValue(props.data);
  return <ChartBody {...props} data={data} />;
}

export default memo(PnlChartImpl, sameProps);
