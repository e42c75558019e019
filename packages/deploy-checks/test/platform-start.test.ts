// The README's first command, end to end: the launcher `npm start` hands over to (scripts/platform.mjs, run on the
// workspaces `npm test` has just built) starts the simulator, backend (embedded PGlite in a fresh data folder),
// engine and dashboard; every part reports ready, the seeded paper bots trade against the simulator, the health
// route is green, and SIGINT (Ctrl-C) leaves no process and no listening port behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoPath } from '../src/index.js';

const PORTS = [8100, 3001, 3010, 3000];
const api = 'http://127.0.0.1:3001/api';

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, log: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n--- launcher output ---\n${log().slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function json<T>(path: string, token?: string, body?: unknown): Promise<T> {
  const response = await fetch(`${api}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return (await response.json()) as T;
}

const built = ['apps/exchange-sim/dist/main.js', 'apps/cms-backend/dist/server.js', 'apps/trading-engine/dist/main.js'].every(
  (file) => existsSync(repoPath(...file.split('/'))),
);
const portsBusy = await Promise.all(PORTS.map(portOpen));
const skipReason = !built
  ? 'the apps are not built (npm test builds them first)'
  : portsBusy.some(Boolean)
    ? `ports ${PORTS.filter((_, i) => portsBusy[i]).join(', ')} are taken (is the platform already running?)`
    : null;

describe.skipIf(skipReason !== null)(`npm start launcher${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'platform-start-'));
  let launcher: ChildProcess | undefined;
  let output = '';

  afterAll(() => {
    if (launcher?.exitCode === null) launcher.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts every part, trades the seeded paper bots, and stops cleanly on SIGINT', async () => {
    launcher = spawn(process.execPath, [repoPath('scripts', 'platform.mjs')], {
      cwd: repoPath(),
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        // A private key space in the shared Redis, so leftovers of other runs cannot be mistaken for ours.
        REDIS_PREFIX: `start${randomBytes(3).toString('hex')}`,
        LOG_LEVEL: 'warn',
        NODE_ENV: 'development',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    launcher.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    launcher.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

    await waitUntil('all parts ready', () => Promise.resolve(output.includes('all parts ready') ? true : undefined), 240_000, () => output);
    for (const part of ['exchange-sim', 'cms-backend', 'trading-engine', 'cms-frontend']) {
      expect(output).toMatch(new RegExp(`${part}\\s+ready`));
    }
    expect(output).toMatch(/demo: 3 paper bots started/);

    const health = await json<{ status: string; services: { db: string; dbKind: string; redis: string } }>('/system/health');
    expect(health.status).toBe('ok');
    expect(health.services).toMatchObject({ db: 'connected', redis: 'connected' });

    const { token } = await json<{ token: string }>('/auth/login', undefined, { email: 'admin@example.com', password: 'your-password' });
    const bots = await json<{ data: { name: string; mode: string }[] }>('/bots?limit=100', token);
    expect(bots.data.map((bot) => bot.name).sort()).toEqual([
      'demo-okx-grid',
      'demo-okx-market-making',
      'demo-polymarket-market-making',
    ]);
    expect(bots.data.every((bot) => bot.mode === 'paper')).toBe(true);
    // The seeded bots trade against the simulator's feed: their orders reach the database through the engine.
    const orders = await waitUntil(
      'orders from the seeded bots',
      async () => {
        const page = await json<{ total: number }>('/orders?limit=1', token);
        return page.total > 0 ? page.total : undefined;
      },
      90_000,
      () => output,
    );
    expect(orders).toBeGreaterThan(0);

    const exited = new Promise<number | null>((resolve) => {
      launcher?.once('exit', (code) => {
        resolve(code);
      });
    });
    launcher.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('[platform] stopped');
    // No orphan: every part's port is closed again.
    await waitUntil('ports to close', async () => ((await Promise.all(PORTS.map(portOpen))).some(Boolean) ? undefined : true), 20_000, () => output);
  }, 420_000);
});
