/**
 * Test harness: a fresh PostgreSQL schema per test file on the real server, a random Redis prefix (keys, queues,
 * channels), the app built exactly as in production, optional real listening on port 0, and log capture.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import pg from 'pg';
import { buildApp, startServices, type Built, type Services } from '../src/app.js';
import { loadConfig, type AppConfig } from '../src/config/env.js';
import type { AppContext } from '../src/context.js';
import type { Database } from '../src/db/client.js';

export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const ADMIN = { email: 'admin@example.com', password: 'your-password' };

export class LogCapture extends Writable {
  lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.lines.push(chunk.toString('utf8'));
    done();
  }
  text(): string {
    return this.lines.join('');
  }
}

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  /** The instance's cache-invalidation / token-revocation subscriber. */
  sync: Built['sync'];
  config: AppConfig;
  services: Services | null;
  logs: LogCapture;
  schema: string | null;
  baseUrl: string | null;
  close(): Promise<void>;
}

export interface TestAppOptions {
  listen?: boolean;
  /** Socket.IO relay + workers (needs services). */
  services?: boolean;
  workers?: boolean;
  env?: Record<string, string>;
  /** Use this database instead of a fresh PostgreSQL schema (PGlite tests). */
  db?: Database;
  logLevel?: string;
}

export async function createSchema(): Promise<string> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.end();
  return schema;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
}

export async function clearRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const prefix = `t${randomBytes(5).toString('hex')}`;
  const schema = options.db ? null : await createSchema();
  const config = loadConfig({
    NODE_ENV: 'test',
    ...(options.db ? {} : { DATABASE_URL: PG_URL }),
    REDIS_URL,
    REDIS_PREFIX: prefix,
    JWT_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: options.logLevel ?? 'info',
    LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
    RATE_LIMIT_PER_MINUTE: '1000000',
    // Exact totals right after writes: tests assert on them.
    LIST_COUNT_CACHE_MS: '0',
    ...(options.env ?? {}),
  });
  const logs = new LogCapture();
  const { app, ctx, sync } = await buildApp({ config, logStream: logs, ...(options.db ? { db: options.db } : {}), ...(schema ? { searchPath: schema } : {}) });
  const services = options.services ? await startServices(app, ctx, options.workers ?? false) : null;
  let baseUrl: string | null = null;
  if (options.listen) {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    baseUrl = `http://127.0.0.1:${address.port}`;
  }
  return {
    app,
    ctx,
    sync,
    config,
    services,
    logs,
    schema,
    baseUrl,
    async close() {
      await services?.close();
      await app.close();
      await clearRedisPrefix(prefix);
      if (schema) await dropSchema(schema);
    },
  };
}

/**
 * A second API instance on the same PostgreSQL schema and Redis prefix as `t` (two CMS replicas behind a load
 * balancer). Closing it leaves the shared schema and keys to `t`.
 */
export async function startPeerApp(t: TestApp, overrides: Partial<AppConfig> = {}): Promise<{ app: FastifyInstance; ctx: AppContext; sync: Built['sync']; close(): Promise<void> }> {
  const { app, ctx, sync } = await buildApp({ config: { ...t.config, ...overrides }, logStream: new LogCapture(), ...(t.schema ? { searchPath: t.schema } : { db: t.ctx.db }) });
  await app.ready();
  return { app, ctx, sync, close: () => app.close() };
}

export async function login(app: FastifyInstance, email = ADMIN.email, password = ADMIN.password): Promise<{ token: string; refreshToken: string }> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`login ${email}: ${res.statusCode} ${res.body}`);
  return res.json<{ token: string; refreshToken: string }>();
}

export async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, stepMs = 50): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > until) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** Put a live engine into the registry, as the engine-side bridge would. */
export async function registerEngine(
  ctx: AppContext,
  engineId: string,
  supportedExchanges: ('okx' | 'polymarket')[],
  load = 0,
): Promise<void> {
  const now = Date.now();
  const info = { engineId, host: '127.0.0.1', version: 'test', supportedExchanges, capacity: 10, load, status: 'online', botIds: [], startedAt: now, heartbeatAt: now };
  await ctx.redis.set(ctx.key(`te:engine:${engineId}`), JSON.stringify(info), 'EX', 30);
  await ctx.redis.zadd(ctx.key('te:registry'), now, engineId);
}
