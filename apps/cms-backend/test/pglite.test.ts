/**
 * The same app on embedded PGlite (in memory): the same migrations, the README flow, idempotent ingestion of an
 * out-of-order stream with redeliveries, and the PnL series — what `npm start` runs without DATABASE_URL.
 */
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/db/client.js';
import { ORDER_STATUS_VALUES, canAdvanceOrderStatus } from '@trading/shared-types';
import { CAN_ADVANCE_SQL, applyEngineEventBatch } from '../src/services/ingest/apply-batch.js';
import { applyEngineEvent } from '../src/services/ingest/apply-event.js';
import { buildEventStream, rng, shuffle } from './event-factory.js';
import { login, startTestApp, type TestApp } from './helpers.js';

let db: Database;
let t: TestApp;
let token = '';
let botId = '';

beforeAll(async () => {
  db = await openDatabase({});
  t = await startTestApp({ db, logLevel: 'silent' });
  token = (await login(t.app)).token;
});
afterAll(async () => {
  await t.close();
  await db.close();
});

describe('on PGlite', () => {
  it('runs the README flow', async () => {
    const auth = { authorization: `Bearer ${token}` };
    expect(db.kind).toBe('pglite');
    const wallet = await t.app.inject({ method: 'POST', url: '/api/wallets', headers: auth, payload: { name: 'pm-wallet-1', exchange: 'polymarket', credentials: { proxyAddress: '0xYourProxyAddress', encryptedPrivateKey: 'aes256gcm:...' } } });
    const walletId = wallet.json<{ walletId: string }>().walletId;
    const bot = await t.app.inject({
      method: 'POST', url: '/api/bots', headers: auth,
      payload: { name: 'pm-mm-test', exchange: 'polymarket', strategy: 'market-making', walletId, mode: 'paper', config: { spread: 0.03, orderSize: 10 }, exchangeConfig: { marketId: '0x...', tokenId: '71321045...' }, riskLimits: { maxDailyLoss: 50, maxDrawdown: 10, maxPositionSize: 200 } },
    });
    expect(bot.statusCode).toBe(201);
    botId = bot.json<{ botId: string }>().botId;
    const start = await t.app.inject({ method: 'POST', url: `/api/bots/${botId}/start`, headers: auth });
    expect(start.statusCode).toBe(202);
    const list = await t.app.inject({ method: 'GET', url: '/api/bots?status=STARTING', headers: auth });
    expect(list.json()).toMatchObject({ total: 1, page: 1, limit: 50, totalPages: 1 });
  });

  it('ingests idempotently and forward-only', async () => {
    const { events, expected } = buildEventStream({ botId, engineId: 'te-1', filledOrders: 60, cancelledOrders: 40, pnlTicks: 30, prefix: 'p' });
    const random = rng(7);
    const stream = shuffle([...events, ...shuffle([...events], random).slice(0, 150)], random);
    const outcomes = { applied: 0, duplicate: 0 };
    for (const event of stream) outcomes[(await applyEngineEvent(db, { ...event, exchange: 'okx' })).outcome] += 1;
    expect(outcomes).toEqual({ applied: events.length, duplicate: 150 });
    const orders = await db.query<{ order_id: string; status: string; filled_quantity: string }>('SELECT order_id, status, filled_quantity FROM orders');
    expect(orders.length).toBe(expected.orders.size);
    for (const o of orders) expect([o.status, new Decimal(o.filled_quantity).toString()]).toEqual([expected.orders.get(o.order_id)?.status, expected.orders.get(o.order_id)?.filled]);
    const [position] = await db.query<{ quantity: string }>('SELECT quantity FROM positions WHERE bot_id = $1', [botId]);
    expect(new Decimal(position?.quantity ?? 'NaN').toString()).toBe(expected.positionQuantity);
  });

  it('the batch path ends in the same rows as the one-by-one path', async () => {
    const { events, expected } = buildEventStream({ botId: 'batch-bot', engineId: 'te-1', filledOrders: 60, cancelledOrders: 40, pnlTicks: 10, prefix: 'q' });
    const random = rng(11);
    const stream = shuffle([...events, ...shuffle([...events], random).slice(0, 100)], random);
    let applied = 0;
    for (let i = 0; i < stream.length; i += 37) {
      for (const r of await applyEngineEventBatch(db, stream.slice(i, i + 37))) if (r.outcome === 'applied') applied += 1;
    }
    expect(applied).toBe(events.length);
    const orders = await db.query<{ order_id: string; status: string; filled_quantity: string }>("SELECT order_id, status, filled_quantity FROM orders WHERE bot_id = 'batch-bot'");
    expect(orders.length).toBe(expected.orders.size);
    for (const o of orders) expect([o.status, new Decimal(o.filled_quantity).toString()]).toEqual([expected.orders.get(o.order_id)?.status, expected.orders.get(o.order_id)?.filled]);
    const [position] = await db.query<{ quantity: string; fees: string }>("SELECT quantity, fees FROM positions WHERE bot_id = 'batch-bot'");
    expect(new Decimal(position?.quantity ?? 'NaN').toString()).toBe(expected.positionQuantity);
    expect(new Decimal(position?.fees ?? 'NaN').toString()).toBe(expected.positionFees);
  });

  it('the SQL status guard is exactly canAdvanceOrderStatus', async () => {
    const pairs = ORDER_STATUS_VALUES.flatMap((a) => ORDER_STATUS_VALUES.map((b) => [a, b] as const));
    const rows = await db.query<{ a: string; b: string; ok: boolean }>(
      `SELECT a, b, ${CAN_ADVANCE_SQL('a', 'b')} AS ok FROM unnest($1::text[], $2::text[]) AS u(a, b)`,
      [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
    );
    for (const row of rows) expect([row.a, row.b, row.ok]).toEqual([row.a, row.b, canAdvanceOrderStatus(row.a as never, row.b as never)]);
  });

  it('serves the PnL series in buckets with exact sums', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/pnl?scope=portfolio&bucket=1h&from=1789990000000&to=1790100000000`, headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ series: { realizedPnl: string }[]; summary: { realizedPnl: string; bots: number } }>();
    expect(body.series.length).toBeGreaterThan(0);
    expect(body.summary).toMatchObject({ realizedPnl: '38.2', bots: 2 }); // 29.1 + 9.1 from the two bots' latest ticks
  });
});
