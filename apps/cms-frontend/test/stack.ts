/**
 * Starts the real stack for the browser test as child processes on free ports: a fresh PostgreSQL database,
 * the CMS backend (tsx src/server.ts), the trading-engine service (tsx src/main.ts, sharing a random Redis
 * prefix with the backend) and the dashboard (next start on the production build). Everything is torn down by stop().
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const FRONTEND_DIR = join(HERE, '..');
const ROOT = join(FRONTEND_DIR, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, logs: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not come up within ${timeoutMs} ms\n${logs().slice(-3000)}`);
}

export interface Stack {
  apiUrl: string;
  webUrl: string;
  adminEmail: string;
  adminPassword: string;
  engineId: string;
  redisPrefix: string;
  stop(): Promise<void>;
}

function run(name: string, cmd: string, args: string[], cwd: string, env: Record<string, string>, logs: string[]): ChildProcess {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const keep = (chunk: Buffer) => {
    logs.push(`[${name}] ${chunk.toString()}`);
    if (logs.length > 400) logs.splice(0, logs.length - 400);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 8000);
  await exited;
  clearTimeout(timer);
}

export async function startStack(): Promise<Stack> {
  const id = randomBytes(4).toString('hex');
  const database = `cms_e2e_${id}`;
  execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-c', `CREATE DATABASE ${database}`], { stdio: 'ignore' });
  const [apiPort, webPort, enginePort] = [await freePort(), await freePort(), await freePort()];
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const webUrl = `http://127.0.0.1:${webPort}`;
  const redisPrefix = `e2e${id}`;
  const engineId = `e2e-engine-${id}`;
  const adminEmail = 'admin@example.com';
  const adminPassword = `pw-${randomBytes(6).toString('hex')}`;
  const logs: string[] = [];
  const children: ChildProcess[] = [];
  const dump = () => logs.join('');

  const stop = async () => {
    for (const c of children.reverse()) await kill(c);
    try {
      execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-c', `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`], { stdio: 'ignore' });
    } catch {
      // best effort
    }
  };
  try {
    children.push(
      run('backend', TSX, ['src/server.ts'], join(ROOT, 'apps', 'cms-backend'), {
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: String(apiPort),
        DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${database}`,
        REDIS_URL: 'redis://127.0.0.1:6379',
        REDIS_PREFIX: redisPrefix,
        CORS_ORIGIN: webUrl,
        ADMIN_EMAIL: adminEmail,
        ADMIN_PASSWORD: adminPassword,
        LOG_LEVEL: 'warn',
        LOGIN_RATE_LIMIT_PER_MINUTE: '100',
      }, logs),
    );
    await waitFor('backend', async () => (await fetch(`${apiUrl}/api/system/health`)).status < 500, 60_000, dump);
    const engineMain = join(ROOT, 'apps', 'trading-engine', 'src', 'main.ts');
    if (existsSync(engineMain)) {
      // The engine runs the real trading kernel on venue market data: give it the exchange simulator.
      const simPort = await freePort();
      const simHttp = `http://127.0.0.1:${simPort}`;
      const simWs = `ws://127.0.0.1:${simPort}`;
      children.push(
        run('exchange-sim', TSX, ['src/main.ts'], join(ROOT, 'apps', 'exchange-sim'), {
          HOST: '127.0.0.1',
          PORT: String(simPort),
          LOG_LEVEL: 'warn',
        }, logs),
      );
      await waitFor('exchange-sim', async () => (await fetch(`${simHttp}/api/v5/public/instruments?instType=SWAP`)).status === 200, 60_000, dump);
      children.push(
        run('engine', TSX, ['src/main.ts'], join(ROOT, 'apps', 'trading-engine'), {
          ENGINE_ID: engineId,
          HOST: '127.0.0.1',
          PORT: String(enginePort),
          REDIS_URL: 'redis://127.0.0.1:6379',
          REDIS_PREFIX: redisPrefix,
          HEARTBEAT_MS: '1000',
          LOG_LEVEL: 'warn',
          OKX_REST_URL: simHttp,
          OKX_WS_PUBLIC_URL: `${simWs}/ws/v5/public`,
          OKX_WS_PRIVATE_URL: `${simWs}/ws/v5/private`,
          OKX_WS_BUSINESS_URL: `${simWs}/ws/v5/business`,
          POLYMARKET_CLOB_URL: `${simHttp}/polymarket`,
          POLYMARKET_WS_URL: `${simWs}/polymarket/ws`,
        }, logs),
      );
    }
    // The production build (npm test builds every workspace first); built here only when missing.
    const nextBin = join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
    if (!existsSync(join(FRONTEND_DIR, '.next', 'BUILD_ID'))) {
      execFileSync(process.execPath, [nextBin, 'build'], { cwd: FRONTEND_DIR, stdio: 'ignore', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
    }
    children.push(
      run('web', process.execPath, [nextBin, 'start', '-p', String(webPort), '-H', '127.0.0.1'], FRONTEND_DIR, {
        NEXT_PUBLIC_API_URL: apiUrl,
        CMS_BACKEND_URL: apiUrl,
        NEXTAUTH_URL: webUrl,
        NEXTAUTH_SECRET: `e2e-${id}-secret-0123456789abcdef`,
        NEXT_TELEMETRY_DISABLED: '1',
        NODE_ENV: 'production',
      }, logs),
    );
    await waitFor('dashboard', async () => (await fetch(`${webUrl}/login`)).status === 200, 120_000, dump);
  } catch (error) {
    await stop();
    throw error;
  }
  return { apiUrl, webUrl, adminEmail, adminPassword, engineId, redisPrefix, stop };
}

/** Direct API calls for test setup (users, a second-exchange bot). */
export async function api<T>(base: string, token: string | null, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return JSON.parse(text) as T;
}
