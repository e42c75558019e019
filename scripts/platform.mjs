#!/usr/bin/env node
// Runs the whole platform on one machine (what `npm start` hands over to): simulator, engine, backend,
// workers and dashboard, each a child process in its own process group, with readiness shown as each part
// answers its health URL, and a clean stop of every child on Ctrl-C. Node built-ins only.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiClient, demoBotSpecs, DEMO_POLYMARKET_CREDENTIALS, signalGroup, spawnPart, waitHealthy as waitUrl } from './lib/platform-kit.mjs';

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
    env: { PORT: '3000', NODE_ENV: 'production' },
    health: 'http://127.0.0.1:3000/login',
  },
];

const children = [];
let stopping = false;

function say(message) {
  process.stdout.write(`[platform] ${message}\n`);
}

function waitHealthy(part, seconds) {
  return waitUrl(part.health, seconds, () => stopping);
}

function launch(part) {
  const child = spawnPart({ root, args: part.args, cwd: join(root, part.cwd ?? '.'), env: { ...shared, ...part.env } });
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
  for (const { child } of [...children].reverse()) signalGroup(child, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && children.some(({ child }) => child.exitCode === null && child.signalCode === null)) {
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const { child } of children) signalGroup(child, 'SIGKILL');
  say('stopped');
  process.exit(exitCode);
}

const api = 'http://127.0.0.1:3001/api';

const call = apiClient(api);

/**
 * A demo admin (created by the backend on first start) and a few paper bots trading against the simulator.
 * Idempotent: bots named demo-* are created once per data folder and started on every run.
 */
async function seedDemo() {
  const email = process.env.ADMIN_EMAIL ?? 'admin@example.com';
  const password = process.env.ADMIN_PASSWORD ?? 'your-password';
  const { token } = await call('POST', '/auth/login', null, { email, password });
  const existing = (await call('GET', '/bots?limit=100', token)).data.filter((bot) => bot.name.startsWith('demo-'));
  let bots = existing;
  if (existing.length === 0) {
    const ticker = await fetch(`${simUrl}/api/v5/market/ticker?instId=BTC-USDT-SWAP`).then((r) => r.json());
    const last = Number(ticker.data?.[0]?.last ?? 95000);
    const okxWallet = await call('POST', '/wallets', token, {
      name: 'demo-okx-paper',
      exchange: 'okx',
      credentials: { apiKey: 'demo-key', secret: 'demo-secret', passphrase: 'demo-passphrase' },
    });
    const pmWallet = await call('POST', '/wallets', token, {
      name: 'demo-polymarket-paper',
      exchange: 'polymarket',
      credentials: DEMO_POLYMARKET_CREDENTIALS,
    });
    const markets = (await call('GET', '/exchanges/polymarket/markets', token)).data ?? [];
    const specs = demoBotSpecs({ prefix: 'demo', okxWalletId: okxWallet.walletId, pmWalletId: pmWallet.walletId, last, market: markets[0] });
    bots = [];
    for (const spec of specs) bots.push(await call('POST', '/bots', token, spec));
  }
  for (const bot of bots) {
    try {
      await call('POST', `/bots/${bot.botId}/start`, token);
    } catch (error) {
      say(`could not start ${bot.name ?? bot.botId}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  say(`demo: ${bots.length} paper bots started (${bots.map((b) => b.name).join(', ')})`);
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
if (available.some((part) => part.name === 'cms-backend') && process.env.SEED_DEMO !== 'off') {
  try {
    await seedDemo();
  } catch (error) {
    say(`demo seeding failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
say('all parts ready. Dashboard: http://localhost:3000  API: http://localhost:3001/api/docs');
say('demo login: admin@example.com / your-password (change ADMIN_PASSWORD before exposing this machine)');
say('Ctrl-C stops everything.');
