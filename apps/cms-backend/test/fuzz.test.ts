/**
 * Property-based fuzzing (fast-check) of the main routes' bodies, queries and params: whatever arrives, the
 * answer is never a 5xx, never carries a stack trace or a file path, errors have the one shape, and a rejected
 * request writes nothing.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, startTestApp, type TestApp } from './helpers.js';

let t: TestApp;
let token = '';
let botId = '';

const VALID_BOT = { name: 'f', exchange: 'okx', strategy: 'market-making', mode: 'paper', config: { spread: 0.01, orderSize: 1 }, exchangeConfig: {}, riskLimits: { maxDailyLoss: 1, maxDrawdown: 1, maxPositionSize: 1 } };
const VALID_WALLET = { name: 'w', exchange: 'okx', credentials: { apiKey: 'a', secret: 'b', passphrase: 'c' } };
const VALID_BACKTEST = { strategy: 'grid', datasetId: 'grid-btc-swap', config: { lowerPrice: 92000, upperPrice: 98000, gridCount: 12, orderSize: 2 }, riskLimits: { maxDailyLoss: 100, maxDrawdown: 20, maxPositionSize: 30 }, initialBalances: { USDT: '10000' }, leverage: 5, latencyMs: 50 };
const VALID_ORDER = { botId: 'x', instrumentId: 'okx:BTC-USDT', side: 'BUY', type: 'LIMIT', price: '1', quantity: '1' };

async function writes(): Promise<string> {
  const [row] = await t.ctx.db.query<{ s: string }>(
    "SELECT (SELECT count(*) FROM bots) || '/' || (SELECT count(*) FROM wallets) || '/' || (SELECT count(*) FROM users) || '/' || (SELECT count(*) FROM audit_log) || '/' || (SELECT count(*) FROM orders) AS s",
  );
  return row?.s ?? '';
}

/** A valid body with one field replaced, removed, or the whole thing replaced by anything. */
function mutated(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  return fc.oneof(
    fc.anything(),
    fc.record({ key: fc.constantFrom(...keys), value: fc.anything() }).map(({ key, value }) => ({ ...valid, [key]: value })),
    fc.constantFrom(...keys).map((key) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key))),
    fc.dictionary(fc.string(), fc.jsonValue()).map((extra) => ({ ...valid, ...extra })),
  );
}

async function check(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown): Promise<void> {
  const before = await writes();
  // JSON.stringify returns undefined for some inputs despite its type.
  const text = JSON.stringify(payload) as string | undefined;
  const res = await t.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(payload !== undefined ? { payload: text ?? 'null' } : {}),
  });
  expect(res.statusCode, `${method} ${url} ${JSON.stringify(payload)} → ${res.body}`).toBeLessThan(500);
  expect(res.body).not.toMatch(/\n\s+at |\/work\/|node_modules|\.ts:\d+/);
  if (res.statusCode >= 400) {
    const body = res.json<{ error: { code: string; message: string } }>();
    expect(typeof body.error.code).toBe('string');
    expect(typeof body.error.message).toBe('string');
    expect(await writes(), `${method} ${url} was rejected but wrote`).toBe(before);
  }
}

beforeAll(async () => {
  t = await startTestApp({ logLevel: 'silent' });
  token = (await login(t.app)).token;
  botId = (await t.app.inject({ method: 'POST', url: '/api/bots', headers: { authorization: `Bearer ${token}` }, payload: VALID_BOT })).json<{ botId: string }>().botId;
});
afterAll(async () => {
  await t.close();
});

describe('fuzzing', () => {
  const runs = { numRuns: 120 };
  it('POST /api/bots', async () => {
    await fc.assert(fc.asyncProperty(mutated(VALID_BOT), (body) => check('POST', '/api/bots', body)), runs);
  });
  it('POST /api/wallets', async () => {
    await fc.assert(fc.asyncProperty(mutated(VALID_WALLET), (body) => check('POST', '/api/wallets', body)), runs);
  });
  it('POST /api/orders (manual)', async () => {
    await fc.assert(fc.asyncProperty(mutated({ ...VALID_ORDER, botId }), (body) => check('POST', '/api/orders', body)), runs);
  });
  it('POST /api/backtests', async () => {
    await fc.assert(fc.asyncProperty(mutated(VALID_BACKTEST), (body) => check('POST', '/api/backtests', body)), runs);
  });
  it('PATCH /api/bots/:id', async () => {
    await fc.assert(fc.asyncProperty(mutated({ name: 'n', config: { spread: 0.5, orderSize: 2 } }), (body) => check('PATCH', `/api/bots/${botId}`, body)), runs);
  });
  it('POST /api/auth/login', async () => {
    await fc.assert(fc.asyncProperty(mutated({ email: 'a@b.co', password: 'x' }), (body) => check('POST', '/api/auth/login', body)), { numRuns: 60 });
  });
  it('list queries', async () => {
    const keys = ['page', 'limit', 'exchange', 'botId', 'status', 'from', 'to', 'sort', 'order', 'side', 'bucket', 'scope', 'zzz'];
    const query = fc.dictionary(fc.constantFrom(...keys), fc.oneof(fc.string(), fc.integer().map(String), fc.constantFrom('okx', 'all', '0', '101', '2026-01-01', 'asc')));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/api/orders', '/api/bots', '/api/trades', '/api/positions', '/api/pnl', '/api/notifications', '/api/audit', `/api/bots/${botId}/orders`), query, (path, q) =>
        check('GET', `${path}?${new URLSearchParams(q).toString()}`),
      ),
      { numRuns: 200 },
    );
  });
  it('path params', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), fc.constantFrom('/api/bots/', '/api/orders/', '/api/wallets/', '/api/users/', '/api/engines/'), (id, prefix) =>
        check('GET', `${prefix}${encodeURIComponent(id)}`),
      ),
      runs,
    );
  });
  it('raw bodies that are not JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), async (text) => {
        const before = await writes();
        const res = await t.app.inject({ method: 'POST', url: '/api/bots', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: text });
        expect(res.statusCode).toBeLessThan(500);
        if (res.statusCode >= 400) expect(await writes()).toBe(before);
      }),
      { numRuns: 60 },
    );
  });
});
