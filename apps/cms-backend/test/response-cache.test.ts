/**
 * The list response cache against real PostgreSQL and Redis, with a 60 s max age so that only invalidation (never
 * expiry) can explain a fresh answer:
 *  - a cached list shows an API write at once, and a worker-ingested event once the worker's invalidation
 *    (published on Redis after its commit) reaches a second API instance;
 *  - callers with different scopes never share an entry;
 *  - while the invalidation subscription is down the cache is bypassed, and nothing cached before the loss is
 *    served after it.
 * A direct SQL write (which publishes nothing) shows that hits really come from the cache.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES, type EngineEvent } from '@trading/shared-types';
import { bullPrefix } from '../src/services/engines/command-bus.js';
import { login, PG_URL, REDIS_URL, startPeerApp, startTestApp, waitFor, type TestApp } from './helpers.js';

let t: TestApp;
let peer: Awaited<ReturnType<typeof startPeerApp>>;
let sql: pg.Client;
let queue: Queue;
const tokens = { admin: '', okx: '', pm: '' };
const bots = { okx: '', pm: '' };

type App = TestApp['app'];
async function get(app: App, url: string, token: string) {
  const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  expect(res.statusCode, res.body).toBe(200);
  return { cache: res.headers['x-cache'], body: res.json<{ data: Record<string, unknown>[]; total: number }>() };
}

const risk = { maxDailyLoss: 1, maxDrawdown: 1, maxPositionSize: 1 };
const newBot = (name: string, exchange: 'okx' | 'polymarket') => ({ name, exchange, strategy: 'market-making', mode: 'paper', config: { spread: 0.01, orderSize: 1 }, riskLimits: risk });

beforeAll(async () => {
  t = await startTestApp({ services: true, workers: true, logLevel: 'warn', env: { RESPONSE_CACHE_MS: '60000' } });
  peer = await startPeerApp(t, { responseCacheMs: 60_000, workers: false });
  tokens.admin = (await login(t.app)).token;
  for (const [email, ex] of [['okx@example.com', 'okx'], ['pm@example.com', 'polymarket']] as const) {
    const res = await t.app.inject({ method: 'POST', url: '/api/users', headers: { authorization: `Bearer ${tokens.admin}` }, payload: { email, password: 'password-123', role: 'viewer', allowedExchanges: [ex] } });
    expect(res.statusCode).toBe(201);
  }
  tokens.okx = (await login(t.app, 'okx@example.com', 'password-123')).token;
  tokens.pm = (await login(t.app, 'pm@example.com', 'password-123')).token;
  for (const [key, ex] of [['okx', 'okx'], ['pm', 'polymarket']] as const) {
    const res = await t.app.inject({ method: 'POST', url: '/api/bots', headers: { authorization: `Bearer ${tokens.admin}` }, payload: newBot(`bot-${key}`, ex) });
    expect(res.statusCode).toBe(201);
    bots[key] = res.json<{ botId: string }>().botId;
  }
  sql = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${t.schema ?? 'public'}` });
  await sql.connect();
  queue = new Queue(QUEUE_NAMES.engineEvents, { connection: t.ctx.redis, prefix: bullPrefix(t.config.redisPrefix) });
  expect(t.ctx.cache?.enabled).toBe(true);
  expect(peer.ctx.cache?.enabled).toBe(true);
});

afterAll(async () => {
  await queue.close();
  await sql.end();
  await peer.close();
  await t.close();
});

describe('response cache', () => {
  it('serves repeats from the cache, and an API write is visible on the next read', async () => {
    const first = await get(t.app, '/api/bots?limit=50', tokens.admin);
    expect(first.cache).toBe('miss');
    // A write that bypasses the API publishes nothing: the cached answer stays (proves the hit is a cache hit).
    await sql.query("UPDATE bots SET name = 'renamed-behind-the-back' WHERE bot_id = $1", [bots.okx]);
    const second = await get(t.app, '/api/bots?limit=50', tokens.admin);
    expect(second.cache).toBe('hit');
    expect(second.body.data.map((b) => b.name)).not.toContain('renamed-behind-the-back');
    // Same query with its parameters in another order: same entry.
    expect((await get(t.app, '/api/bots?limit=50&page=1', tokens.admin)).cache).toBe('miss');
    expect((await get(t.app, '/api/bots?page=1&limit=50', tokens.admin)).cache).toBe('hit');

    const created = await t.app.inject({ method: 'POST', url: '/api/bots', headers: { authorization: `Bearer ${tokens.admin}` }, payload: newBot('fresh-bot', 'okx') });
    expect(created.statusCode).toBe(201);
    const after = await get(t.app, '/api/bots?limit=50', tokens.admin);
    expect(after.cache).toBe('miss');
    expect(after.body.data.map((b) => b.name)).toEqual(expect.arrayContaining(['fresh-bot', 'renamed-behind-the-back']));
    expect(after.body.total).toBe(second.body.total + 1);

    const patched = await t.app.inject({ method: 'PATCH', url: `/api/bots/${bots.okx}`, headers: { authorization: `Bearer ${tokens.admin}` }, payload: { name: 'patched-name' } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect((await get(t.app, '/api/bots?limit=50', tokens.admin)).body.data.map((b) => b.name)).toContain('patched-name');
  });

  it('an API write on one instance reaches the cache of another through Redis', async () => {
    await get(peer.app, '/api/bots', tokens.admin);
    expect((await get(peer.app, '/api/bots', tokens.admin)).cache).toBe('hit');
    const heard = new Promise<readonly string[]>((resolve) => {
      const stop = peer.ctx.cache?.onInvalidate((resources) => {
        stop?.();
        resolve(resources);
      });
    });
    const res = await t.app.inject({ method: 'DELETE', url: `/api/bots/${bots.pm}`, headers: { authorization: `Bearer ${tokens.admin}` } });
    expect(res.statusCode, res.body).toBe(200);
    expect(await heard).toContain('bots');
    const after = await get(peer.app, '/api/bots', tokens.admin);
    expect(after.cache).toBe('miss');
    expect(after.body.data.map((b) => b.botId)).not.toContain(bots.pm);
  });

  it('a worker-ingested event is visible on another instance as soon as the worker invalidation arrives', async () => {
    const url = `/api/orders?botId=${bots.okx}`;
    expect((await get(peer.app, url, tokens.admin)).body.data).toHaveLength(0);
    expect((await get(peer.app, url, tokens.admin)).cache).toBe('hit');
    const heard = new Promise<void>((resolve) => {
      const stop = peer.ctx.cache?.onInvalidate((resources) => {
        if (!resources.includes('orders')) return;
        stop?.();
        resolve();
      });
    });
    const now = Date.now();
    const event: EngineEvent = {
      eventId: `cache-ev-${now}`, engineId: 'te-cache', exchange: 'okx', botId: bots.okx, timestamp: now, type: 'order-updated',
      payload: { order: { orderId: 'cache-o-1', clientOrderId: 'cache-o-1', exchange: 'okx', botId: bots.okx, instrumentId: 'okx:BTC-USDT-SWAP', side: 'BUY', type: 'LIMIT', price: '100.5', quantity: '1', filledQuantity: '0', status: 'OPEN', source: 'strategy', mode: 'paper', createdAt: now, updatedAt: now } },
    };
    await queue.add(event.type, event, { jobId: event.eventId });
    await heard;
    // The worker publishes only after its transaction committed, so the row is there for the re-read.
    const after = await get(peer.app, url, tokens.admin);
    expect(after.cache).toBe('miss');
    expect(after.body.data.map((o) => o.order_id ?? o.orderId)).toEqual(['cache-o-1']);
    expect((await get(peer.app, url, tokens.admin)).cache).toBe('hit');
  });

  it('callers with different scopes never share an entry', async () => {
    const okx1 = await get(t.app, '/api/bots', tokens.okx);
    const pm1 = await get(t.app, '/api/bots', tokens.pm);
    // The second scope asking the same URL right after the first is a miss, not the first one's answer.
    expect(okx1.cache).toBe('miss');
    expect(pm1.cache).toBe('miss');
    const okx2 = await get(t.app, '/api/bots', tokens.okx);
    const pm2 = await get(t.app, '/api/bots', tokens.pm);
    expect([okx2.cache, pm2.cache]).toEqual(['hit', 'hit']);
    expect(new Set(okx2.body.data.map((b) => b.exchange))).toEqual(new Set(['okx']));
    // The polymarket bot was deleted above; the polymarket viewer sees no okx bot from the cache either.
    expect(pm2.body.data.filter((b) => b.exchange !== 'polymarket')).toEqual([]);
    const admin = await get(t.app, '/api/bots', tokens.admin);
    expect(admin.body.total).toBeGreaterThanOrEqual(okx2.body.total);
  });

  it('losing the invalidation subscription bypasses the cache, and nothing from before the loss is served after it', async () => {
    await get(t.app, '/api/bots', tokens.admin);
    expect((await get(t.app, '/api/bots', tokens.admin)).cache).toBe('hit');
    await sql.query("UPDATE bots SET name = 'changed-while-cached' WHERE bot_id = $1", [bots.okx]);
    expect((await get(t.app, '/api/bots', tokens.admin)).body.data.map((b) => b.name)).not.toContain('changed-while-cached');

    const cache = t.ctx.cache;
    if (cache === null) throw new Error('no cache');
    const wentDown = new Promise<void>((resolve) => {
      const stop = cache.onLiveChange((live) => {
        if (live) return;
        stop();
        resolve();
      });
    });
    // Kill exactly this instance's subscriber connection on the Redis server (found by its unique client name).
    const admin = new Redis(REDIS_URL);
    const list = (await admin.client('LIST')) as string;
    const line = list.split('\n').find((l) => l.includes(`name=${t.sync.connectionName} `));
    expect(line).toBeDefined();
    const id = /id=(\d+)/.exec(line ?? '')?.[1] ?? '';
    await admin.client('KILL', 'ID', id);
    admin.disconnect();
    await wentDown;
    const during = await get(t.app, '/api/bots', tokens.admin);
    expect(during.cache === 'bypass' || during.cache === 'miss').toBe(true);
    expect(during.body.data.map((b) => b.name)).toContain('changed-while-cached');

    // ioredis reconnects; the cache comes back empty and caches again.
    await waitFor(async () => Promise.resolve(cache.enabled), 10_000);
    expect((await get(t.app, '/api/bots', tokens.admin)).cache).toBe('miss');
    expect((await get(t.app, '/api/bots', tokens.admin)).cache).toBe('hit');

    // A subscriber that stays down keeps the cache off: every read goes to PostgreSQL.
    t.sync.subscriber.disconnect();
    await waitFor(async () => Promise.resolve(!cache.enabled), 5000);
    await sql.query("UPDATE bots SET name = 'changed-while-down' WHERE bot_id = $1", [bots.okx]);
    const down = await get(t.app, '/api/bots', tokens.admin);
    expect(down.cache).toBe('bypass');
    expect(down.body.data.map((b) => b.name)).toContain('changed-while-down');
  });
});
