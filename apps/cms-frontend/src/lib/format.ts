/**
 * Display formatting of decimal strings (money, prices, sizes, PnL). Everything goes through decimal.js so a
 * value like "0.1" or "123456789.123456789" is shown exactly as the API sent it (no float rounding). Polymarket
 * prices are probabilities in [0, 1] shown as cents; OKX prices are in the instrument's quote currency.
 */
import { Decimal } from 'decimal.js';

export type DecimalInput = string | null | undefined;

/** Parses a decimal string; null for missing or malformed values (shown as an em dash). */
export function toDecimal(value: DecimalInput): Decimal | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  try {
    const d = new Decimal(value);
    return d.isFinite() ? d : null;
  } catch {
    return null;
  }
}

function group(intPart: string): string {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Fixed decimals (rounded half-up) with thousands separators: "1234.5" → "1,234.50". */
export function formatDecimal(value: DecimalInput, decimals = 2, opts: { sign?: boolean } = {}): string {
  const d = toDecimal(value);
  if (d === null) return '—';
  const fixed = d.toFixed(decimals, Decimal.ROUND_HALF_UP);
  const negative = fixed.startsWith('-');
  const unsigned = negative ? fixed.slice(1) : fixed;
  const [intPart = '0', frac] = unsigned.split('.');
  const body = frac === undefined ? group(intPart) : `${group(intPart)}.${frac}`;
  const isZero = /^[0.,]+$/.test(body);
  if (negative && !isZero) return `-${body}`;
  if (opts.sign === true && !isZero) return `+${body}`;
  return body;
}

/** Keeps every significant digit the API sent (sizes, quantities) but groups thousands: "1500.125" → "1,500.125". */
export function formatQuantity(value: DecimalInput): string {
  const d = toDecimal(value);
  if (d === null) return '—';
  return formatDecimal(value, Math.max(0, d.decimalPlaces()));
}

/** "1,234.56 USDT". */
export function formatMoney(value: DecimalInput, currency = 'USD', decimals = 2): string {
  const text = formatDecimal(value, decimals);
  return text === '—' ? text : `${text} ${currency}`;
}

/** Signed PnL: "+12.30", "-4.00", "0.00". */
export function formatPnl(value: DecimalInput, decimals = 2): string {
  return formatDecimal(value, decimals, { sign: true });
}

/** -1, 0 or 1 for colouring a PnL. */
export function pnlSign(value: DecimalInput): -1 | 0 | 1 {
  const d = toDecimal(value);
  if (d === null || d.isZero()) return 0;
  return d.isNegative() ? -1 : 1;
}

/** Polymarket price (probability 0–1) as cents: "0.575" → "57.5¢". */
export function formatCents(price: DecimalInput): string {
  const d = toDecimal(price);
  if (d === null) return '—';
  const cents = d.times(100);
  const decimals = Math.min(Math.max(cents.decimalPlaces(), 0), 2);
  return `${formatDecimal(cents.toString(), decimals)}¢`;
}

/** Polymarket price as an implied probability: "0.575" → "57.5%". */
export function formatProbability(price: DecimalInput): string {
  const d = toDecimal(price);
  if (d === null) return '—';
  const pct = d.times(100);
  return `${formatDecimal(pct.toString(), Math.min(Math.max(pct.decimalPlaces(), 0), 2))}%`;
}

/** Quote currency of an instrument id: okx:BTC-USDT-SWAP → USDT; Polymarket → USDC. */
export function quoteCurrency(instrumentId: string | null | undefined): string {
  if (instrumentId === null || instrumentId === undefined) return '';
  const [venue, symbol = ''] = instrumentId.split(':', 2);
  if (venue === 'polymarket') return 'USDC';
  const parts = symbol.split('-');
  return parts[1] ?? '';
}

/** A price the way its venue quotes it. */
export function formatPrice(price: DecimalInput, instrumentId: string | null | undefined): string {
  if (instrumentId?.startsWith('polymarket:') === true) return formatCents(price);
  const d = toDecimal(price);
  if (d === null) return '—';
  const decimals = Math.min(Math.max(d.decimalPlaces(), 2), 8);
  const quote = quoteCurrency(instrumentId);
  return quote === '' ? formatDecimal(price, decimals) : `${formatDecimal(price, decimals)} ${quote}`;
}

/** Exact sum of decimal strings (missing values count as zero). */
export function sumDecimals(values: DecimalInput[]): string {
  let total = new Decimal(0);
  for (const v of values) {
    const d = toDecimal(v);
    if (d !== null) total = total.plus(d);
  }
  return total.toString();
}

/** used/limit as a 0–100 percentage of the limit, for "how close to breaching" bars. */
export function usagePct(used: DecimalInput, limit: DecimalInput): number | null {
  const u = toDecimal(used);
  const l = toDecimal(limit);
  if (u === null || l === null || l.isZero()) return null;
  const pct = u.abs().dividedBy(l.abs()).times(100);
  return Decimal.min(pct, 100).toDecimalPlaces(1).toNumber();
}

/** Chart axes need numbers; this is only ever used for plotting, never for sums or display text. */
export function chartNumber(value: DecimalInput): number {
  const d = toDecimal(value);
  return d === null ? 0 : d.toNumber();
}

/** " YES" / " NO" after a Polymarket instrument; nothing when the API sends null or no outcome. */
export function outcomeSuffix(outcome: unknown): string {
  return typeof outcome === 'string' && outcome !== '' ? ` ${outcome}` : '';
}

/**
 * Intl formatters built once: `toLocaleTimeString(locale, options)` builds a new formatter on every call (about
 * 0.1–0.4 ms each), and tables and chart axes format on every render of a live page. Same output (same options).
 */
let timeFormat: Intl.DateTimeFormat | undefined;
let dayFormat: Intl.DateTimeFormat | undefined;
let hourMinuteFormat: Intl.DateTimeFormat | undefined;

/** "12:03" (chart axes). */
export function formatHourMinute(ts: number): string {
  hourMinuteFormat ??= new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });
  return hourMinuteFormat.format(ts);
}

/** Short human time: "12:03:04" today, else "Nov 25 12:03". */
export function formatTime(ts: number | string | null | undefined, now: Date = new Date()): string {
  if (ts === null || ts === undefined) return '—';
  const date = typeof ts === 'number' ? new Date(ts) : /^\d+$/.test(ts) ? new Date(Number(ts)) : new Date(ts);
  if (Number.isNaN(date.getTime())) return '—';
  const sameDay = date.toDateString() === now.toDateString();
  timeFormat ??= new Intl.DateTimeFormat('en-GB', { hour: 'numeric', minute: 'numeric', second: 'numeric', hour12: false });
  const hms = timeFormat.format(date);
  if (sameDay) return hms;
  dayFormat ??= new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric' });
  return `${dayFormat.format(date)} ${hms.slice(0, 5)}`;
}

/** "3s", "4m 10s", "2h 5m" for heartbeat ages. */
export function formatAge(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${m % 60}m`;
}
