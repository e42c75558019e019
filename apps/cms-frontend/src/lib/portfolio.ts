/**
 * Aggregations over positions for the overview and bots table: PnL and open exposure per bot and per exchange,
 * summed exactly with decimal.js.
 */
import { Decimal } from 'decimal.js';
import type { Position } from '@trading/shared-types/browser';
import { toDecimal } from './format';

export interface BotBook {
  realizedPnl: string;
  unrealizedPnl: string;
  totalPnl: string;
  /** Sum of |quantity| × (mark or entry price). */
  exposure: string;
  /** Net position per instrument, e.g. "okx:BTC-USDT-SWAP 0.5". */
  positions: { instrumentId: string; quantity: string }[];
}

function d(v: string | null | undefined): Decimal {
  return toDecimal(v) ?? new Decimal(0);
}

export function bookByBot(positions: readonly Position[]): Map<string, BotBook> {
  const acc = new Map<string, { r: Decimal; u: Decimal; e: Decimal; p: { instrumentId: string; quantity: string }[] }>();
  for (const p of positions) {
    const a = acc.get(p.botId) ?? { r: new Decimal(0), u: new Decimal(0), e: new Decimal(0), p: [] };
    a.r = a.r.plus(d(p.realizedPnl));
    a.u = a.u.plus(d(p.unrealizedPnl));
    const price = toDecimal(p.markPrice) ?? d(p.averageEntryPrice);
    a.e = a.e.plus(d(p.quantity).abs().times(price));
    if (!d(p.quantity).isZero()) a.p.push({ instrumentId: p.instrumentId, quantity: p.quantity });
    acc.set(p.botId, a);
  }
  const out = new Map<string, BotBook>();
  for (const [botId, a] of acc) {
    out.set(botId, { realizedPnl: a.r.toString(), unrealizedPnl: a.u.toString(), totalPnl: a.r.plus(a.u).toString(), exposure: a.e.toString(), positions: a.p });
  }
  return out;
}

export function exposureByExchange(positions: readonly Position[]): Record<string, string> {
  const out: Record<string, Decimal> = {};
  for (const p of positions) {
    const price = toDecimal(p.markPrice) ?? d(p.averageEntryPrice);
    out[p.exchange] = (out[p.exchange] ?? new Decimal(0)).plus(d(p.quantity).abs().times(price));
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.toString()]));
}
