#!/usr/bin/env node
// Runs the whole platform on one machine (what `npm start` hands over to): simulator, engine, backend,
// workers and dashboard, each a child process in its own process group, with readiness shown as each part
// answers its health URL, and a clean stop of every child on Ctrl-C. Node built-ins only.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = process.env.DATA_DIR ?? join(root, 'data');
mkdirSync(dataDir, { recursive: true });

const SIM_PORT = process.env.SIM_PORT ?? '8100';
const simUrl = `http://127.0.0.1:${SIM_PORT}`;
const shared = {
  ...process.env,
  NODE_ENV: process.env.NODE_ENV ?? 'development',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  DATA_DIR: dataDir,
  OKX_REST_URL: process.env.OKX_REST_URL ?? `${simUrl}`,
  OKX_WS_PUBLIC_URL: process.env.OKX_WS_PUBLIC_URL ?? `ws://127.0.0.1:${SIM_PORT}/ws/v5/public`,
  OKX_WS_PRIVATE_URL: process.env.OKX_WS_PRIVATE_URL ?? `ws://127.0.0.1:${SIM_PORT}/ws/v5/private`,
  OKX_WS_BUSINESS_URL: process.env.OKX_WS_BUSINESS_URL ?? `ws://127.0.0.1:${SIM_PORT}/ws/v5/business`,
  POLYMARKET_CLOB_URL: process.env.POLYMARKET_CLOB_URL ?? `${simUrl}/polymarket`,
  POLYMARKET_WS_URL: process.env.POLYMARKET_WS_URL ?? `ws://127.0.0.1:${SIM_PORT}/polymarket/ws`,
};

/** The parts of the platform, in start order. A part whose entry file does not exist yet is skipped. */
const parts = [
  {
    name: 'exchange-sim',
    entry: 'apps/exchange-sim/dist/main.js',
    args: ['apps/exchange-sim/dist/main.js'],
    env: { PORT: SIM_PORT },
    health: `${simUrl}/health`,
  },
  {
    name: 'cms-backend',
    entry: 'apps/cms-backend/dist/server.js',
    args: ['apps/cms-backend/dist/server.js'],
    env: { PORT: '3001' },
    health: 'http://127.0.0.1:3001/api/system/health',
  },
  {
    name: 'trading-engine',
    entry: 'apps/trading-engine/dist/main.js',
    args: ['apps/trading-engine/dist/main.js'],
    env: { PORT: process.env.ENGINE_PORT ?? '3010' },
    health: `http://127.0.0.1:${process.env.ENGINE_PORT ?? '3010'}/health`,
  },
  {
    name: 'cms-frontend',
    entry: 'apps/cms-frontend/.next/BUILD_ID',
    args: [join(root, 'node_modules/next/dist/bin/next'), 'start', '-p', '3000'],
    cwd: 'apps/cms-frontend',
    env: { PORT: '3000' },
    health: 'http://127.0.0.1:3000/login',
  },
];

const children = [];
let stopping = false;

function say(message) {
  process.stdout.write(`[platform] ${message}\n`);
}

async function healthy(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return response.status < 500;
  } catch {
    return false;
  }
}

async function waitHealthy(part, seconds) {
  for (let i = 0; i < seconds * 2; i++) {
    if (stopping) return false;
    if (await healthy(part.health)) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

function launch(part) {
  const child = spawn(process.execPath, part.args, {
    cwd: join(root, part.cwd ?? '.'),
    env: { ...shared, ...part.env },
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  children.push({ part, child });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      say(`${part.name} exited (${signal ?? code}); stopping the platform`);
      void stop(1);
    }
  });
  return child;
}

async function stop(exitCode) {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  for (const { child } of [...children].reverse()) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && children.some(({ child }) => child.exitCode === null && child.signalCode === null)) {
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const { child } of children) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  say('stopped');
  process.exit(exitCode);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

const available = parts.filter((part) => existsSync(join(root, part.entry)));
if (available.length === 0) {
  say('no part of the platform is built yet; nothing to run');
  process.exit(0);
}
for (const part of available) {
  launch(part);
  const ready = await waitHealthy(part, 90);
  say(`${part.name.padEnd(15)} ${ready ? 'ready' : 'NOT READY'}  ${part.health}`);
  if (!ready) await stop(1);
}
say('all parts ready. Dashboard: http://localhost:3000  API: http://localhost:3001/api/docs');
say('demo login: admin@example.com / your-password (change ADMIN_PASSWORD before exposing this machine)');
say('Ctrl-C stops everything.');
