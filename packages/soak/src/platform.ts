/**
 * The whole platform on spare ports, as child processes the soak can kill and restart one by one: a private
 * redis-server (so "Redis stop" never touches the machine's Redis), a fresh PostgreSQL database, the simulator,
 * the backend API (WORKERS=off) and its BullMQ workers as separate processes, and two trading engines on the
 * real kernel. TypeScript entry points run through tsx so a soak always runs the current source.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { exited, signalGroup, spawnPart, waitHealthy } from '../../../scripts/lib/platform-kit.mjs';

export const REDIS_PREFIX = 'soak';
/** Shared by the backend (sealing wallet blobs) and the engines (opening them). A test key, not a secret. */
export const SOAK_ENCRYPTION_KEY = '5'.repeat(64);
export const ADMIN_EMAIL = 'soak@example.com';
export const ADMIN_PASSWORD = 'soak-password-1';

export function freePort(): Promise<number> {
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

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitExit(child: ChildProcess, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!exited(child) && Date.now() < deadline) await sleep(25);
}

export interface PlatformOptions {
  root: string;
  seed: number;
  logDir: string;
  /** Server URL without a database name, e.g. postgres://postgres@127.0.0.1:5432 */
  postgresUrl: string;
  /** Engine registry/lease timing: short so a failover fits in a short soak. */
  heartbeatMs: number;
  engineTtlMs: number;
  say: (line: string) => void;
}

type PartName = 'exchange-sim' | 'workers' | 'cms-backend' | 'engine-0' | 'engine-1';

export class Platform {
  readonly database: string;
  redisPort = 0;
  simPort = 0;
  backendPort = 0;
  enginePorts: [number, number] = [0, 0];
  private redis: ChildProcess | null = null;
  /** The private Redis's AOF folder, kept across its restarts (a kill -9 then loses at most ~1 s of writes). */
  private redisDir: string | null = null;
  private readonly children = new Map<PartName, ChildProcess>();
  private readonly generation = new Map<string, number>();

  constructor(private readonly options: PlatformOptions) {
    this.database = `soak_${options.seed}_${process.pid}_${Date.now().toString(36)}`;
    mkdirSync(options.logDir, { recursive: true });
  }

  get redisUrl(): string {
    return `redis://127.0.0.1:${this.redisPort}`;
  }
  get simUrl(): string {
    return `http://127.0.0.1:${this.simPort}`;
  }
  get apiUrl(): string {
    return `http://127.0.0.1:${this.backendPort}/api`;
  }
  get databaseUrl(): string {
    return `${this.options.postgresUrl}/${this.database}`;
  }
  engineId(index: number): string {
    return `soak-te-${index}`;
  }

  async start(): Promise<void> {
    this.redisPort = await freePort();
    this.simPort = await freePort();
    this.backendPort = await freePort();
    this.enginePorts = [await freePort(), await freePort()];
    await this.startRedis();
    await this.createDatabase();
    await this.startPart('exchange-sim');
    await this.startPart('cms-backend');
    await this.startPart('workers');
    await Promise.all([this.startPart('engine-0'), this.startPart('engine-1')]);
  }

  private logFd(name: string): number {
    const n = (this.generation.get(name) ?? 0) + 1;
    this.generation.set(name, n);
    return openSync(join(this.options.logDir, `${name}${n > 1 ? `.${n}` : ''}.log`), 'a');
  }

  async startRedis(): Promise<void> {
    const fd = this.logFd('redis');
    // As production (docker/database/redis/redis-entrypoint.sh): AOF with fsync every second, no RDB snapshots. The
    // fault stays a kill -9, so a restart loses what was written in the last second before it (the engines replay
    // their recent persisted events for that, docs/engine-service.md).
    this.redisDir ??= mkdtempSync(join(tmpdir(), 'soak-redis-'));
    const args = ['--port', String(this.redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec', '--dir', this.redisDir];
    this.redis = spawn('redis-server', args, {
      stdio: ['ignore', fd, fd],
      detached: true,
    });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (await this.redisAnswers()) return;
      await sleep(50);
    }
    throw new Error(`redis-server on port ${this.redisPort} did not answer`);
  }

  private redisAnswers(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect(this.redisPort, '127.0.0.1');
      socket.setTimeout(500);
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('+PONG'));
      });
      socket.once('error', () => {
        resolve(false);
      });
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
    });
  }

  /** SIGKILL of the private redis-server; resolves once it is gone. */
  async stopRedis(): Promise<void> {
    const redis = this.redis;
    if (!redis) return;
    signalGroup(redis, 'SIGKILL');
    await waitExit(redis, 5_000);
    this.redis = null;
  }

  private async createDatabase(): Promise<void> {
    const admin = new pg.Client({ connectionString: `${this.options.postgresUrl}/postgres` });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${this.database}`);
    } finally {
      await admin.end();
    }
  }

  async dropDatabase(): Promise<void> {
    const admin = new pg.Client({ connectionString: `${this.options.postgresUrl}/postgres` });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${this.database} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  }

  private sharedEnv(): NodeJS.ProcessEnv {
    const sim = `127.0.0.1:${this.simPort}`;
    return {
      ...process.env,
      NODE_ENV: 'development',
      // Quiet by default (a soak logs tens of thousands of events); SOAK_LOG_LEVEL=info to trace a failover.
      LOG_LEVEL: process.env.SOAK_LOG_LEVEL ?? 'warn',
      REDIS_URL: this.redisUrl,
      REDIS_PREFIX,
      ENCRYPTION_KEY: SOAK_ENCRYPTION_KEY,
      OKX_REST_URL: `http://${sim}`,
      OKX_WS_PUBLIC_URL: `ws://${sim}/ws/v5/public`,
      OKX_WS_PRIVATE_URL: `ws://${sim}/ws/v5/private`,
      OKX_WS_BUSINESS_URL: `ws://${sim}/ws/v5/business`,
      POLYMARKET_CLOB_URL: `http://${sim}/polymarket`,
      POLYMARKET_WS_URL: `ws://${sim}/polymarket/ws`,
    };
  }

  private partSpec(name: PartName): { cwd: string; entry: string; env: NodeJS.ProcessEnv; health: string | null } {
    const root = this.options.root;
    switch (name) {
      case 'exchange-sim':
        return { cwd: join(root, 'apps/exchange-sim'), entry: 'src/main.ts', env: { PORT: String(this.simPort), SEED: String(this.options.seed) }, health: `${this.simUrl}/health` };
      case 'cms-backend':
      case 'workers':
        return {
          cwd: join(root, 'apps/cms-backend'),
          entry: name === 'workers' ? 'src/worker.ts' : 'src/server.ts',
          env: {
            HOST: '127.0.0.1',
            PORT: String(this.backendPort),
            DATABASE_URL: this.databaseUrl,
            WORKERS: 'off',
            ADMIN_EMAIL,
            ADMIN_PASSWORD,
            JWT_SECRET: 'soak-jwt-secret-0123456789abcdef0123456789',
            LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
            RATE_LIMIT_PER_MINUTE: '100000',
            ENGINE_STALE_MS: String(Math.max(1_000, this.options.engineTtlMs)),
          },
          health: name === 'workers' ? null : `${this.apiUrl}/system/health`,
        };
      case 'engine-0':
      case 'engine-1': {
        const index = name === 'engine-0' ? 0 : 1;
        return {
          cwd: join(root, 'apps/trading-engine'),
          entry: 'src/main.ts',
          env: {
            ENGINE_ID: this.engineId(index),
            HOST: '127.0.0.1',
            PORT: String(this.enginePorts[index]),
            ENGINE_KERNEL: 'real',
            HEARTBEAT_MS: String(this.options.heartbeatMs),
            ENGINE_TTL_MS: String(this.options.engineTtlMs),
            LEASE_TTL_MS: String(this.options.engineTtlMs),
            AUTO_RESUME_AFTER_REDIS: 'true',
          },
          health: `http://127.0.0.1:${this.enginePorts[index]}/health`,
        };
      }
    }
  }

  /** Starts a part and waits for its health URL (the workers have none: started is enough). */
  async startPart(name: PartName): Promise<number> {
    const spec = this.partSpec(name);
    const fd = this.logFd(name);
    const started = Date.now();
    const child = spawnPart({
      root: this.options.root,
      cwd: spec.cwd,
      args: ['--import', 'tsx', spec.entry],
      env: { ...this.sharedEnv(), ...spec.env },
      stdio: ['ignore', fd, fd],
    });
    this.children.set(name, child);
    if (spec.health !== null && !(await waitHealthy(spec.health, 120, () => exited(child)))) {
      throw new Error(`${name} did not become healthy at ${spec.health} (log in ${this.options.logDir})`);
    }
    return Date.now() - started;
  }

  /** SIGKILL (engine faults) or SIGTERM (graceful restarts); resolves once the process is gone. */
  async stopPart(name: PartName, signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    const child = this.children.get(name);
    if (!child) return;
    signalGroup(child, signal);
    await waitExit(child, 15_000);
    if (!exited(child)) {
      signalGroup(child, 'SIGKILL');
      await waitExit(child, 5_000);
    }
    this.children.delete(name);
  }

  /** Parts that exited without being asked to (the soak reports them). */
  crashed(): PartName[] {
    return [...this.children.entries()].filter(([, child]) => exited(child)).map(([name]) => name);
  }

  async close(): Promise<void> {
    const order: PartName[] = ['engine-0', 'engine-1', 'workers', 'cms-backend', 'exchange-sim'];
    for (const name of order) await this.stopPart(name, 'SIGTERM');
    await this.stopRedis();
    if (this.redisDir) rmSync(this.redisDir, { recursive: true, force: true });
    this.redisDir = null;
  }
}
