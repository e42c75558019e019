/**
 * Builds schema-valid engine event streams for ingestion tests and the benchmark: orders that fill in two parts
 * and orders that get cancelled, plus PnL ticks, with the expected end state computed independently (Decimal).
 */
import { Decimal } from 'decimal.js';
import type { EngineEvent, Order, OrderStatus } from '@trading/shared-types';

export interface Expected {
  orders: Map<string, { status: OrderStatus; filled: string }>;
  fills: number;
  positionQuantity: string;
  positionFees: string;
  pnlSnapshots: number;
  uniqueEvents: number;
}

/** Small deterministic PRNG so a failing shuffle can be replayed. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let r = Math.imul(s ^ (s >>> 15), 1 | s);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

export function buildEventStream(opts: { botId: string; engineId: string; filledOrders: number; cancelledOrders: number; pnlTicks: number; prefix: string }): { events: EngineEvent[]; expected: Expected } {
  const { botId, engineId, prefix } = opts;
  const base = 1_790_000_000_000;
  const events: EngineEvent[] = [];
  const orders = new Map<string, { status: OrderStatus; filled: string }>();
  let qty = new Decimal(0);
  let fees = new Decimal(0);
  let fillCount = 0;
  const env = (eventId: string, ts: number) => ({ eventId, engineId, exchange: 'okx' as const, botId, timestamp: ts });
  const order = (id: string, i: number, side: 'BUY' | 'SELL', status: OrderStatus, filled: string, ts: number): Order => ({
    orderId: id, clientOrderId: id, exchange: 'okx', botId, instrumentId: 'okx:BTC-USDT-SWAP', side, type: 'LIMIT',
    price: `${100 + (i % 7)}.5`, quantity: '2', filledQuantity: filled, status, source: 'strategy', mode: 'paper', createdAt: base + i, updatedAt: ts,
  });
  for (let i = 0; i < opts.filledOrders; i += 1) {
    const id = `${prefix}f${i}`;
    const side = i % 3 === 0 ? 'SELL' : 'BUY';
    const t0 = base + i * 10;
    events.push({ ...env(`${id}-pending`, t0), type: 'order-updated', payload: { order: order(id, i, side, 'PENDING', '0', t0) } });
    events.push({ ...env(`${id}-open`, t0 + 1), type: 'order-updated', payload: { order: order(id, i, side, 'OPEN', '0', t0 + 1) } });
    for (const [part, status, filled] of [[1, 'PARTIALLY_FILLED', '1'], [2, 'FILLED', '2']] as const) {
      const fee = `0.00${(i % 9) + 1}`;
      events.push({
        ...env(`${id}-fill${part}`, t0 + 1 + part),
        type: 'order-filled',
        payload: {
          order: order(id, i, side, status, filled, t0 + 1 + part),
          fill: { fillId: `${id}-x${part}`, orderId: id, exchange: 'okx', botId, instrumentId: 'okx:BTC-USDT-SWAP', side, price: `${100 + (i % 7)}.5`, quantity: '1', fee, feeCurrency: 'USDT', role: 'maker', mode: 'paper', timestamp: t0 + 1 + part },
        },
      });
      qty = side === 'BUY' ? qty.plus(1) : qty.minus(1);
      fees = fees.plus(fee);
      fillCount += 1;
    }
    orders.set(id, { status: 'FILLED', filled: '2' });
  }
  for (let i = 0; i < opts.cancelledOrders; i += 1) {
    const id = `${prefix}c${i}`;
    const t0 = base + i * 10;
    events.push({ ...env(`${id}-pending`, t0), type: 'order-updated', payload: { order: order(id, i, 'BUY', 'PENDING', '0', t0) } });
    events.push({ ...env(`${id}-open`, t0 + 1), type: 'order-updated', payload: { order: order(id, i, 'BUY', 'OPEN', '0', t0 + 1) } });
    events.push({ ...env(`${id}-cancel`, t0 + 2), type: 'order-updated', payload: { order: order(id, i, 'BUY', 'CANCELLED', '0', t0 + 2) } });
    orders.set(id, { status: 'CANCELLED', filled: '0' });
  }
  for (let i = 0; i < opts.pnlTicks; i += 1) {
    const ts = base + i * 60_000;
    events.push({
      ...env(`${prefix}pnl${i}`, ts),
      type: 'pnl-updated',
      payload: { pnl: { exchange: 'okx', botId, mode: 'paper', currency: 'USDT', realizedPnl: `${i}.1`, unrealizedPnl: '-0.5', totalPnl: `${i - 1}.6`.replace('-1.6', '-0.4'), fees: '0.01', equity: `${1000 + i}`, timestamp: ts } },
    });
  }
  return {
    events,
    expected: { orders, fills: fillCount, positionQuantity: qty.toString(), positionFees: fees.toString(), pnlSnapshots: opts.pnlTicks, uniqueEvents: events.length },
  };
}
