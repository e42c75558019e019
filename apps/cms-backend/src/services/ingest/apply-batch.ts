/**
 * Set-based persistence of a batch of engine events in ONE transaction: one fsync and a handful of statements
 * per batch instead of per event, which is what makes thousands of events per second possible. The semantics
 * are those of applying the events one by one in arrival order (applyEngineEvent): duplicates are dropped by
 * processed_events, each order is folded with canAdvanceOrderStatus before a single guarded upsert, positions
 * follow the new fills in arrival order, and the rare event types go through the one-by-one path.
 * Rows are written in key order, so two CMS instances flushing at once lock in the same order.
 */
import { Decimal } from 'decimal.js';
import {
  ORDER_STATUS_RANK,
  TERMINAL_ORDER_STATUSES,
  canAdvanceOrderStatus,
  type EngineEvent,
  type Fill,
  type Order,
  type PnlSnapshot,
} from '@trading/shared-types';
import type { Database, Queryable } from '../../db/client.js';
import { applyInTx, ORDER_UPSERT_MERGE, type ApplyResult } from './apply-event.js';
import { applyFill, positionSide } from './position-math.js';

/** SQL twin of canAdvanceOrderStatus, generated from the same constants (checked pairwise in the tests). */
const RANK_SQL = (column: string) =>
  `(CASE ${column} ${Object.entries(ORDER_STATUS_RANK)
    .map(([status, rank]) => `WHEN '${status}' THEN ${rank}`)
    .join(' ')} END)`;
export const CAN_ADVANCE_SQL = (current: string, next: string) =>
  `(${current} <> ALL(ARRAY[${[...TERMINAL_ORDER_STATUSES].map((s) => `'${s}'`).join(',')}]) AND (${current} = ${next} OR ${RANK_SQL(next)} > ${RANK_SQL(current)}))`;

function foldOrder(state: Order, next: Order): Order {
  if (!canAdvanceOrderStatus(state.status, next.status)) return state;
  const filled = Decimal.max(new Decimal(state.filledQuantity), new Decimal(next.filledQuantity)).toString();
  return {
    ...state,
    status: next.status,
    ...(next.statusReason !== undefined ? { statusReason: next.statusReason } : {}),
    exchangeOrderId: next.exchangeOrderId ?? state.exchangeOrderId ?? null,
    filledQuantity: filled,
    averageFillPrice: next.averageFillPrice ?? state.averageFillPrice ?? null,
    ...(next.fee !== undefined ? { fee: next.fee } : {}),
    ...(next.feeCurrency !== undefined ? { feeCurrency: next.feeCurrency } : {}),
    price: next.price ?? state.price ?? null,
    updatedAt: Math.max(state.updatedAt, next.updatedAt),
  };
}

const col = <T>(rows: T[], pick: (row: T) => unknown) => rows.map(pick);

async function upsertOrders(q: Queryable, orders: Order[]): Promise<void> {
  if (orders.length === 0) return;
  orders.sort((a, b) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0));
  await q.query(
    `INSERT INTO orders (order_id, client_order_id, exchange_order_id, exchange, bot_id, instrument_id, symbol, outcome, side, type,
       price, quantity, filled_quantity, average_fill_price, status, status_reason, source, mode, fee, fee_currency, reduce_only,
       leverage, margin_mode, created_at, updated_at)
     SELECT o, c, eo, ex, b, i, sy, oc, sd, ty, pr, qt, fq, ap, st, sr, so, md, fe, fc, ro, lv, mm, to_timestamp(ca / 1000.0), to_timestamp(ua / 1000.0)
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
       $11::numeric[], $12::numeric[], $13::numeric[], $14::numeric[], $15::text[], $16::text[], $17::text[], $18::text[], $19::numeric[],
       $20::text[], $21::boolean[], $22::int[], $23::text[], $24::bigint[], $25::bigint[])
       AS u(o, c, eo, ex, b, i, sy, oc, sd, ty, pr, qt, fq, ap, st, sr, so, md, fe, fc, ro, lv, mm, ca, ua)
     ${ORDER_UPSERT_MERGE}
     WHERE ${CAN_ADVANCE_SQL('orders.status', 'EXCLUDED.status')}`,
    [
      col(orders, (o) => o.orderId), col(orders, (o) => o.clientOrderId), col(orders, (o) => o.exchangeOrderId ?? null), col(orders, (o) => o.exchange),
      col(orders, (o) => o.botId), col(orders, (o) => o.instrumentId), col(orders, (o) => o.symbol ?? null), col(orders, (o) => o.outcome ?? null),
      col(orders, (o) => o.side), col(orders, (o) => o.type), col(orders, (o) => o.price ?? null), col(orders, (o) => o.quantity),
      col(orders, (o) => o.filledQuantity), col(orders, (o) => o.averageFillPrice ?? null), col(orders, (o) => o.status), col(orders, (o) => o.statusReason ?? null),
      col(orders, (o) => o.source), col(orders, (o) => o.mode), col(orders, (o) => o.fee ?? null), col(orders, (o) => o.feeCurrency ?? null),
      col(orders, (o) => o.reduceOnly ?? null), col(orders, (o) => o.leverage ?? null), col(orders, (o) => o.marginMode ?? null),
      col(orders, (o) => o.createdAt), col(orders, (o) => o.updatedAt),
    ],
  );
}

async function insertFills(q: Queryable, fills: Fill[]): Promise<Fill[]> {
  if (fills.length === 0) return [];
  const sorted = [...fills].sort((a, b) => (a.fillId < b.fillId ? -1 : a.fillId > b.fillId ? 1 : 0));
  const rows = await q.query<{ fill_id: string }>(
    `INSERT INTO fills (fill_id, order_id, exchange_trade_id, exchange, bot_id, instrument_id, outcome, side, price, quantity, fee, fee_currency, role, mode, realized_pnl, ts)
     SELECT f, o, et, ex, b, i, oc, sd, pr, qt, fe, fc, rl, md, rp, to_timestamp(t / 1000.0)
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::numeric[], $10::numeric[],
       $11::numeric[], $12::text[], $13::text[], $14::text[], $15::numeric[], $16::bigint[]) AS u(f, o, et, ex, b, i, oc, sd, pr, qt, fe, fc, rl, md, rp, t)
     ON CONFLICT (fill_id) DO NOTHING RETURNING fill_id`,
    [
      col(sorted, (f) => f.fillId), col(sorted, (f) => f.orderId), col(sorted, (f) => f.exchangeTradeId ?? null), col(sorted, (f) => f.exchange),
      col(sorted, (f) => f.botId), col(sorted, (f) => f.instrumentId), col(sorted, (f) => f.outcome ?? null), col(sorted, (f) => f.side),
      col(sorted, (f) => f.price), col(sorted, (f) => f.quantity), col(sorted, (f) => f.fee), col(sorted, (f) => f.feeCurrency),
      col(sorted, (f) => f.role), col(sorted, (f) => f.mode), col(sorted, (f) => f.realizedPnl ?? null), col(sorted, (f) => f.timestamp),
    ],
  );
  const fresh = new Set(rows.map((r) => r.fill_id));
  return fills.filter((f) => fresh.has(f.fillId)); // arrival order
}

const posKey = (f: Fill) => `${f.botId}\u0000${f.instrumentId}\u0000${f.outcome ?? ''}`;

async function applyFillsToPositions(q: Queryable, fills: Fill[]): Promise<void> {
  if (fills.length === 0) return;
  const firsts = new Map<string, Fill>();
  for (const f of fills) if (!firsts.has(posKey(f))) firsts.set(posKey(f), f);
  const keys = [...firsts.keys()].sort();
  const seeds = keys.map((k) => firsts.get(k) as Fill);
  const current = await q.query<{ bot_id: string; instrument_id: string; outcome: string; quantity: string; average_entry_price: string; realized_pnl: string; fees: string }>(
    `INSERT INTO positions (bot_id, instrument_id, outcome, exchange, side, quantity, average_entry_price, realized_pnl, unrealized_pnl, fees, mode, updated_at)
     SELECT b, i, oc, ex, 'FLAT', 0, 0, 0, 0, 0, md, to_timestamp(t / 1000.0)
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[]) AS u(b, i, oc, ex, md, t)
     ON CONFLICT (bot_id, instrument_id, outcome) DO UPDATE SET updated_at = positions.updated_at
     RETURNING bot_id, instrument_id, outcome, quantity, average_entry_price, realized_pnl, fees`,
    [col(seeds, (f) => f.botId), col(seeds, (f) => f.instrumentId), col(seeds, (f) => f.outcome ?? ''), col(seeds, (f) => f.exchange), col(seeds, (f) => f.mode), col(seeds, (f) => f.timestamp)],
  );
  const state = new Map(
    current.map((r) => [
      `${r.bot_id}\u0000${r.instrument_id}\u0000${r.outcome}`,
      { quantity: new Decimal(r.quantity), averageEntryPrice: new Decimal(r.average_entry_price), realizedPnl: new Decimal(r.realized_pnl), fees: new Decimal(r.fees), ts: 0 },
    ]),
  );
  for (const f of fills) {
    const s = state.get(posKey(f));
    if (!s) continue;
    const next = applyFill(s, f.side, new Decimal(f.quantity), new Decimal(f.price), new Decimal(f.fee));
    state.set(posKey(f), { ...next, ts: Math.max(s.ts, f.timestamp) });
  }
  const entries = keys.flatMap((k) => {
    const s = state.get(k);
    return s ? [{ k: k.split('\u0000'), s }] : [];
  });
  await q.query(
    `UPDATE positions p SET quantity = u.q, average_entry_price = u.a, realized_pnl = u.r, fees = u.f, side = u.sd,
       updated_at = GREATEST(p.updated_at, to_timestamp(u.t / 1000.0))
     FROM unnest($1::text[], $2::text[], $3::text[], $4::numeric[], $5::numeric[], $6::numeric[], $7::numeric[], $8::text[], $9::bigint[]) AS u(b, i, oc, q, a, r, f, sd, t)
     WHERE p.bot_id = u.b AND p.instrument_id = u.i AND p.outcome = u.oc`,
    [
      col(entries, (e) => e.k[0]), col(entries, (e) => e.k[1]), col(entries, (e) => e.k[2]),
      col(entries, (e) => e.s.quantity.toString()), col(entries, (e) => e.s.averageEntryPrice.toString()), col(entries, (e) => e.s.realizedPnl.toString()),
      col(entries, (e) => e.s.fees.toString()), col(entries, (e) => positionSide(e.s.quantity)), col(entries, (e) => e.s.ts),
    ],
  );
}

async function insertPnl(q: Queryable, rows: PnlSnapshot[]): Promise<void> {
  if (rows.length === 0) return;
  await q.query(
    `INSERT INTO pnl_snapshots (bot_id, exchange, mode, currency, realized_pnl, unrealized_pnl, total_pnl, fees, funding, equity, volume, trade_count, drawdown_pct, ts)
     SELECT b, ex, md, cu, rp, up, tp, fe, fu, eq, vo, tc, dd, to_timestamp(t / 1000.0)
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::numeric[], $7::numeric[], $8::numeric[], $9::numeric[], $10::numeric[],
       $11::numeric[], $12::int[], $13::numeric[], $14::bigint[]) AS u(b, ex, md, cu, rp, up, tp, fe, fu, eq, vo, tc, dd, t)`,
    [
      col(rows, (p) => p.botId), col(rows, (p) => p.exchange), col(rows, (p) => p.mode), col(rows, (p) => p.currency), col(rows, (p) => p.realizedPnl),
      col(rows, (p) => p.unrealizedPnl), col(rows, (p) => p.totalPnl), col(rows, (p) => p.fees), col(rows, (p) => p.funding ?? null), col(rows, (p) => p.equity),
      col(rows, (p) => p.volume ?? null), col(rows, (p) => p.tradeCount ?? null), col(rows, (p) => p.drawdownPct ?? null), col(rows, (p) => p.timestamp),
    ],
  );
}

/** Persist a batch in one transaction; results are per input event, in input order. */
export async function applyEngineEventBatch(db: Database, events: EngineEvent[]): Promise<ApplyResult[]> {
  return db.transaction(async (q) => {
    const firstIndex = new Map<string, number>();
    events.forEach((e, i) => {
      if (!firstIndex.has(e.eventId)) firstIndex.set(e.eventId, i);
    });
    const ids = [...firstIndex.keys()].sort();
    const inserted = await q.query<{ event_id: string }>(
      'INSERT INTO processed_events (event_id, type) SELECT e, t FROM unnest($1::text[], $2::text[]) AS u(e, t) ON CONFLICT DO NOTHING RETURNING event_id',
      [ids, ids.map((id) => events[firstIndex.get(id) ?? 0]?.type ?? 'unknown')],
    );
    const fresh = new Set(inserted.map((r) => r.event_id));
    const results: ApplyResult[] = events.map((e, i) => ({ outcome: fresh.has(e.eventId) && firstIndex.get(e.eventId) === i ? 'applied' : 'duplicate', engineAppeared: false }));
    const applied = events.filter((_, i) => results[i]?.outcome === 'applied');

    const orders = new Map<string, Order>();
    const fills: Fill[] = [];
    const pnl: PnlSnapshot[] = [];
    const rest: EngineEvent[] = [];
    for (const e of applied) {
      if (e.type === 'order-updated' || e.type === 'order-filled') {
        const o = e.payload.order;
        const prev = orders.get(o.orderId);
        orders.set(o.orderId, prev ? foldOrder(prev, o) : o);
        if (e.type === 'order-filled') fills.push(e.payload.fill);
      } else if (e.type === 'pnl-updated') {
        pnl.push(e.payload.pnl);
      } else {
        rest.push(e);
      }
    }
    await upsertOrders(q, [...orders.values()]);
    await applyFillsToPositions(q, await insertFills(q, fills));
    await insertPnl(q, pnl);
    for (const e of rest) {
      const appeared = await applyInTx(q, e);
      const i = events.indexOf(e);
      if (appeared && results[i]) results[i] = { outcome: 'applied', engineAppeared: true };
    }
    return results;
  });
}

