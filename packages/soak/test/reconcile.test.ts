// The reconciliation on hand-made ledgers: a clean soak passes, and each kind of damage is caught by its row.
import { describe, expect, it } from 'vitest';
import { validate, type EngineEvent } from '@trading/shared-types';
import type { PgLedger, SimAccount } from '../src/ledgers.js';
import { reconcile, type Observations } from '../src/reconcile.js';

const BOT = 'bot-1';
const INST = 'okx:BTC-USDT-SWAP';
let seq = 0;

/** A schema-valid engine event (the fixture fails loudly if it is not). */
function event(type: string, payload: Record<string, unknown>, timestamp: number, engineId = 'te-a'): EngineEvent {
  seq++;
  const result = validate('EngineEvent', { eventId: `${engineId}-${seq}`, engineId, exchange: 'okx', botId: BOT, timestamp, seq, type, payload });
  if (!result.ok) throw new Error(`fixture ${type}: ${result.issues.map((i) => i.message).join('; ')}`);
  return result.value;
}

function order(clientOrderId: string, createdAt: number, status = 'OPEN', filledQuantity = '0') {
  return {
    orderId: clientOrderId, clientOrderId, exchange: 'okx', botId: BOT, instrumentId: INST, side: 'BUY', type: 'LIMIT', price: '100',
    quantity: '2', filledQuantity, status, source: 'strategy', mode: 'paper', createdAt, updatedAt: createdAt,
  };
}

function fill(fillId: string, clientOrderId: string, quantity: string, timestamp: number, exchangeTradeId: string | null = `t-${fillId}`) {
  return {
    fillId, orderId: clientOrderId, clientOrderId, exchangeTradeId, exchange: 'okx', botId: BOT, instrumentId: INST, side: 'BUY', price: '100',
    quantity, fee: '0.01', feeCurrency: 'USDT', role: 'maker', mode: 'paper', timestamp,
  };
}

function position(quantity: string, updatedAt: number) {
  return {
    exchange: 'okx', botId: BOT, instrumentId: INST, side: quantity.startsWith('-') ? 'SHORT' : 'LONG', quantity, averageEntryPrice: '100',
    realizedPnl: '0', unrealizedPnl: '0', fees: '0.01', mode: 'paper', updatedAt,
  };
}

/** A consistent soak: one order filled 2 in two fills, seen by the engine and stored in PostgreSQL. */
function clean(): Observations {
  const events = [
    event('bot-state-changed', { from: 'STARTING', to: 'RUNNING', reason: 'started' }, 1_000),
    event('order-updated', { order: order('c1', 1_100) }, 1_100),
    event('order-filled', { order: order('c1', 1_100, 'PARTIALLY_FILLED', '1'), fill: fill('f1', 'c1', '1', 1_200) }, 1_200),
    event('order-filled', { order: order('c1', 1_100, 'FILLED', '2'), fill: fill('f2', 'c1', '1', 1_300) }, 1_300),
    event('position-updated', { position: position('2', 1_300) }, 1_300),
  ];
  const pg: PgLedger = {
    orders: [{ orderId: 'c1', clientOrderId: 'c1', botId: BOT, instrumentId: INST, side: 'BUY', status: 'FILLED', statusReason: null, quantity: '2', filledQuantity: '2', mode: 'paper', exchange: 'okx', createdAt: 1_100 }],
    fills: [
      { fillId: 'f1', orderId: 'c1', exchangeTradeId: 't-f1', botId: BOT, instrumentId: INST, side: 'BUY', quantity: '1', mode: 'paper', timestamp: 1_200 },
      { fillId: 'f2', orderId: 'c1', exchangeTradeId: 't-f2', botId: BOT, instrumentId: INST, side: 'BUY', quantity: '1', mode: 'paper', timestamp: 1_300 },
    ],
    positions: [{ botId: BOT, instrumentId: INST, outcome: '', side: 'LONG', quantity: '2', averageEntryPrice: '100', realizedPnl: '0', mode: 'paper' }],
    bots: [],
    processedEventIds: new Set(events.map((e) => e.eventId)),
  };
  return { events, pg, sim: [], liveBotIds: [], paperBotIds: [BOT], redisOutages: [], engineKills: [], restarts: [], liveRefusal: null,
    runningAtStart: [BOT], endStates: [{ botId: BOT, status: 'RUNNING', statusReason: null }], settleMs: 0 };
}

function first<T>(items: T[]): T {
  const item = items[0];
  if (item === undefined) throw new Error('fixture: empty list');
  return item;
}

const row = (obs: Observations, name: string) => reconcile(obs).rows.find((r) => r.name.startsWith(name));

describe('reconcile', () => {
  it('passes a consistent soak', () => {
    const result = reconcile(clean());
    expect(result.failed).toBe(false);
    expect(row(clean(), 'fills lost')).toMatchObject({ value: '0', ok: true });
    expect(row(clean(), 'positions that differ')?.value).toMatch(/^0 of 1 compared/);
  });

  it('a bot a fault left PAUSED fails the soak; a risk stop does not', () => {
    const paused = clean();
    paused.endStates = [{ botId: BOT, status: 'PAUSED', statusReason: 'redis connection lost' }];
    const result = reconcile(paused);
    expect(result.failed).toBe(true);
    expect(row(paused, 'bots not RUNNING at the end')).toMatchObject({ value: '1 of 1', ok: false });
    expect(result.details.join('\n')).toContain(`bot ${BOT} (paper) is PAUSED: redis connection lost`);

    const vanished = clean();
    vanished.endStates = [];
    expect(row(vanished, 'bots not RUNNING at the end')).toMatchObject({ value: '1 of 1', ok: false });

    const riskStopped = clean();
    riskStopped.endStates = [{ botId: BOT, status: 'RISK_STOPPED', statusReason: 'max drawdown' }];
    expect(reconcile(riskStopped).failed).toBe(false);
    expect(row(riskStopped, 'bots not RUNNING at the end')?.value).toBe('0 of 1 (1 stopped by their risk limits, allowed)');
  });

  it('a fill the engine reported and PostgreSQL does not have is lost', () => {
    const obs = clean();
    obs.pg.fills = obs.pg.fills.filter((f) => f.fillId !== 'f2');
    expect(row(obs, 'fills lost')).toMatchObject({ value: '1', ok: false });
    expect(reconcile(obs).details.join('\n')).toMatch(/fill lost: f2 of c1/);
  });

  it('an order stored as filled beyond its fills is a lost fill, counted once', () => {
    const obs = clean();
    obs.events = obs.events.filter((e) => e.type !== 'order-filled');
    obs.pg.fills = [];
    expect(row(obs, 'fills lost')).toMatchObject({ value: '1', ok: false });
  });

  it('one venue trade stored twice, or fills above the order size, is double-counted', () => {
    const obs = clean();
    obs.pg.fills.push({ ...first(obs.pg.fills), fillId: 'f1-again' });
    expect(row(obs, 'fills double-counted')).toMatchObject({ ok: false });
    expect(Number(row(obs, 'fills double-counted')?.value)).toBeGreaterThanOrEqual(2);
  });

  it('one client order id naming two orders is a duplicate, in the engine events and in PostgreSQL', () => {
    const obs = clean();
    obs.events.push(event('order-updated', { order: { ...order('c1', 5_000), side: 'SELL' } }, 5_000));
    obs.pg.orders.push({ ...first(obs.pg.orders), orderId: 'c1-b' });
    expect(row(obs, 'duplicate client order ids')).toMatchObject({ value: '2', ok: false });
  });

  it('an order an adopting engine learns from the venue (venue creation time) is the same order, not a duplicate', () => {
    const obs = clean();
    // The adopting engine re-reports fill f2 (same id: idempotent) with the order as the venue knows it.
    obs.events.push(event('order-updated', { order: order('c1', 1_137, 'FILLED', '2') }, 6_000, 'te-other'));
    expect(row(obs, 'duplicate client order ids')).toMatchObject({ value: '0', ok: true });
    // The same engine id restarted (a new sequence epoch) is another process: the same holds.
    obs.events.push({ ...event('order-updated', { order: order('c1', 1_180, 'FILLED', '2') }, 7_000), seq: 2_000_000_001 });
    expect(row(obs, 'duplicate client order ids')).toMatchObject({ value: '0', ok: true });
    // A process that re-adopts a bot it ran before re-reports the order's fill with the venue's creation time.
    obs.events.push(event('order-filled', { order: order('c1', 1_137, 'FILLED', '2'), fill: fill('f2', 'c1', '1', 1_300) }, 8_000));
    expect(row(obs, 'duplicate client order ids')).toMatchObject({ value: '0', ok: true });
    // The same engine process submitting a second order under the id is still a duplicate.
    obs.events.push(event('order-updated', { order: order('c1', 9_000) }, 9_000));
    expect(row(obs, 'duplicate client order ids')).toMatchObject({ value: '1', ok: false });
  });

  it('the simulator matched more than PostgreSQL recorded: lost; a position that disagrees: differs', () => {
    const obs = clean();
    obs.liveBotIds = [BOT];
    const account: SimAccount = {
      botId: BOT,
      apiKey: 'k',
      orders: [{ ordId: '1', clOrdId: 'c1', instId: 'BTC-USDT-SWAP', side: 'buy', sz: '2', accFillSz: '2', state: 'filled', cTime: '1100' }],
      positions: [{ instId: 'BTC-USDT-SWAP', pos: '2', avgPx: '100' }],
      balances: {},
    };
    obs.sim = [account];
    expect(reconcile(obs).failed).toBe(false);
    account.orders[0] = { ...first(account.orders), accFillSz: '3' };
    account.positions[0] = { instId: 'BTC-USDT-SWAP', pos: '3', avgPx: '100' };
    expect(row(obs, 'fills lost')).toMatchObject({ value: '1', ok: false });
    expect(row(obs, 'positions that differ')).toMatchObject({ ok: false });
  });

  it('the engine position differs from PostgreSQL, also for a paper bot adopted after an engine kill', () => {
    const obs = clean();
    obs.pg.positions[0] = { ...first(obs.pg.positions), quantity: '1' };
    expect(row(obs, 'positions that differ')).toMatchObject({ ok: false });
    // The adopter restores the books from the checkpoint: a difference is a failure, not an excuse.
    obs.engineKills = [{ engineId: 'te-a', killedAt: 2_000, botIds: [BOT] }];
    expect(row(obs, 'positions that differ')).toMatchObject({ ok: false });
  });

  it('an order created more than 1 s after Redis stopped fails; gate-closed rejections do not count', () => {
    const obs = clean();
    obs.redisOutages = [{ stoppedAt: 10_000, restartedAt: 14_000 }];
    obs.events.push(event('order-updated', { order: order('late', 11_500) }, 11_500));
    expect(row(obs, 'seconds of trading after Redis loss')).toMatchObject({ value: '1.50', ok: false });
    obs.events.push(
      event('order-rejected', { clientOrderId: 'late', instrumentId: INST, side: 'BUY', price: '100', quantity: '2', source: 'engine', rule: 'gate-closed', message: 'order gate closed' }, 11_501),
    );
    expect(row(obs, 'seconds of trading after Redis loss')).toMatchObject({ value: '0.00', ok: true });
  });

  it('failover time: from the kill to the bot RUNNING again', () => {
    const obs = clean();
    obs.engineKills = [{ engineId: 'te-a', killedAt: 2_000, botIds: [BOT] }];
    obs.events.push(event('bot-state-changed', { from: 'STARTING', to: 'RUNNING', reason: 'adopted' }, 9_500, 'te-b'));
    expect(reconcile(obs).rows.find((r) => r.name === 'failover')?.value).toBe('te-a killed: its 1 bots RUNNING again, the last after 7.50 s, the first after 7.50 s');
  });
});
