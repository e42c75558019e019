/**
 * The seed README's "Creating Your First Bot" curl flow, over real HTTP against real PostgreSQL and Redis, then
 * what happens next: the queued start reaches a live engine as a start-bot command (BotSpec, still-encrypted
 * credentials), the engine's bot-state-changed is persisted, and the auth rules (refresh ≠ access, rotation,
 * logout) hold.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES, formatName, validate, type EngineCommand } from '@trading/shared-types';
import { encryptCredentials } from '../src/crypto/credentials.js';
import { bullPrefix } from '../src/services/engines/command-bus.js';
import { registerEngine, startTestApp, waitFor, type TestApp } from './helpers.js';

let t: TestApp;
let base: string;

async function http(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token !== undefined) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

async function commandsFor(engineId: string): Promise<EngineCommand[]> {
  const queue = new Queue(formatName(QUEUE_NAMES.engineCommands, { engineId }), { connection: t.ctx.redis, prefix: bullPrefix(t.config.redisPrefix) });
  const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
  await queue.close();
  return jobs.map((j) => j.data as EngineCommand);
}

beforeAll(async () => {
  t = await startTestApp({ listen: true, services: true, workers: true });
  base = t.baseUrl ?? '';
});
afterAll(async () => {
  await t.close();
});

describe('README curl flow', () => {
  let token = '';
  let walletId = '';
  let botId = '';

  it('1. login returns .token', async () => {
    const res = await http('POST', '/api/auth/login', { email: 'admin@example.com', password: 'your-password' });
    expect(res.status).toBe(200);
    expect(typeof res.json.token).toBe('string');
    token = res.json.token as string;
  });

  it('2. wallet with the README body returns .walletId', async () => {
    const res = await http('POST', '/api/wallets', { name: 'pm-wallet-1', exchange: 'polymarket', credentials: { proxyAddress: '0xYourProxyAddress', encryptedPrivateKey: 'aes256gcm:...' } }, token);
    expect(res.status).toBe(201);
    expect(typeof res.json.walletId).toBe('string');
    expect(JSON.stringify(res.json)).not.toContain('aes256gcm');
    walletId = res.json.walletId as string;
  });

  it('3. bot with the README body returns .botId, numbers stored as exact decimal strings', async () => {
    const res = await http(
      'POST',
      '/api/bots',
      {
        name: 'pm-mm-test',
        exchange: 'polymarket',
        strategy: 'market-making',
        walletId,
        mode: 'paper',
        config: { spread: 0.03, orderSize: 10 },
        exchangeConfig: { marketId: '0x...', tokenId: '71321045...' },
        riskLimits: { maxDailyLoss: 50, maxDrawdown: 10, maxPositionSize: 200 },
      },
      token,
    );
    expect(res.status).toBe(201);
    botId = res.json.botId as string;
    expect(botId).toMatch(/^[0-9a-f-]{36}$/);
    const stored = await t.ctx.db.query<{ config: Record<string, unknown>; risk_limits: Record<string, unknown> }>('SELECT config, risk_limits FROM bots WHERE bot_id = $1', [botId]);
    expect(stored[0]?.config).toEqual({ spread: '0.03', orderSize: '10' });
    expect(stored[0]?.risk_limits).toMatchObject({ maxDailyLoss: '50', maxPositionSize: '200', maxDrawdown: 10 });
  });

  it('4. start (no body, like curl -X POST) is accepted; with no engine the bot waits in STARTING', async () => {
    const res = await fetch(`${base}/api/bots/${botId}/start`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(202);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ ok: true, status: 'STARTING', queued: true, engineId: null });
  });

  it('the queued start goes to a live engine when one registers, as a valid start-bot command', async () => {
    await registerEngine(t.ctx, 'te-pm-1', ['polymarket']);
    const commands = await waitFor(async () => {
      const list = await commandsFor('te-pm-1');
      return list.length > 0 ? list : null;
    });
    const start = commands.find((c) => c.type === 'start-bot');
    expect(start && validate('EngineCommand', start).ok).toBe(true);
    if (start?.type !== 'start-bot') throw new Error('no start-bot');
    expect(start.payload.bot).toMatchObject({ botId, strategy: 'market-making', mode: 'paper', config: { spread: '0.03', orderSize: '10' } });
    expect(start.payload.bot.encryptedCredentials).toBeNull(); // paper: nothing secret leaves
    const bot = await http('GET', `/api/bots/${botId}`, undefined, token);
    expect(bot.json).toMatchObject({ status: 'STARTING', assignedEngineId: 'te-pm-1' });
  });

  it('the engine reporting RUNNING is persisted (bot-state-changed through the worker)', async () => {
    const queue = new Queue(QUEUE_NAMES.engineEvents, { connection: t.ctx.redis, prefix: bullPrefix(t.config.redisPrefix) });
    const event = { eventId: 'ev-run-1', engineId: 'te-pm-1', exchange: 'polymarket', botId, timestamp: Date.now(), type: 'bot-state-changed', payload: { from: 'STARTING', to: 'RUNNING', reason: '' } };
    await queue.add('bot-state-changed', event, { jobId: event.eventId });
    await queue.close();
    await waitFor(async () => (await http('GET', `/api/bots/${botId}`, undefined, token)).json.status === 'RUNNING');
    const stop = await http('POST', `/api/bots/${botId}/stop`, undefined, token);
    expect(stop.status).toBe(202);
    expect(stop.json.status).toBe('STOPPING');
    const again = await http('POST', `/api/bots/${botId}/pause`, undefined, token);
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ error: { code: 'CONFLICT' } });
  });

  it('a live bot carries the still-encrypted blob; a placeholder blob cannot start live', async () => {
    const blob = encryptCredentials({ privateKey: '0x1111' }, t.config.encryptionKey);
    const wallet = await http('POST', '/api/wallets', { name: 'live', exchange: 'polymarket', credentials: { proxyAddress: '0x' + 'a'.repeat(40), encryptedPrivateKey: blob } }, token);
    expect(wallet.status).toBe(201);
    const live = await http('POST', '/api/bots', { name: 'live', exchange: 'polymarket', strategy: 'market-making', walletId: wallet.json.walletId, mode: 'live', config: { spread: 0.02, orderSize: 5 }, riskLimits: { maxDailyLoss: 5, maxDrawdown: 5, maxPositionSize: 5 } }, token);
    expect(live.json).toMatchObject({ mode: 'live' });
    const started = await http('POST', `/api/bots/${String(live.json.botId)}/start`, undefined, token);
    expect(started.json).toMatchObject({ status: 'STARTING', engineId: 'te-pm-1' });
    const commands = await commandsFor('te-pm-1');
    const start = commands.find((c) => c.type === 'start-bot' && c.botId === live.json.botId);
    expect(start?.type === 'start-bot' && start.payload.bot.encryptedCredentials).toBe(blob);
    // The wallet's proxy is the orders' maker: the engine gets it as the funder (the blob holds only the key).
    expect(start?.type === 'start-bot' && start.payload.bot.exchangeConfig.funderAddress).toBe('0x' + 'a'.repeat(40));

    const placeholder = await http('POST', '/api/bots', { name: 'live2', exchange: 'polymarket', strategy: 'market-making', walletId, mode: 'live', config: { spread: 0.02, orderSize: 5 }, riskLimits: { maxDailyLoss: 5, maxDrawdown: 5, maxPositionSize: 5 } }, token);
    const refused = await http('POST', `/api/bots/${String(placeholder.json.botId)}/start`, undefined, token);
    expect(refused.status).toBe(422);
  });
});

describe('tokens', () => {
  it('a refresh token never works as an access token; refresh rotates; logout revokes', async () => {
    const login = await http('POST', '/api/auth/login', { email: 'admin@example.com', password: 'your-password' });
    const { token, refreshToken } = login.json as { token: string; refreshToken: string };
    expect((await http('GET', '/api/auth/me', undefined, refreshToken)).status).toBe(401);
    const refreshed = await http('POST', '/api/auth/refresh', { refreshToken });
    expect(refreshed.status).toBe(200);
    expect((await http('POST', '/api/auth/refresh', { refreshToken })).status).toBe(401); // rotated: reuse refused
    const newRefresh = refreshed.json.refreshToken as string;
    expect((await http('POST', '/api/auth/refresh', { refreshToken: newRefresh })).status).toBe(401); // reuse revoked the family
    expect((await http('GET', '/api/auth/me', undefined, token)).status).toBe(200);
    expect((await http('POST', '/api/auth/logout', {}, token)).status).toBe(200);
    expect((await http('GET', '/api/auth/me', undefined, token)).status).toBe(401);
  });

  it('wrong password is 401 with the error shape', async () => {
    const res = await http('POST', '/api/auth/login', { email: 'admin@example.com', password: 'nope' });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: { code: 'UNAUTHORIZED', message: 'invalid email or password' } });
  });

  it('health, docs and metrics answer', async () => {
    const health = await http('GET', '/api/system/health');
    expect(health.json).toMatchObject({ status: 'ok', services: { db: 'connected', redis: 'connected' } });
    const docs = await fetch(`${base}/api/docs/json`);
    const spec = (await docs.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(spec.openapi).toBe('3.0.3');
    expect(Object.keys(spec.paths)).toContain('/api/bots/{id}/start');
    expect((await fetch(`${base}/api/docs/`)).status).toBe(200);
    expect(await (await fetch(`${base}/api/system/metrics`)).text()).toContain('cms_http_request_duration_seconds');
  });
});
