/**
 * Backtests through the API on real PostgreSQL + Redis: POST queues a run, the backtest worker (BullMQ, child
 * process) runs the engine's runner on a committed data set, progress arrives over Socket.IO, and GET shows the
 * run done with exactly the statistics and equity curve of the runner called directly on the same input. RBAC:
 * viewers read but cannot start, exchange scope hides runs on other exchanges, bad input names its field.
 */
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backtest, BacktestDataset, BacktestProgress } from '@trading/shared-types';
import { runDatasetBacktest } from '@trading/trading-engine/backtest';
import { runBacktestJob } from '../src/workers/backtest-worker.js';
import { login, startTestApp, waitFor, type TestApp } from './helpers.js';

let t: TestApp;
const tokens = { admin: '', viewer: '', okxOperator: '' };

async function call(method: string, url: string, token: string | null, payload?: unknown) {
  return t.app.inject({ method: method as 'GET', url, ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}), ...(payload !== undefined ? { payload: payload as object } : {}) });
}

beforeAll(async () => {
  t = await startTestApp({ services: true, workers: true, listen: true, logLevel: 'warn' });
  tokens.admin = (await login(t.app)).token;
  for (const [email, role, allowedExchanges] of [
    ['bt-viewer@example.com', 'viewer', ['okx', 'polymarket']],
    ['bt-op@example.com', 'operator', ['okx']],
  ] as const) {
    expect((await call('POST', '/api/users', tokens.admin, { email, password: 'password-123', role, allowedExchanges })).statusCode).toBe(201);
  }
  tokens.viewer = (await login(t.app, 'bt-viewer@example.com', 'password-123')).token;
  tokens.okxOperator = (await login(t.app, 'bt-op@example.com', 'password-123')).token;
});

afterAll(async () => {
  await t.close();
});

describe('backtests API', () => {
  it('lists the committed data sets within the caller scope', async () => {
    const all = (await call('GET', '/api/backtests/datasets', tokens.viewer)).json<{ data: BacktestDataset[] }>().data;
    expect(all.map((d) => d.id)).toContain('market-making-polymarket');
    expect(all).toHaveLength(6);
    const mm = all.find((d) => d.id === 'market-making-polymarket');
    expect(mm?.exchanges).toEqual(['polymarket']);
    expect(mm?.strategy).toBe('market-making');
    expect(mm?.events).toBeGreaterThan(100);
    const okxOnly = (await call('GET', '/api/backtests/datasets', tokens.okxOperator)).json<{ data: BacktestDataset[] }>().data;
    expect(okxOnly.length).toBeGreaterThan(0);
    expect(okxOnly.every((d) => d.exchanges.every((e) => e === 'okx'))).toBe(true);
  });

  it('rejects bad input with the field named, and callers without the role or scope', async () => {
    expect((await call('POST', '/api/backtests', null, { strategy: 'grid', datasetId: 'grid-btc-swap' })).statusCode).toBe(401);
    const viewer = await call('POST', '/api/backtests', tokens.viewer, { strategy: 'grid', datasetId: 'grid-btc-swap' });
    expect(viewer.statusCode).toBe(403);
    const scope = await call('POST', '/api/backtests', tokens.okxOperator, { strategy: 'market-making', datasetId: 'market-making-polymarket' });
    expect(scope.statusCode).toBe(403);
    const unknownSet = await call('POST', '/api/backtests', tokens.admin, { strategy: 'grid', datasetId: 'no-such-data' });
    expect(unknownSet.statusCode).toBe(400);
    expect(unknownSet.body).toContain('datasetId');
    const missing = await call('POST', '/api/backtests', tokens.admin, { strategy: 'grid' });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('datasetId');
    const badConfig = await call('POST', '/api/backtests', tokens.admin, { strategy: 'grid', datasetId: 'grid-btc-swap', config: { lowerPrice: 92000, upperPrice: 98000, gridCount: 1, orderSize: 2 } });
    expect(badConfig.statusCode).toBe(400);
    expect(badConfig.body).toContain('config.gridCount');
    const grid = (await call('GET', '/api/backtests/datasets', tokens.admin)).json<{ data: BacktestDataset[] }>().data.find((d) => d.id === 'grid-btc-swap');
    const backwards = await call('POST', '/api/backtests', tokens.admin, { strategy: 'grid', datasetId: 'grid-btc-swap', from: (grid?.startTime ?? 0) + 2_000, to: (grid?.startTime ?? 0) + 1_000 });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json<{ error: { message: string } }>().error.message).toMatch(/^from\/to: from \(\d+\) is after to/);
    const outside = await call('POST', '/api/backtests', tokens.admin, { strategy: 'grid', datasetId: 'grid-btc-swap', from: (grid?.endTime ?? 0) + 1 });
    expect(outside.statusCode).toBe(400);
    expect(outside.body).toContain('holds none of the data set');
    const notTime = await call('POST', '/api/backtests', tokens.admin, { strategy: 'grid', datasetId: 'grid-btc-swap', to: 'yesterday' });
    expect(notTime.statusCode).toBe(400);
    expect(notTime.body).toContain('to');
    expect((await call('GET', '/api/backtests', tokens.admin)).json<{ total: number }>().total).toBe(0);
  });

  it('runs in the worker, reports progress over Socket.IO and stores the runner result (determinism)', async () => {
    const request = { strategy: 'market-making', datasetId: 'market-making-polymarket', config: { spread: 0.03, orderSize: 10, inventorySkew: 0.0005, maxInventory: 120 }, riskLimits: { maxDailyLoss: 300, maxDrawdown: 40, maxPositionSize: 500 } };
    const socket: Socket = io(t.baseUrl ?? '', { path: '/socket.io', auth: { token: tokens.viewer }, transports: ['websocket'] });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const progress: BacktestProgress[] = [];
    socket.on('backtest-progress', (p: BacktestProgress) => progress.push(p));

    const res = await call('POST', '/api/backtests', tokens.admin, request);
    expect(res.statusCode).toBe(202);
    const created = res.json<Backtest>();
    expect(created.status).toBe('queued');
    expect(created.progress).toBe(0);
    const ack = await socket.timeout(5000).emitWithAck('subscribe:backtest', created.backtestId) as { ok: boolean };
    expect(ack.ok).toBe(true);

    const done = await waitFor(async () => {
      const run = (await call('GET', `/api/backtests/${created.backtestId}`, tokens.viewer)).json<Backtest>();
      return run.status === 'done' || run.status === 'failed' ? run : undefined;
    }, 60_000, 100);
    expect(done.error).toBeNull();
    expect(done.status).toBe('done');
    expect(done.progress).toBe(1);

    // The same input straight through the engine's runner gives the same statistics and curve, to the digit.
    const direct = await runDatasetBacktest({ ...request, riskLimits: { ...request.riskLimits } });
    expect(done.stats).toEqual(direct.summary);
    expect(done.equity).toEqual(direct.equity);
    expect(Number(done.stats?.trades)).toBeGreaterThan(0);

    await waitFor(async () => Promise.resolve(progress.some((p) => p.status === 'done')), 10_000);
    const fractions = progress.filter((p) => p.backtestId === created.backtestId).map((p) => p.progress);
    expect(fractions.at(-1)).toBe(1);
    expect([...fractions].sort((a, b) => a - b)).toEqual(fractions);
    socket.close();

    const audit = await t.ctx.db.query<{ action: string; entity_id: string }>("SELECT action, entity_id FROM audit_log WHERE action = 'backtest.create'");
    expect(audit).toEqual([{ action: 'backtest.create', entity_id: created.backtestId }]);

    const list = (await call('GET', '/api/backtests?limit=10', tokens.viewer)).json<{ data: Backtest[]; total: number; page: number; limit: number; totalPages: number }>();
    expect(list.total).toBe(1);
    expect(list.totalPages).toBe(1);
    expect(list.data[0]?.backtestId).toBe(created.backtestId);
    expect(list.data[0]?.stats).toEqual(direct.summary);
    // Out of scope: the okx-only operator neither lists nor reads a Polymarket run.
    expect((await call('GET', '/api/backtests', tokens.okxOperator)).json<{ total: number }>().total).toBe(0);
    expect((await call('GET', `/api/backtests/${created.backtestId}`, tokens.okxOperator)).statusCode).toBe(404);
  }, 90_000);

  it('replays only the requested window [from, to] of the data set, as the runner does', async () => {
    const dataset = (await call('GET', '/api/backtests/datasets', tokens.admin)).json<{ data: BacktestDataset[] }>().data.find((d) => d.id === 'grid-btc-swap');
    if (dataset === undefined) throw new Error('no grid data set');
    const third = Math.floor((dataset.endTime - dataset.startTime) / 3);
    const window = { from: dataset.startTime + third, to: dataset.startTime + 2 * third };
    const res = await call('POST', '/api/backtests', tokens.admin, { strategy: 'grid', datasetId: 'grid-btc-swap', ...window });
    expect(res.statusCode).toBe(202);
    const id = res.json<Backtest>().backtestId;
    const done = await waitFor(async () => {
      const run = (await call('GET', `/api/backtests/${id}`, tokens.admin)).json<Backtest>();
      return run.status === 'done' || run.status === 'failed' ? run : undefined;
    }, 60_000, 100);
    expect(done.error).toBeNull();
    expect(done.request).toMatchObject(window);
    expect(done.equity[0]?.time).toBe(window.from);
    expect(done.equity.at(-1)?.time).toBe(window.to);
    const direct = await runDatasetBacktest({ strategy: 'grid', datasetId: 'grid-btc-swap', ...window });
    expect(done.stats).toEqual(direct.summary);
    const whole = await runDatasetBacktest({ strategy: 'grid', datasetId: 'grid-btc-swap' });
    expect(done.stats).not.toEqual(whole.summary);
  }, 90_000);

  it('marks a run that fails in the runner as failed, with the runner error', async () => {
    // A stored run whose data set disappeared (e.g. renamed in a later release) fails in the child, not the worker.
    await t.ctx.db.query(
      "INSERT INTO backtests (backtest_id, status, strategy, dataset_id, exchanges, request) VALUES ('bt-gone', 'queued', 'grid', 'renamed-set', '{okx}', $1)",
      [JSON.stringify({ strategy: 'grid', datasetId: 'renamed-set' })],
    );
    expect(await runBacktestJob(t.ctx, 'bt-gone')).toBe('failed');
    const run = (await call('GET', '/api/backtests/bt-gone', tokens.admin)).json<Backtest>();
    expect(run.status).toBe('failed');
    expect(run.error).toContain('unknown data set "renamed-set"');
    expect(run.stats).toBeNull();
    expect(run.finishedAt).not.toBeNull();
  }, 60_000);
});
