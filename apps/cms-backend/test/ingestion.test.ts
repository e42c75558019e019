/**
 * Event ingestion through the real BullMQ queue and workers into PostgreSQL: 10,000 jobs — 7,500 distinct events
 * shuffled out of order plus 2,500 redeliveries of the same event ids — must end as exactly the right rows:
 * forward-only order statuses, one row per fill, positions equal to the sum of the fills, one PnL row per tick.
 */
import { Queue } from 'bullmq';
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES, validate } from '@trading/shared-types';
import { bullPrefix } from '../src/services/engines/command-bus.js';
import { buildEventStream, rng, shuffle } from './event-factory.js';
import { login, startTestApp, waitFor, type TestApp } from './helpers.js';

let t: TestApp;
let queue: Queue;
let botId = '';

beforeAll(async () => {
  t = await startTestApp({ services: true, workers: true, logLevel: 'error' });
  queue = new Queue(QUEUE_NAMES.engineEvents, { connection: t.ctx.redis, prefix: bullPrefix(t.config.redisPrefix) });
  const { token } = await login(t.app);
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/bots',
    headers: { authorization: `Bearer ${token}` },
    payload: { name: 'ingest', exchange: 'okx', strategy: 'market-making', mode: 'paper', config: { spread: 0.01, orderSize: 1 }, riskLimits: { maxDailyLoss: 1, maxDrawdown: 1, maxPositionSize: 1 } },
  });
  botId = res.json<{ botId: string }>().botId;
});
afterAll(async () => {
  await queue.close();
  await t.close();
});

describe('engine event ingestion', () => {
  it('10,000 events with duplicates and out-of-order statuses end as exactly the right rows', async () => {
    const { events, expected } = buildEventStream({ botId, engineId: 'te-1', filledOrders: 1200, cancelledOrders: 800, pnlTicks: 300, prefix: 'o' });
    expect(events.length).toBe(7500);
    for (const e of events.slice(0, 50)) expect(validate('EngineEvent', e).ok).toBe(true);
    const random = rng(42);
    const duplicates = shuffle([...events], random).slice(0, 2500);
    const jobs = shuffle(
      [...events.map((e) => ({ name: e.type, data: e, opts: { jobId: e.eventId } })), ...duplicates.map((e) => ({ name: e.type, data: e, opts: { jobId: `${e.eventId}.redelivered` } }))],
      random,
    );
    expect(jobs.length).toBe(10_000);
    for (let i = 0; i < jobs.length; i += 1000) await queue.addBulk(jobs.slice(i, i + 1000));

    await waitFor(async () => {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(counts).every((n) => n === 0);
    }, 90_000, 250);
    const failed = await queue.getJobCounts('failed');
    expect(failed.failed).toBe(0);

    const db = t.ctx.db;
    const [processed] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM processed_events');
    expect(processed?.n).toBe(expected.uniqueEvents);
    const rows = await db.query<{ order_id: string; status: string; filled_quantity: string }>('SELECT order_id, status, filled_quantity FROM orders WHERE bot_id = $1', [botId]);
    expect(rows.length).toBe(expected.orders.size);
    for (const row of rows) {
      const want = expected.orders.get(row.order_id);
      expect({ id: row.order_id, status: row.status, filled: new Decimal(row.filled_quantity).toString() }).toEqual({ id: row.order_id, status: want?.status, filled: want?.filled });
    }
    const [fills] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM fills WHERE bot_id = $1', [botId]);
    expect(fills?.n).toBe(expected.fills);
    const [position] = await db.query<{ quantity: string; fees: string }>('SELECT quantity, fees FROM positions WHERE bot_id = $1', [botId]);
    expect(new Decimal(position?.quantity ?? 'NaN').toString()).toBe(expected.positionQuantity);
    expect(new Decimal(position?.fees ?? 'NaN').toString()).toBe(expected.positionFees);
    const [fillSum] = await db.query<{ q: string }>("SELECT coalesce(sum(CASE WHEN side = 'BUY' THEN quantity ELSE -quantity END), 0)::text AS q FROM fills WHERE bot_id = $1", [botId]);
    expect(new Decimal(fillSum?.q ?? 'NaN').toString()).toBe(expected.positionQuantity);
    const [pnl] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM pnl_snapshots WHERE bot_id = $1', [botId]);
    expect(pnl?.n).toBe(expected.pnlSnapshots);
  }, 100_000);

  it('a malformed event is rejected without retries, dead-lettered, and writes nothing', async () => {
    const before = await t.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM processed_events');
    await queue.add('bad', { type: 'order-updated', eventId: 'bad-1', payload: { order: { orderId: 'x' } } }, { jobId: 'bad-1', attempts: 3 });
    const dlq = new Queue(QUEUE_NAMES.deadLetter, { connection: t.ctx.redis, prefix: bullPrefix(t.config.redisPrefix) });
    const dead = await waitFor(async () => (await dlq.getJob('dlq-bad-1')) ?? null, 20_000);
    await dlq.close();
    expect(dead.data).toMatchObject({ originalQueue: QUEUE_NAMES.engineEvents, jobId: 'bad-1' });
    const job = await queue.getJob('bad-1');
    expect(job?.attemptsMade).toBe(1);
    const after = await t.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM processed_events');
    expect(after[0]?.n).toBe(before[0]?.n);
  });

  it('bot-state-changed is persisted, but only from the engine that runs the bot', async () => {
    const send = async (eventId: string, engineId: string, to: string) => {
      await queue.add('s', { eventId, engineId, exchange: 'okx', botId, timestamp: Date.now(), type: 'bot-state-changed', payload: { from: 'IDLE', to, reason: 'test' } }, { jobId: eventId });
    };
    await t.ctx.db.query("UPDATE bots SET status = 'STARTING', assigned_engine_id = 'te-1' WHERE bot_id = $1", [botId]);
    await send('st-1', 'te-1', 'RUNNING');
    await waitFor(async () => (await t.ctx.db.query<{ status: string }>('SELECT status FROM bots WHERE bot_id = $1', [botId]))[0]?.status === 'RUNNING');
    await send('st-2', 'te-other', 'ERROR');
    await send('st-3', 'te-1', 'PAUSED');
    await waitFor(async () => (await t.ctx.db.query<{ status: string }>('SELECT status FROM bots WHERE bot_id = $1', [botId]))[0]?.status === 'PAUSED');
    const history = await t.ctx.db.query<{ to_status: string }>("SELECT to_status FROM bot_state_history WHERE bot_id = $1 AND source = 'engine' ORDER BY id", [botId]);
    expect(history.map((h) => h.to_status)).toEqual(['RUNNING', 'PAUSED']);
  });
  it('after a failover the new owner takes the bot over: its events count once the old engine is dead', async () => {
    const assigned = async () => (await t.ctx.db.query<{ assigned_engine_id: string | null; status: string }>('SELECT assigned_engine_id, status FROM bots WHERE bot_id = $1', [botId]))[0];
    // te-dead was seen a minute ago and went silent; te-live heartbeats now.
    await t.ctx.db.query(
      "INSERT INTO engines_seen (engine_id, info, status, last_seen_at) VALUES ('te-dead', '{}', 'online', now() - interval '60 seconds'), ('te-live', '{}', 'online', now()) ON CONFLICT (engine_id) DO UPDATE SET status = EXCLUDED.status, last_seen_at = EXCLUDED.last_seen_at",
    );
    await t.ctx.db.query("UPDATE bots SET status = 'RUNNING', assigned_engine_id = 'te-live' WHERE bot_id = $1", [botId]);
    await queue.add('s', { eventId: 'fo-1', engineId: 'te-new', exchange: 'okx', botId, timestamp: Date.now(), type: 'bot-state-changed', payload: { from: 'RUNNING', to: 'PAUSED', reason: 'stray' } }, { jobId: 'fo-1' });
    await waitFor(async () => (await t.ctx.db.query("SELECT 1 FROM processed_events WHERE event_id = 'fo-1'")).length === 1);
    expect(await assigned()).toEqual({ assigned_engine_id: 'te-live', status: 'RUNNING' });
    await t.ctx.db.query("UPDATE bots SET assigned_engine_id = 'te-dead' WHERE bot_id = $1", [botId]);
    await queue.add('s', { eventId: 'fo-2', engineId: 'te-new', exchange: 'okx', botId, timestamp: Date.now(), type: 'bot-state-changed', payload: { from: 'STARTING', to: 'PAUSED', reason: 'adopted paused' } }, { jobId: 'fo-2' });
    await waitFor(async () => (await assigned())?.status === 'PAUSED');
    expect(await assigned()).toEqual({ assigned_engine_id: 'te-new', status: 'PAUSED' });
    const history = await t.ctx.db.query<{ reason: string }>("SELECT reason FROM bot_state_history WHERE bot_id = $1 AND source = 'engine' AND to_status = 'PAUSED' ORDER BY id", [botId]);
    expect(history.map((h) => h.reason)).not.toContain('stray');

    // An accepted start-bot acknowledgement moves the assignment to the engine that acknowledged it.
    await queue.add('s', { eventId: 'fo-3', engineId: 'te-other', exchange: 'okx', botId, timestamp: Date.now(), type: 'command-acknowledged', payload: { commandId: 'c-fo-3', commandType: 'start-bot', accepted: true } }, { jobId: 'fo-3' });
    await waitFor(async () => (await assigned())?.assigned_engine_id === 'te-other');
  });
});
