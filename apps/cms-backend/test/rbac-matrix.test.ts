/**
 * Role × route matrix: every route answers 401 without a token, 403 to a role that may not call it, and neither
 * to a role that may. Exchange scope: an operator limited to okx cannot touch polymarket, and a user with an
 * empty scope sees nothing (empty means no exchange, not all).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '@trading/exchange-sim';
import { login, startTestApp, type TestApp } from './helpers.js';

type Role = 'admin' | 'operator' | 'viewer';
let t: TestApp;
// The markets route reads the venues' public REST: a simulator stands in for them.
let sim: RunningSimulator;
const tokens: Record<Role | 'nobody', string> = { admin: '', operator: '', viewer: '', nobody: '' };
let okxBot = '';
let pmBot = '';
let okxWallet = '';

async function call(method: string, url: string, token: string | null, payload?: unknown) {
  return t.app.inject({ method: method as 'GET', url, ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}), ...(payload !== undefined ? { payload: payload as object } : {}) });
}

beforeAll(async () => {
  sim = await startSimulator();
  t = await startTestApp({ logLevel: 'warn', env: { OKX_REST_URL: sim.url, POLYMARKET_CLOB_URL: `${sim.url}/polymarket` } });
  tokens.admin = (await login(t.app)).token;
  for (const [email, role, allowedExchanges] of [
    ['op@example.com', 'operator', ['okx']],
    ['view@example.com', 'viewer', ['okx']],
    ['nobody@example.com', 'operator', []],
  ] as const) {
    const res = await call('POST', '/api/users', tokens.admin, { email, password: 'password-123', role, allowedExchanges });
    expect(res.statusCode).toBe(201);
  }
  tokens.operator = (await login(t.app, 'op@example.com', 'password-123')).token;
  tokens.viewer = (await login(t.app, 'view@example.com', 'password-123')).token;
  tokens.nobody = (await login(t.app, 'nobody@example.com', 'password-123')).token;
  const w = await call('POST', '/api/wallets', tokens.admin, { name: 'okx', exchange: 'okx', credentials: { apiKey: 'k-SECRETVALUE', secret: 's-SECRETVALUE', passphrase: 'p-SECRETVALUE' } });
  okxWallet = w.json<{ walletId: string }>().walletId;
  const risk = { maxDailyLoss: 10, maxDrawdown: 10, maxPositionSize: 1 };
  okxBot = (await call('POST', '/api/bots', tokens.admin, { name: 'g', exchange: 'okx', strategy: 'market-making', mode: 'paper', config: { spread: 0.01, orderSize: 1 }, riskLimits: risk })).json<{ botId: string }>().botId;
  pmBot = (await call('POST', '/api/bots', tokens.admin, { name: 'p', exchange: 'polymarket', strategy: 'market-making', mode: 'paper', config: { spread: 0.01, orderSize: 1 }, riskLimits: risk })).json<{ botId: string }>().botId;
});
afterAll(async () => {
  await t.close();
  await sim.close();
});

const ALL: Role[] = ['admin', 'operator', 'viewer'];
const MANAGERS: Role[] = ['admin', 'operator'];
const ADMIN: Role[] = ['admin'];

function matrix(): [string, string, Role[], unknown?][] {
  const risk = { maxDailyLoss: 10, maxDrawdown: 10, maxPositionSize: 1 };
  return [
    ['GET', '/api/auth/me', ALL],
    ['GET', '/api/users', ADMIN],
    ['POST', '/api/users', ADMIN, { email: `u${Math.random().toString(36).slice(2)}@example.com`, password: 'password-123', role: 'viewer' }],
    ['GET', '/api/wallets', ALL],
    ['GET', `/api/wallets/${okxWallet}`, ALL],
    ['POST', '/api/wallets', MANAGERS, { name: 'w', exchange: 'okx', credentials: { apiKey: 'k-SECRETVALUE', secret: 's-SECRETVALUE', passphrase: 'p-SECRETVALUE' } }],
    ['PATCH', `/api/wallets/${okxWallet}`, MANAGERS, { name: 'renamed' }],
    ['GET', '/api/bots', ALL],
    ['GET', `/api/bots/${okxBot}`, ALL],
    ['POST', '/api/bots', MANAGERS, { name: 'n', exchange: 'okx', strategy: 'market-making', mode: 'paper', config: { spread: 0.01, orderSize: 1 }, riskLimits: risk }],
    ['PATCH', `/api/bots/${okxBot}`, MANAGERS, { name: 'renamed' }],
    ['POST', `/api/bots/${okxBot}/start`, MANAGERS],
    ['POST', `/api/bots/${okxBot}/stop`, MANAGERS],
    ['GET', `/api/bots/${okxBot}/orders`, ALL],
    ['GET', `/api/bots/${okxBot}/trades`, ALL],
    ['GET', `/api/bots/${okxBot}/positions`, ALL],
    ['GET', `/api/bots/${okxBot}/pnl`, ALL],
    ['GET', `/api/bots/${okxBot}/logs`, ALL],
    ['GET', '/api/orders', ALL],
    ['POST', '/api/orders', MANAGERS, { botId: okxBot, instrumentId: 'okx:BTC-USDT', side: 'BUY', type: 'LIMIT', price: '1', quantity: '1' }],
    ['GET', '/api/trades', ALL],
    ['GET', '/api/positions', ALL],
    ['GET', '/api/pnl', ALL],
    ['GET', '/api/notifications', ALL],
    ['GET', '/api/audit', ADMIN],
    ['GET', '/api/engines', ALL],
    ['GET', '/api/exchanges', ALL],
    ['GET', '/api/exchanges/okx/markets', ALL],
    ['GET', '/api/strategies', ALL],
    ['GET', '/api/backtests', ALL],
    ['GET', '/api/backtests/datasets', ALL],
    ['POST', '/api/backtests', MANAGERS, { strategy: 'grid', datasetId: 'grid-btc-swap' }],
    ['POST', '/api/system/kill-switch', ADMIN],
  ];
}

describe('role × route matrix', () => {
  it('401 without a token, 403 for a role that may not, allowed otherwise', async () => {
    for (const [method, url, allowed, body] of matrix()) {
      const anon = await call(method, url, null, body);
      expect(anon.statusCode, `${method} ${url} anonymous`).toBe(401);
      for (const role of ALL) {
        const res = await call(method, url, tokens[role], body);
        if (allowed.includes(role)) {
          expect([401, 403], `${method} ${url} as ${role}: ${res.body}`).not.toContain(res.statusCode);
          expect(res.statusCode, `${method} ${url} as ${role}: ${res.body}`).toBeLessThan(500);
        } else {
          expect(res.statusCode, `${method} ${url} as ${role}`).toBe(403);
          expect(res.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
        }
      }
    }
  });
});

describe('exchange scope', () => {
  it('an okx operator cannot read or manage polymarket things', async () => {
    expect((await call('GET', `/api/bots/${pmBot}`, tokens.operator)).statusCode).toBe(403);
    expect((await call('POST', `/api/bots/${pmBot}/start`, tokens.operator)).statusCode).toBe(403);
    const wallet = await call('POST', '/api/wallets', tokens.operator, { name: 'x', exchange: 'polymarket', credentials: { privateKey: '0xabc' } });
    expect(wallet.statusCode).toBe(403);
    const list = (await call('GET', '/api/bots?limit=100', tokens.operator)).json<{ data: { exchange: string }[] }>();
    expect(list.data.length).toBeGreaterThan(0);
    expect(list.data.every((b) => b.exchange === 'okx')).toBe(true);
    const asked = (await call('GET', '/api/bots?exchange=polymarket', tokens.viewer)).json<{ total: number }>();
    expect(asked.total).toBe(0);
  });
  it('an empty scope means no exchange at all', async () => {
    const list = (await call('GET', '/api/bots', tokens.nobody)).json<{ total: number; data: unknown[] }>();
    expect(list).toMatchObject({ total: 0, data: [] });
    expect((await call('GET', `/api/bots/${okxBot}`, tokens.nobody)).statusCode).toBe(403);
    expect((await call('POST', '/api/bots', tokens.nobody, { name: 'n', exchange: 'okx', strategy: 'market-making', mode: 'paper', config: { spread: 0.01, orderSize: 1 }, riskLimits: { maxDailyLoss: 1, maxDrawdown: 1, maxPositionSize: 1 } })).statusCode).toBe(403);
  });
  it('every mutation left an audit row naming its author, without secrets', async () => {
    const rows = await t.ctx.db.query<{ action: string; user_id: string | null; after: unknown }>('SELECT action, user_id, after FROM audit_log');
    const actions = new Set(rows.map((r) => r.action));
    for (const a of ['user.create', 'wallet.create', 'wallet.update', 'bot.create', 'bot.update', 'bot.start']) expect(actions).toContain(a);
    expect(JSON.stringify(rows)).not.toMatch(/password-123|SECRETVALUE/);
  });
});
