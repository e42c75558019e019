/**
 * Renders a BacktestReport as one self-contained HTML page: inline CSS and inline SVG charts (equity curve,
 * drawdown), the statistics, the configuration and the trades. No scripts, fonts or CDNs; deterministic output.
 */
import type { BacktestReport } from './report.js';

const WIDTH = 900;
const HEIGHT = 220;
const PAD = 40;

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** A polyline chart of (time, value) points; chart coordinates only, so the numbers stay exact in the data. */
function lineChart(title: string, points: readonly { time: number; value: number }[], color: string, fill: boolean): string {
  if (points.length === 0) return '';
  const times = points.map((p) => p.time);
  const values = points.map((p) => p.value);
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  let v0 = Math.min(...values);
  let v1 = Math.max(...values);
  if (v0 === v1) {
    v0 -= 1;
    v1 += 1;
  }
  const x = (t: number): number => PAD + ((t - t0) / Math.max(1, t1 - t0)) * (WIDTH - 2 * PAD);
  const y = (v: number): number => HEIGHT - PAD + ((v0 - v) / (v1 - v0)) * (HEIGHT - 2 * PAD);
  const path = points.map((p) => `${x(p.time).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const area = fill ? `<polygon points="${x(t0).toFixed(1)},${y(v1).toFixed(1)} ${path} ${x(t1).toFixed(1)},${y(v1).toFixed(1)}" fill="${color}" fill-opacity="0.15"/>` : '';
  const label = (v: number): string => (Math.abs(v) >= 1000 ? v.toFixed(0) : v.toPrecision(6));
  return `<figure><figcaption>${escapeHtml(title)}</figcaption>
<svg viewBox="0 0 ${String(WIDTH)} ${String(HEIGHT)}" width="100%" role="img" aria-label="${escapeHtml(title)}">
<rect x="0" y="0" width="${String(WIDTH)}" height="${String(HEIGHT)}" fill="#fff"/>
<line x1="${String(PAD)}" y1="${String(HEIGHT - PAD)}" x2="${String(WIDTH - PAD)}" y2="${String(HEIGHT - PAD)}" stroke="#999"/>
<line x1="${String(PAD)}" y1="${String(PAD)}" x2="${String(PAD)}" y2="${String(HEIGHT - PAD)}" stroke="#999"/>
<text x="${String(PAD + 4)}" y="${String(PAD - 6)}" font-size="11">${escapeHtml(label(v1))}</text>
<text x="${String(PAD + 4)}" y="${String(HEIGHT - PAD - 4)}" font-size="11">${escapeHtml(label(v0))}</text>
<text x="${String(PAD)}" y="${String(HEIGHT - PAD + 16)}" font-size="11">${escapeHtml(isoTime(t0))}</text>
<text x="${String(WIDTH - PAD)}" y="${String(HEIGHT - PAD + 16)}" font-size="11" text-anchor="end">${escapeHtml(isoTime(t1))}</text>
${area}<polyline points="${path}" fill="none" stroke="${color}" stroke-width="1.5"/>
</svg></figure>`;
}

function table(rows: readonly (readonly string[])[], header?: readonly string[]): string {
  const head = header ? `<thead><tr>${header.map((cell) => `<th>${escapeHtml(cell)}</th>`).join('')}</tr></thead>` : '';
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('\n');
  return `<table>${head}<tbody>\n${body}\n</tbody></table>`;
}

const MAX_HTML_FILLS = 200;

export function renderHtmlReport(report: BacktestReport): string {
  const s = report.summary;
  const stats: [string, string][] = [
    ['Total PnL', `${s.totalPnl} ${s.currency} (${s.returnPct}%)`],
    ['Starting → ending equity', `${s.startingEquity} → ${s.endingEquity}`],
    ['Realized / unrealized PnL', `${s.realizedPnl} / ${s.unrealizedPnl}`],
    ['Fees (negative = rebates)', s.fees],
    ['Funding', s.funding],
    ['Sharpe (annualized)', s.sharpe],
    ['Volatility (annualized)', `${s.annualizedVolatilityPct}%`],
    ['Max drawdown', `${s.maxDrawdown} (${s.maxDrawdownPct}%)`],
    ['Trades (fills) / closing', `${String(s.trades)} / ${String(s.closingTrades)}`],
    ['Win rate (closing fills)', `${s.winRatePct}%`],
    ['Volume / turnover', `${s.volume} / ${s.turnover}×`],
    ['Orders placed / cancel requests / venue rejects', `${String(s.ordersPlaced)} / ${String(s.cancelRequests)} / ${String(s.venueRejected)}`],
    ['Risk denials', Object.entries(s.riskDenied).map(([rule, n]) => `${rule}: ${String(n)}`).join(', ') || 'none'],
    ['Stopped by risk', s.stoppedBy === null ? 'no' : `${s.stoppedBy.rule} at ${isoTime(s.stoppedBy.time)}: ${s.stoppedBy.message}`],
  ];
  const data = report.data;
  const equity = report.equity.map((p) => ({ time: p.time, value: Number(p.equity) }));
  const drawdown = report.equity.map((p) => ({ time: p.time, value: -Number(p.drawdownPct) }));
  const fills = report.fills.slice(0, MAX_HTML_FILLS).map((f) => [isoTime(f.time), f.instrumentId, f.side, f.price, f.quantity, f.fee, f.role, f.realizedPnl, f.tag ?? '']);
  const omitted = report.fills.length - fills.length + report.fillsOmitted;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Backtest: ${escapeHtml(report.strategy)}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:960px;color:#222}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}
th{background:#f4f4f4}figure{margin:8px 0}figcaption{font-weight:600;font-size:13px}
pre{background:#f7f7f7;padding:8px;font-size:12px;overflow:auto}
</style></head><body>
<h1>Backtest: ${escapeHtml(report.strategy)}</h1>
<p>${escapeHtml(isoTime(data.startTime))} → ${escapeHtml(isoTime(data.endTime))}, ${String(data.events)} events (${escapeHtml(Object.entries(data.eventsByType).map(([t, n]) => `${t} ${String(n)}`).join(', '))}) on ${escapeHtml(data.instruments.join(', '))}.</p>
<h2>Statistics</h2>
${table(stats)}
<h2>Equity and drawdown</h2>
${lineChart(`Equity (${s.currency})`, equity, '#1f6feb', false)}
${lineChart('Drawdown (%)', drawdown, '#d1242f', true)}
<h2>Open positions at the end</h2>
${report.positions.length === 0 ? '<p>none</p>' : table(report.positions.map((p) => [p.instrumentId, p.quantity, p.averageEntryPrice, p.markPrice ?? '', p.unrealizedPnl]), ['instrument', 'quantity', 'avg entry', 'mark', 'unrealized'])}
<h2>Configuration</h2>
<pre>${escapeHtml(JSON.stringify(report.config, null, 2))}</pre>
<h2>Trades</h2>
${fills.length === 0 ? '<p>no trades</p>' : table(fills, ['time', 'instrument', 'side', 'price', 'qty', 'fee', 'role', 'realized', 'why'])}
${omitted > 0 ? `<p>${String(omitted)} more fills not shown (see the JSON report).</p>` : ''}
</body></html>
`;
}
