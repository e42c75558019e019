/**
 * Persists one engine event, idempotently: the event id is inserted into processed_events first, in the same
 * transaction as the effect, so a redelivered event (BullMQ retry, duplicate publish) changes nothing. Order
 * status only moves forwards (canAdvanceOrderStatus); positions follow the fills; bot states are persisted.
 */
import { randomUUID } from 'node:crypto';
import { Decimal } from 'decimal.js';
import { ORDER_STATUS_VALUES, canAdvanceOrderStatus, type EngineEvent, type Fill, type Order, type OrderStatus } from '@trading/shared-types';
import type { Database, Queryable } from '../../db/client.js';
import { transitionBot } from '../bots/control-bot.js';
import { applyFill, positionSide } from './position-math.js';

export type ApplyOutcome = 'applied' | 'duplicate';

export interface ApplyResult {
  outcome: ApplyOutcome;
  /** Side effects to run after commit (outside the transaction). */
  engineAppeared: boolean;
}

/**
 * How a stored order absorbs a newer report of itself; shared by the single-event and the batch path so the two can
 * never disagree. Each caller adds the WHERE that lets only forward status moves through.
 */
export const ORDER_UPSERT_MERGE = `ON CONFLICT (order_id) DO UPDATE SET
       status = EXCLUDED.status,
       status_reason = COALESCE(EXCLUDED.status_reason, orders.status_reason),
       exchange_order_id = COALESCE(EXCLUDED.exchange_order_id, orders.exchange_order_id),
       filled_quantity = GREATEST(orders.filled_quantity, EXCLUDED.filled_quantity),
       average_fill_price = COALESCE(EXCLUDED.average_fill_price, orders.average_fill_price),
       fee = COALESCE(EXCLUDED.fee, orders.fee),
       fee_currency = COALESCE(EXCLUDED.fee_currency, orders.fee_currency),
       price = COALESCE(EXCLUDED.price, orders.price),
       updated_at = GREATEST(orders.updated_at, EXCLUDED.updated_at)`;

const ms = (t: number) => new Date(t);

/** Statuses a stored order may leave for `next`, from canAdvanceOrderStatus (so the SQL guard is the shared rule). */
const ADVANCE_FROM = new Map<OrderStatus, OrderStatus[]>(
  ORDER_STATUS_VALUES.map((next) => [next, ORDER_STATUS_VALUES.filter((current) => canAdvanceOrderStatus(current, next))]),
);

/**
 * One round trip: insert, or move forward only. filled_quantity never decreases (a late partial after a larger
 * one keeps the larger figure). A late OPEN after FILLED matches no allowed status and changes nothing.
 */
async function upsertOrder(q: Queryable, order: Order): Promise<void> {
  await q.query(
    `INSERT INTO orders (order_id, client_order_id, exchange_order_id, exchange, bot_id, instrument_id, symbol, outcome, side, type,
       price, quantity, filled_quantity, average_fill_price, status, status_reason, source, mode, fee, fee_currency, reduce_only,
       leverage, margin_mode, created_at, updated_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25)
     ${ORDER_UPSERT_MERGE}
     WHERE orders.status = ANY($26::text[])`,
    [
      order.orderId, order.clientOrderId, order.exchangeOrderId ?? null, order.exchange, order.botId, order.instrumentId,
      order.symbol ?? null, order.outcome ?? null, order.side, order.type, order.price ?? null, order.quantity, order.filledQuantity,
      order.averageFillPrice ?? null, order.status, order.statusReason ?? null, order.source, order.mode, order.fee ?? null,
      order.feeCurrency ?? null, order.reduceOnly ?? null, order.leverage ?? null, order.marginMode ?? null, ms(order.createdAt), ms(order.updatedAt),
      ADVANCE_FROM.get(order.status) ?? [],
    ],
  );
}

async function recordFill(q: Queryable, fill: Fill): Promise<void> {
  const inserted = await q.query(
    `INSERT INTO fills (fill_id, order_id, exchange_trade_id, exchange, bot_id, instrument_id, outcome, side, price, quantity, fee,
       fee_currency, role, mode, realized_pnl, ts)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16) ON CONFLICT (fill_id) DO NOTHING RETURNING fill_id`,
    [fill.fillId, fill.orderId, fill.exchangeTradeId ?? null, fill.exchange, fill.botId, fill.instrumentId, fill.outcome ?? null, fill.side,
      fill.price, fill.quantity, fill.fee, fill.feeCurrency, fill.role, fill.mode, fill.realizedPnl ?? null, ms(fill.timestamp)],
  );
  if (inserted.length === 0) return; // the same fill in another event: already counted
  const key = [fill.botId, fill.instrumentId, fill.outcome ?? ''];
  // Create-or-lock in one round trip: DO UPDATE takes the row lock and RETURNING gives the current figures.
  const [row] = await q.query<{ quantity: string; average_entry_price: string; realized_pnl: string; fees: string }>(
    `INSERT INTO positions (bot_id, instrument_id, outcome, exchange, side, quantity, average_entry_price, realized_pnl, unrealized_pnl, fees, mode, updated_at)
     VALUES ($1,$2,$3,$4,'FLAT',0,0,0,0,0,$5,$6)
     ON CONFLICT (bot_id, instrument_id, outcome) DO UPDATE SET updated_at = positions.updated_at
     RETURNING quantity, average_entry_price, realized_pnl, fees`,
    [...key, fill.exchange, fill.mode, ms(fill.timestamp)],
  );
  if (!row) return;
  const next = applyFill(
    { quantity: new Decimal(row.quantity), averageEntryPrice: new Decimal(row.average_entry_price), realizedPnl: new Decimal(row.realized_pnl), fees: new Decimal(row.fees) },
    fill.side,
    new Decimal(fill.quantity),
    new Decimal(fill.price),
    new Decimal(fill.fee),
  );
  await q.query(
    `UPDATE positions SET quantity = $4, average_entry_price = $5, realized_pnl = $6, fees = $7, side = $8, updated_at = GREATEST(updated_at, $9)
     WHERE bot_id = $1 AND instrument_id = $2 AND outcome = $3`,
    [...key, next.quantity.toString(), next.averageEntryPrice.toString(), next.realizedPnl.toString(), next.fees.toString(), positionSide(next.quantity), ms(fill.timestamp)],
  );
}

async function notify(q: Queryable, id: string, n: { type: string; severity: string; exchange: string | null; botId: string | null; title: string; message: string }, at: number): Promise<void> {
  await q.query(
    'INSERT INTO notifications (notification_id, type, severity, exchange, bot_id, title, message, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT DO NOTHING',
    [id, n.type, n.severity, n.exchange, n.botId, n.title.slice(0, 200), n.message.slice(0, 2000), ms(at)],
  );
}

async function botLog(q: Queryable, event: EngineEvent, level: string, message: string): Promise<void> {
  if (event.botId === null) return;
  await q.query('INSERT INTO bot_logs (bot_id, exchange, level, message, ts) VALUES ($1,$2,$3,$4,$5)', [event.botId, event.exchange, level, message.slice(0, 2000), ms(event.timestamp)]);
}

export async function applyInTx(q: Queryable, event: EngineEvent): Promise<boolean> {
  switch (event.type) {
    case 'order-updated':
      await upsertOrder(q, event.payload.order);
      return false;
    case 'order-filled':
      await upsertOrder(q, event.payload.order);
      await recordFill(q, event.payload.fill);
      return false;
    case 'order-rejected': {
      const p = event.payload;
      const [current] = await q.query<{ status: OrderStatus }>('SELECT status FROM orders WHERE order_id = $1 FOR UPDATE', [p.clientOrderId]);
      if (current && canAdvanceOrderStatus(current.status, 'REJECTED')) {
        await q.query("UPDATE orders SET status = 'REJECTED', status_reason = $2, updated_at = $3 WHERE order_id = $1", [p.clientOrderId, `${p.source}: ${p.message}`.slice(0, 500), ms(event.timestamp)]);
      }
      await botLog(q, event, 'warn', `order ${p.clientOrderId} rejected (${p.rule}): ${p.message}`);
      return false;
    }
    case 'position-updated': {
      const p = event.payload.position;
      const key = [p.botId, p.instrumentId, p.outcome ?? ''];
      // Quantity, entry and realized PnL come from the fills; the engine's update brings the mark-to-market side.
      await q.query(
        `INSERT INTO positions (bot_id, instrument_id, outcome, exchange, side, quantity, average_entry_price, realized_pnl, unrealized_pnl, fees, mode, updated_at)
         VALUES ($1,$2,$3,$4,'FLAT',0,0,0,0,0,$5,$6) ON CONFLICT DO NOTHING`,
        [...key, p.exchange, p.mode, ms(p.updatedAt)],
      );
      await q.query(
        `UPDATE positions SET mark_price = COALESCE($4, mark_price), unrealized_pnl = $5, funding = COALESCE($6, funding), leverage = COALESCE($7, leverage),
           margin_mode = COALESCE($8, margin_mode), liquidation_price = $9, margin = COALESCE($10, margin), mark_at = $11, updated_at = GREATEST(updated_at, $12)
         WHERE bot_id = $1 AND instrument_id = $2 AND outcome = $3 AND (mark_at IS NULL OR mark_at <= $11)`,
        [...key, p.markPrice ?? null, p.unrealizedPnl, p.funding ?? null, p.leverage ?? null, p.marginMode ?? null, p.liquidationPrice ?? null, p.margin ?? null, p.updatedAt, ms(p.updatedAt)],
      );
      return false;
    }
    case 'pnl-updated': {
      const p = event.payload.pnl;
      await q.query(
        `INSERT INTO pnl_snapshots (bot_id, exchange, mode, currency, realized_pnl, unrealized_pnl, total_pnl, fees, funding, equity, volume, trade_count, drawdown_pct, ts)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
        [p.botId, p.exchange, p.mode, p.currency, p.realizedPnl, p.unrealizedPnl, p.totalPnl, p.fees, p.funding ?? null, p.equity, p.volume ?? null, p.tradeCount ?? null, p.drawdownPct ?? null, ms(p.timestamp)],
      );
      return false;
    }
    case 'bot-state-changed': {
      if (event.botId === null) return false;
      const { to, reason } = event.payload;
      // Only the engine that runs the bot (or any, while unassigned) may move it: a stale engine cannot.
      const [bot] = await q.query<{ assigned_engine_id: string | null; exchange: string }>('SELECT assigned_engine_id, exchange FROM bots WHERE bot_id = $1 FOR UPDATE', [event.botId]);
      if (!bot) return false;
      if (bot.assigned_engine_id !== null && bot.assigned_engine_id !== event.engineId && (await engineIsLive(q, bot.assigned_engine_id))) return false;
      const released = to === 'STOPPED' || to === 'ERROR' || to === 'RISK_STOPPED' || to === 'IDLE';
      await transitionBot(q, event.botId, null, to, reason === '' ? null : reason, 'engine', { eventId: event.eventId, engineId: released ? null : event.engineId });
      if (to === 'ERROR' || to === 'RISK_STOPPED') {
        await notify(q, event.eventId, { type: to === 'ERROR' ? 'bot_error' : 'risk_stop', severity: 'critical', exchange: bot.exchange, botId: event.botId, title: `Bot ${to === 'ERROR' ? 'error' : 'risk-stopped'}`, message: reason }, event.timestamp);
      }
      return false;
    }
    case 'bot-log':
      await botLog(q, event, event.payload.level, event.payload.message);
      return false;
    case 'notification-raised': {
      const p = event.payload;
      await notify(q, event.eventId, { type: p.notificationType, severity: p.severity, exchange: event.exchange, botId: event.botId, title: p.title, message: p.message }, event.timestamp);
      return false;
    }
    case 'risk-breached': {
      const p = event.payload;
      await notify(q, event.eventId, { type: 'risk_stop', severity: p.action === 'none' ? 'warning' : 'critical', exchange: event.exchange, botId: event.botId, title: `Risk limit ${p.rule} breached`, message: `${p.message} (limit ${p.limit}, value ${p.value}, action ${p.action})` }, event.timestamp);
      await botLog(q, event, 'error', `risk ${p.rule}: ${p.message}`);
      return false;
    }
    case 'market-resolved':
      await notify(q, event.eventId, { type: 'market_resolved', severity: 'info', exchange: event.exchange, botId: event.botId, title: 'Market resolved', message: `${event.payload.marketId} resolved ${event.payload.winningOutcome}` }, event.timestamp);
      return false;
    case 'engine-registered':
    case 'engine-heartbeat': {
      const info = event.payload.engine;
      await q.query(
        `INSERT INTO engines_seen (engine_id, info, status, last_seen_at) VALUES ($1,$2,$3,$4)
         ON CONFLICT (engine_id) DO UPDATE SET info = EXCLUDED.info, status = EXCLUDED.status, last_seen_at = GREATEST(engines_seen.last_seen_at, EXCLUDED.last_seen_at)`,
        [info.engineId, JSON.stringify(info), info.status, ms(event.timestamp)],
      );
      return event.type === 'engine-registered';
    }
    case 'engine-stopped': {
      await q.query("UPDATE engines_seen SET status = 'offline', last_seen_at = GREATEST(last_seen_at, $2) WHERE engine_id = $1", [event.engineId, ms(event.timestamp)]);
      // Bots it still ran are orphaned: mark them ERROR so nobody believes they trade.
      const orphans = await q.query<{ bot_id: string }>("SELECT bot_id FROM bots WHERE assigned_engine_id = $1 AND status IN ('STARTING','RUNNING','PAUSING','PAUSED','STOPPING')", [event.engineId]);
      for (const { bot_id } of orphans) {
        await transitionBot(q, bot_id, null, 'ERROR', `engine ${event.engineId} stopped: ${event.payload.reason}`.slice(0, 500), 'engine', { eventId: event.eventId, engineId: null });
      }
      return false;
    }
    case 'command-acknowledged': {
      const p = event.payload;
      if (!p.accepted && p.commandType === 'start-bot' && event.botId !== null) {
        await transitionBot(q, event.botId, ['STARTING'], 'ERROR', `engine refused start: ${p.reason ?? 'no reason'}`.slice(0, 500), 'engine', { eventId: event.eventId, engineId: null });
      }
      // After a failover the new owner acknowledges the start: the bot runs there now.
      if (p.accepted && p.commandType === 'start-bot' && event.botId !== null) {
        await q.query('UPDATE bots SET assigned_engine_id = $2 WHERE bot_id = $1 AND deleted_at IS NULL AND assigned_engine_id IS DISTINCT FROM $2', [event.botId, event.engineId]);
      }
      if (!p.accepted) await botLog(q, event, 'warn', `command ${p.commandType} ${p.commandId} refused: ${p.reason ?? ''}`);
      return false;
    }
    case 'balance-updated':
    case 'exchange-status-changed':
      return false;
  }
}

/** An engine stops counting as live when it said it stopped or its heartbeats are older than this. */
export const ENGINE_STALE_MS = 15_000;

/**
 * Whether the engine a bot is assigned to still runs: an engine never seen counts as live (unknown, so a stray
 * engine cannot take the bot over); one marked offline or silent for ENGINE_STALE_MS does not, and then another
 * engine's events for the bot (its new owner after a failover) are accepted and the bot reassigned.
 */
async function engineIsLive(q: Queryable, engineId: string): Promise<boolean> {
  const [row] = await q.query<{ live: boolean }>(
    "SELECT (status <> 'offline' AND last_seen_at > now() - make_interval(secs => $2::double precision / 1000)) AS live FROM engines_seen WHERE engine_id = $1",
    [engineId, ENGINE_STALE_MS],
  );
  return row?.live ?? true;
}

export async function applyEngineEvent(db: Database, event: EngineEvent): Promise<ApplyResult> {
  return db.transaction(async (q) => {
    const fresh = await q.query('INSERT INTO processed_events (event_id, type) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id', [event.eventId, event.type]);
    if (fresh.length === 0) return { outcome: 'duplicate', engineAppeared: false };
    const engineAppeared = await applyInTx(q, event);
    return { outcome: 'applied', engineAppeared };
  });
}

export const newEventId = () => randomUUID();
