/**
 * Reconciliation of the three ledgers after a soak, as a pure function of what was observed, so it is tested on
 * hand-made ledgers (test/reconcile.test.ts) and runs unchanged on the real ones.
 *
 * - engine events: what the soak's subscriber recorded (realtime lane);
 * - PostgreSQL: orders, fills and positions the workers persisted from the engine-events queue;
 * - simulator: the orders and positions of the live bots' accounts (paper fills never reach the simulator: the
 *   engine's paper matcher makes them, so for paper bots the check is engine events vs PostgreSQL).
 */
import { Decimal } from 'decimal.js';
import type { EngineEvent } from '@trading/shared-types';
import type { PgLedger, SimAccount } from './ledgers.js';

export interface RedisOutage {
  stoppedAt: number;
  restartedAt: number;
}

export interface EngineKill {
  engineId: string;
  killedAt: number;
  /** Bots the killed engine ran at that moment (from the recorder's last event per bot). */
  botIds: string[];
}

export interface PartRestart {
  kind: 'backend-restart' | 'workers-restart';
  at: number;
  /** From the stop signal to healthy again (backend) or persisting again (workers); null = never. */
  recoveredMs: number | null;
}

export interface Observations {
  events: EngineEvent[];
  pg: PgLedger;
  sim: SimAccount[];
  liveBotIds: string[];
  paperBotIds: string[];
  redisOutages: RedisOutage[];
  engineKills: EngineKill[];
  restarts: PartRestart[];
  /** Set when live bots could not be started (the engine's or the backend's reason). */
  liveRefusal: string | null;
  /** Bots RUNNING once every start settled, before the first fault. */
  runningAtStart: string[];
  /** The backend's state of every bot at the end of the trading window, after the settle wait. */
  endStates: BotState[];
  /** How long the soak waited at the end of the window for every bot to be RUNNING again. */
  settleMs: number;
}

export interface BotState {
  botId: string;
  status: string;
  statusReason: string | null;
}

export interface Row {
  name: string;
  value: string;
  /** The bound, or '' for an informational row. */
  limit: string;
  /** false fails the soak; null = informational. */
  ok: boolean | null;
}

export interface Reconciliation {
  rows: Row[];
  /** The first few offending items of each failed invariant, for the log. */
  details: string[];
  failed: boolean;
}

type OrderEvent = Extract<EngineEvent, { type: 'order-updated' | 'order-filled' }>;
type FillEvent = Extract<EngineEvent, { type: 'order-filled' }>;
type PositionEvent = Extract<EngineEvent, { type: 'position-updated' }>;
type BalanceEvent = Extract<EngineEvent, { type: 'balance-updated' }>;
type StateEvent = Extract<EngineEvent, { type: 'bot-state-changed' }>;

const byTime = (a: EngineEvent, b: EngineEvent) => a.timestamp - b.timestamp || (a.seq ?? 0) - (b.seq ?? 0);
const seconds = (ms: number) => (ms / 1000).toFixed(2);

function group<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function sum(values: readonly string[]): Decimal {
  return values.reduce((acc, v) => acc.plus(v), new Decimal(0));
}

export function reconcile(obs: Observations): Reconciliation {
  const details: string[] = [];
  const perKind = new Map<string, number>();
  // At most 10 lines per kind of finding, so one flood does not hide the others.
  const note = (kind: string, line: string) => {
    const n = perKind.get(kind) ?? 0;
    perKind.set(kind, n + 1);
    if (n < 10) details.push(line);
  };
  const orderEvents = obs.events.filter((e): e is OrderEvent => e.type === 'order-updated' || e.type === 'order-filled');
  const fillEvents = obs.events.filter((e): e is FillEvent => e.type === 'order-filled');
  const gateClosed = new Set(
    obs.events.flatMap((e) => (e.type === 'order-rejected' && e.payload.rule === 'gate-closed' ? [e.payload.clientOrderId] : [])),
  );
  const live = new Set(obs.liveBotIds);
  const simOrders = obs.sim.flatMap((a) => a.orders.map((o) => ({ ...o, botId: a.botId })));

  // ---- orders placed
  const engineClientIds = new Set(orderEvents.map((e) => e.payload.order.clientOrderId));
  const pgPaper = obs.pg.orders.filter((o) => o.mode === 'paper').length;
  const pgLive = obs.pg.orders.length - pgPaper;

  // ---- duplicate client order ids: one id naming two different orders, in any ledger
  let duplicates = 0;
  for (const [clientOrderId, events] of group(orderEvents, (e) => e.payload.order.clientOrderId)) {
    // createdAt is each engine process's own observation (its clock at submission; the venue's time for an order an
    // adopting engine learns from the venue), so it tells orders apart only within one process's events.
    const identities = new Set(
      events.map((e) => `${e.payload.order.botId}|${e.payload.order.side}|${e.payload.order.instrumentId}`),
    );
    let extra = identities.size - 1;
    // One engine process: an engine restarted under the same id starts a new sequence epoch (seq / 10^9, see
    // apps/trading-engine/src/bridge/event-publisher.ts), and adopts its former self's bots like any other engine.
    // Only order-updated events count here: an engine's own submission always emits one with its clock's creation
    // time, whereas the order of an order-filled event may be a recovered one — a fill an adopter re-reports (by fill
    // id, idempotently) carries the venue's creation time, and a process can re-adopt a bot it ran before.
    const submissions = events.filter((e) => e.type === 'order-updated');
    for (const [engineId, ofEngine] of group(submissions, (e) => `${e.engineId}#${String(Math.floor((e.seq ?? 0) / 1_000_000_000))}`)) {
      const created = new Set(ofEngine.map((e) => e.payload.order.createdAt));
      // Within one engine a second creation time is a second order.
      if (created.size - 1 > extra) {
        extra = created.size - 1;
        identities.add(`${engineId} created at ${[...created].join(', ')}`);
      }
    }
    if (extra > 0) {
      duplicates += extra;
      note('duplicate-engine', `duplicate client order id in engine events: ${clientOrderId} (${[...identities].join(' / ')})`);
    }
  }
  for (const [clientOrderId, rows] of group(obs.pg.orders, (o) => o.clientOrderId)) {
    if (rows.length > 1) {
      duplicates += rows.length - 1;
      note('duplicate-pg', `duplicate client order id in PostgreSQL: ${clientOrderId} (${rows.map((r) => r.orderId).join(', ')})`);
    }
  }
  for (const account of obs.sim) {
    for (const [clOrdId, orders] of group(account.orders.filter((o) => o.clOrdId !== ''), (o) => o.clOrdId)) {
      if (orders.length > 1) {
        duplicates += orders.length - 1;
        note('duplicate-sim', `duplicate clOrdId at the simulator (${account.apiKey}): ${clOrdId} × ${orders.length}`);
      }
    }
  }

  // ---- fills lost: seen by the engine (or matched by the simulator) and missing in PostgreSQL
  const pgFillIds = new Set(obs.pg.fills.map((f) => f.fillId));
  const pgOrderByClientId = new Map(obs.pg.orders.map((o) => [o.clientOrderId, o]));
  const pgFillsByOrder = group(obs.pg.fills, (f) => f.orderId);
  // One entry per lost fill (engine fill id) or per order whose fills fall short, however many ledgers show it.
  const lostKeys = new Set<string>();
  const ordersWithLostFill = new Set<string>();
  for (const event of fillEvents) {
    if (!pgFillIds.has(event.payload.fill.fillId)) {
      lostKeys.add(`fill:${event.payload.fill.fillId}`);
      ordersWithLostFill.add(event.payload.order.clientOrderId);
      note('fill-lost', `fill lost: ${event.payload.fill.fillId} of ${event.payload.order.clientOrderId} (engine ${event.engineId}, event ${event.eventId})`);
    }
  }
  let doubled = 0;
  for (const order of simOrders) {
    if (new Decimal(order.accFillSz || '0').isZero()) continue;
    const pgOrder = pgOrderByClientId.get(order.clOrdId);
    const pgFilled = sum((pgOrder ? (pgFillsByOrder.get(pgOrder.orderId) ?? []) : []).map((f) => f.quantity));
    if (pgFilled.lt(order.accFillSz) && !ordersWithLostFill.has(order.clOrdId)) {
      lostKeys.add(`order:${order.clOrdId}`);
      note('sim-filled-more', `simulator filled ${order.accFillSz} of ${order.clOrdId} (${order.botId}), PostgreSQL has ${pgFilled.toFixed()}`);
    } else if (pgFilled.gt(order.accFillSz)) {
      doubled++;
      note('pg-filled-more', `PostgreSQL has ${pgFilled.toFixed()} filled of ${order.clOrdId}, the simulator matched ${order.accFillSz}`);
    }
  }

  // ---- fills double-counted: one venue trade recorded twice, or more filled than ordered
  for (const [key, fills] of group(obs.pg.fills.filter((f) => f.exchangeTradeId !== null), (f) => `${f.orderId}|${f.exchangeTradeId ?? ''}`)) {
    if (fills.length > 1) {
      doubled += fills.length - 1;
      note('trade-twice-pg', `trade recorded ${fills.length}× in PostgreSQL: ${key}`);
    }
  }
  for (const [key, events] of group(fillEvents.filter((e) => e.payload.fill.exchangeTradeId), (e) => `${e.payload.fill.orderId}|${e.payload.fill.exchangeTradeId ?? ''}`)) {
    const ids = new Set(events.map((e) => e.payload.fill.fillId));
    if (ids.size > 1) {
      doubled += ids.size - 1;
      note('trade-twice-engine', `trade reported ${ids.size}× by the engine (different fill ids): ${key}`);
    }
  }
  for (const order of obs.pg.orders) {
    const filled = sum((pgFillsByOrder.get(order.orderId) ?? []).map((f) => f.quantity));
    // The order row says more was filled than the fills add up to: a fill the engine learned of (e.g. from a REST
    // order query after a WebSocket gap) but never reported as a fill.
    if (filled.lt(order.filledQuantity) && !ordersWithLostFill.has(order.clientOrderId)) {
      lostKeys.add(`order:${order.clientOrderId}`);
      const seen = orderEvents
        .filter((e) => e.payload.order.clientOrderId === order.clientOrderId)
        .map((e) => `${e.type} ${e.payload.order.status} ${e.payload.order.filledQuantity} @${e.timestamp}`);
      note('order-without-fills', `order ${order.clientOrderId} (${order.mode}) is ${order.status} with ${order.filledQuantity} filled, its fills add up to ${filled.toFixed()}; engine events: ${seen.join(', ') || 'none recorded'}`);
    }
    if (filled.gt(order.quantity)) {
      doubled++;
      note('overfilled', `order ${order.clientOrderId}: fills add up to ${filled.toFixed()} > quantity ${order.quantity}`);
    }
  }

  // ---- positions: the engine's last report vs PostgreSQL's fold of the fills (vs the simulator for live bots)
  const adopted = new Set(obs.engineKills.flatMap((k) => k.botIds));
  const positionEvents = obs.events.filter((e): e is PositionEvent => e.type === 'position-updated').sort(byTime);
  const lastPosition = new Map<string, PositionEvent>();
  for (const e of positionEvents) lastPosition.set(`${e.payload.position.botId}|${e.payload.position.instrumentId}|${e.payload.position.outcome ?? ''}`, e);
  const lastFillAt = new Map<string, number>();
  for (const f of obs.pg.fills) {
    const k = `${f.botId}|${f.instrumentId}`;
    lastFillAt.set(k, Math.max(lastFillAt.get(k) ?? 0, f.timestamp));
  }
  let positionsDiffer = 0;
  let positionsCompared = 0;
  let positionsUnverified = 0;
  const pgPositions = new Map(obs.pg.positions.map((p) => [`${p.botId}|${p.instrumentId}|${p.outcome}`, p]));
  const keys = new Set([...pgPositions.keys(), ...lastPosition.keys()]);
  for (const key of keys) {
    const [botId = '', instrumentId = ''] = key.split('|');
    // Adopted bots are compared too: the adopter restores the dead owner's books from its Redis checkpoint
    // (ledger and paper account) and books the venue fills the checkpoint does not hold.
    const engine = lastPosition.get(key);
    const stored = pgPositions.get(key);
    // The recorder is a realtime subscriber: if it missed the report that followed the last fill, it cannot judge.
    if (engine === undefined || engine.payload.position.updatedAt < (lastFillAt.get(`${botId}|${instrumentId}`) ?? 0)) {
      if (stored !== undefined && !new Decimal(stored.quantity).isZero()) positionsUnverified++;
      continue;
    }
    positionsCompared++;
    const engineQty = new Decimal(engine.payload.position.quantity);
    const storedQty = new Decimal(stored?.quantity ?? '0');
    if (!engineQty.eq(storedQty)) {
      positionsDiffer++;
      note('position-engine', `position ${key} (${live.has(botId) ? 'live' : 'paper'}): engine ${engineQty.toFixed()} (event ${engine.eventId}), PostgreSQL ${storedQty.toFixed()}`);
    }
  }
  for (const account of obs.sim) {
    for (const p of account.positions) {
      positionsCompared++;
      // The platform names instruments `<exchange>:<venue id>`.
      const stored = obs.pg.positions.find((x) => x.botId === account.botId && x.instrumentId === `okx:${p.instId}`);
      if (!new Decimal(stored?.quantity ?? '0').eq(p.pos || '0')) {
        positionsDiffer++;
        note('position-sim', `position ${account.botId} ${p.instId}: simulator ${p.pos}, PostgreSQL ${stored?.quantity ?? 'none'}`);
      }
    }
  }

  // ---- balances: PostgreSQL keeps none, so live accounts are checked engine report vs simulator
  let balancesDiffer = 0;
  let balancesCompared = 0;
  const lastBalance = new Map<string, BalanceEvent>();
  for (const e of obs.events.filter((x): x is BalanceEvent => x.type === 'balance-updated').sort(byTime)) {
    if (e.botId !== null) lastBalance.set(`${e.botId}|${e.payload.balance.currency}`, e);
  }
  for (const account of obs.sim) {
    for (const [currency, balance] of Object.entries(account.balances)) {
      const reported = lastBalance.get(`${account.botId}|${currency}`);
      if (!reported) continue;
      balancesCompared++;
      if (!new Decimal(reported.payload.balance.total).eq(balance.cash)) {
        balancesDiffer++;
        note('balance', `balance ${account.botId} ${currency}: engine ${reported.payload.balance.total}, simulator ${balance.cash}`);
      }
    }
  }

  // ---- trading after Redis loss: the last order created during an outage (rejected ones never traded)
  let tradingAfterLossMs = 0;
  for (const outage of obs.redisOutages) {
    const inside = (t: number) => t >= outage.stoppedAt && t < outage.restartedAt;
    const created: { at: number; id: string; where: string }[] = [];
    for (const e of orderEvents) {
      const o = e.payload.order;
      if (inside(o.createdAt) && o.status !== 'REJECTED' && !gateClosed.has(o.clientOrderId)) created.push({ at: o.createdAt, id: o.clientOrderId, where: 'engine' });
    }
    for (const o of obs.pg.orders) {
      if (inside(o.createdAt) && o.status !== 'REJECTED' && !gateClosed.has(o.clientOrderId)) created.push({ at: o.createdAt, id: o.clientOrderId, where: 'PostgreSQL' });
    }
    for (const o of simOrders) {
      const at = Number(o.cTime);
      if (inside(at)) created.push({ at, id: o.clOrdId, where: 'simulator' });
    }
    for (const c of created) {
      const after = c.at - outage.stoppedAt;
      if (after > tradingAfterLossMs) tradingAfterLossMs = after;
      if (after > 1000) note('after-redis', `order ${c.id} created ${seconds(after)} s after Redis stopped (${c.where})`);
    }
  }

  // ---- failover: each killed engine's bots RUNNING again (on any engine), and bots back after Redis
  const running = obs.events.filter((e): e is StateEvent => e.type === 'bot-state-changed' && e.payload.to === 'RUNNING').sort(byTime);
  const firstRunningAfter = (botId: string, t: number) => running.find((e) => e.botId === botId && e.timestamp > t)?.timestamp;
  const failovers: string[] = [];
  let notBack = 0;
  for (const kill of obs.engineKills) {
    let worst = 0;
    let soonest = Infinity;
    let missing = 0;
    for (const botId of kill.botIds) {
      const at = firstRunningAfter(botId, kill.killedAt);
      if (at === undefined) missing++;
      else {
        worst = Math.max(worst, at - kill.killedAt);
        soonest = Math.min(soonest, at - kill.killedAt);
      }
    }
    notBack += missing;
    const back = kill.botIds.length - missing;
    // The first bot back measures detection (lease expiry + the reaper's hand-over); first to last, the adoptions.
    const spread = back > 0 ? `, the first after ${seconds(soonest)} s` : '';
    failovers.push(
      missing === 0
        ? `${kill.engineId} killed: its ${kill.botIds.length} bots RUNNING again, the last after ${seconds(worst)} s${spread}`
        : `${kill.engineId} killed: ${back} of its ${kill.botIds.length} bots RUNNING again (the last after ${seconds(worst)} s${spread}), ${missing} not by the end`,
    );
  }
  for (const outage of obs.redisOutages) {
    const botIds = [...obs.paperBotIds, ...obs.liveBotIds];
    const times = botIds.map((b) => firstRunningAfter(b, outage.restartedAt)).filter((t): t is number => t !== undefined);
    failovers.push(
      `Redis down ${seconds(outage.restartedAt - outage.stoppedAt)} s: ${times.length} bots resumed, last ${times.length > 0 ? seconds(Math.max(...times) - outage.restartedAt) : '–'} s after Redis was back`,
    );
  }
  for (const r of obs.restarts) {
    failovers.push(`${r.kind}: ${r.recoveredMs === null ? 'did not recover' : `${seconds(r.recoveredMs)} s`}`);
  }

  // ---- bots left behind: a fault must not leave a bot PAUSED (or stopped) for good. A risk stop is the bot's own
  // decision, not a fault's; every other state but RUNNING at the end of the window is a bot the platform lost.
  const endState = new Map(obs.endStates.map((b) => [b.botId, b]));
  const leftBehind = obs.runningAtStart.filter((botId) => {
    const state = endState.get(botId);
    return state === undefined || (state.status !== 'RUNNING' && state.status !== 'RISK_STOPPED');
  });
  for (const botId of leftBehind) {
    const state = endState.get(botId);
    note('left-behind', `bot ${botId} (${live.has(botId) ? 'live' : 'paper'}) is ${state === undefined ? 'unknown to the backend' : `${state.status}${state.statusReason ? `: ${state.statusReason}` : ''}`} at the end of the window`);
  }
  const riskStopped = obs.runningAtStart.filter((botId) => endState.get(botId)?.status === 'RISK_STOPPED').length;

  const lost = lostKeys.size;
  const liveRunning = obs.liveBotIds.filter((b) => obs.events.some((e) => e.type === 'bot-state-changed' && e.botId === b && e.payload.to === 'RUNNING')).length;
  const rows: Row[] = [
    { name: 'orders placed (PostgreSQL: paper / live)', value: `${obs.pg.orders.length} (${pgPaper} / ${pgLive})`, limit: '', ok: null },
    { name: 'orders seen in engine events / at the simulator', value: `${engineClientIds.size} / ${simOrders.length}`, limit: '', ok: null },
    {
      name: 'fills (PostgreSQL / engine fill events, distinct fill ids)',
      value: `${obs.pg.fills.length} / ${fillEvents.length}, ${new Set(fillEvents.map((e) => e.payload.fill.fillId)).size}`,
      limit: '',
      ok: null,
    },
    { name: 'live bots that ran', value: `${liveRunning} of ${obs.liveBotIds.length}${obs.liveRefusal ? ` — refused: ${obs.liveRefusal}` : ''}`, limit: '', ok: null },
    { name: 'duplicate client order ids', value: String(duplicates), limit: '0', ok: duplicates === 0 },
    { name: 'fills lost', value: String(lost), limit: '0', ok: lost === 0 },
    { name: 'fills double-counted', value: String(doubled), limit: '0', ok: doubled === 0 },
    {
      name: 'positions that differ',
      value: `${positionsDiffer} of ${positionsCompared} compared (${positionsUnverified} unverifiable; ${adopted.size} bots adopted after an engine kill, included)`,
      limit: '0',
      ok: positionsDiffer === 0,
    },
    {
      name: 'balances that differ (live: engine vs simulator)',
      value: balancesCompared === 0 ? 'n/a (no live balance to compare)' : `${balancesDiffer} of ${balancesCompared}`,
      limit: '0',
      ok: balancesDiffer === 0,
    },
    {
      name: 'seconds of trading after Redis loss',
      value: obs.redisOutages.length === 0 ? 'n/a (no Redis fault)' : seconds(tradingAfterLossMs),
      limit: '<= 1',
      ok: tradingAfterLossMs <= 1000,
    },
    {
      name: `bots not RUNNING at the end of the window (of those RUNNING at the start; ≤ ${seconds(obs.settleMs)} s settle)`,
      value: `${leftBehind.length} of ${obs.runningAtStart.length}${riskStopped > 0 ? ` (${riskStopped} stopped by their risk limits, allowed)` : ''}`,
      limit: '0',
      ok: leftBehind.length === 0,
    },
    { name: 'bots not RUNNING again after an engine kill', value: String(notBack), limit: '', ok: null },
    ...failovers.map((f) => ({ name: 'failover', value: f, limit: '', ok: null })),
  ];
  return { rows, details, failed: rows.some((r) => r.ok === false) };
}
