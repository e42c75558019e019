/**
 * Trading statistics from fills (realized PnL per closing fill) and an equity series: win rate, average
 * win/loss, fees, volume, max drawdown, grouped by any key (strategy, exchange, day). Exact decimal sums.
 */
import { Decimal } from 'decimal.js';
import { toDecimal } from './format';

export interface StatFill {
  price: string;
  quantity: string;
  fee: string;
  realizedPnl?: string | null;
}

export interface TradeStats {
  trades: number;
  closing: number;
  wins: number;
  losses: number;
  /** 0–100, null with no closing fills. */
  winRatePct: string | null;
  realizedPnl: string;
  avgWin: string | null;
  avgLoss: string | null;
  fees: string;
  volume: string;
}

export function tradeStats(fills: readonly StatFill[]): TradeStats {
  let pnl = new Decimal(0);
  let fees = new Decimal(0);
  let volume = new Decimal(0);
  let winSum = new Decimal(0);
  let lossSum = new Decimal(0);
  let wins = 0;
  let losses = 0;
  let closing = 0;
  for (const f of fills) {
    fees = fees.plus(toDecimal(f.fee) ?? 0);
    volume = volume.plus((toDecimal(f.price) ?? new Decimal(0)).times(toDecimal(f.quantity) ?? 0));
    const r = toDecimal(f.realizedPnl);
    if (r === null || r.isZero()) continue;
    closing += 1;
    pnl = pnl.plus(r);
    if (r.isPositive()) {
      wins += 1;
      winSum = winSum.plus(r);
    } else {
      losses += 1;
      lossSum = lossSum.plus(r);
    }
  }
  return {
    trades: fills.length,
    closing,
    wins,
    losses,
    winRatePct: closing === 0 ? null : new Decimal(wins).dividedBy(closing).times(100).toDecimalPlaces(1).toString(),
    realizedPnl: pnl.toString(),
    avgWin: wins === 0 ? null : winSum.dividedBy(wins).toDecimalPlaces(8).toString(),
    avgLoss: losses === 0 ? null : lossSum.dividedBy(losses).toDecimalPlaces(8).toString(),
    fees: fees.toString(),
    volume: volume.toString(),
  };
}

export function groupStats<T extends StatFill>(fills: readonly T[], key: (f: T) => string): { key: string; stats: TradeStats }[] {
  const groups = new Map<string, T[]>();
  for (const f of fills) {
    const k = key(f);
    const list = groups.get(k);
    if (list === undefined) groups.set(k, [f]);
    else list.push(f);
  }
  return [...groups.entries()].map(([k, list]) => ({ key: k, stats: tradeStats(list) })).sort((a, b) => a.key.localeCompare(b.key));
}

/** Largest peak-to-trough drop of an equity series, as an amount and a percent of the peak. */
export function maxDrawdown(equity: readonly string[]): { amount: string; pct: string | null } {
  let peak: Decimal | null = null;
  let worst = new Decimal(0);
  let worstPct: Decimal | null = null;
  for (const v of equity) {
    const e = toDecimal(v);
    if (e === null) continue;
    if (peak === null || e.greaterThan(peak)) peak = e;
    const dd = peak.minus(e);
    if (dd.greaterThan(worst)) {
      worst = dd;
      worstPct = peak.isPositive() ? dd.dividedBy(peak).times(100).toDecimalPlaces(2) : null;
    }
  }
  return { amount: worst.toString(), pct: worstPct === null ? null : worstPct.toString() };
}
