'use client';
/** Equity / PnL line chart (Recharts), loaded lazily by pnl-chart.tsx. */
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDecimal } from '@/lib/format';
import type { PnlChartProps } from './pnl-chart';

const COLORS = ['#0ea5e9', '#10b981', '#f59e0b', '#a855f7'];

export default function PnlChartImpl({ data, series, height = 220, emptyText = "No data for this period yet." }: PnlChartProps) {
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
        <LineChart data={data} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#8884" />
          <XAxis
            dataKey="timestamp"
            type="number"
            domain={['dataMin', 'dataMax']}
            scale="time"
            tickFormatter={(v: number) => new Date(v).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}
            fontSize={11}
            stroke="#888"
          />
          <YAxis fontSize={11} stroke="#888" width={60} tickFormatter={(v: number) => formatDecimal(String(v), 2)} />
          <Tooltip
            labelFormatter={(v) => new Date(Number(v)).toLocaleString()}
            contentStyle={{ background: '#171717', border: '1px solid #404040', fontSize: 12 }}
          />
          {series.map((s, i) => (
            <Line key={s.key} type="monotone" dataKey={s.key} name={s.label} stroke={COLORS[i % COLORS.length]} dot={false} strokeWidth={2} isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
