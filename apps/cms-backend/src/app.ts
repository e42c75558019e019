/**
 * The composition root: builds the context (config, database with migrations, Redis, command bus), the first
 * admin, and the Fastify app as a plugin tree (security headers, CORS, rate limit, validation from schemas/,
 * OpenAPI at /api/docs, auth, routes). Socket.IO and the event workers are started by startServices().
 */
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppConfig } from './config/env.js';
import type { AppContext } from './context.js';
import { openDatabase, type Database } from './db/client.js';
import { migrate } from './db/migrate.js';
import { loggerOptions, type LogStream } from './logger.js';
import { authPlugin } from './plugins/auth.js';
import { errorsPlugin } from './plugins/errors.js';
import { securityHeadersPlugin } from './plugins/security-headers.js';
import { metricsPlugin } from './plugins/metrics.js';
import { validationPlugin } from './plugins/validation.js';
import { startRealtime, type Realtime } from './realtime/socket-server.js';
import auditRoutes from './routes/api/audit/index.js';
import backtestRoutes from './routes/api/backtests/index.js';
import authRoutes from './routes/api/auth/index.js';
import botRoutes from './routes/api/bots/index.js';
import engineRoutes from './routes/api/engines/index.js';
import exchangeRoutes from './routes/api/exchanges/index.js';
import notificationRoutes from './routes/api/notifications/index.js';
import orderRoutes from './routes/api/orders/index.js';
import pnlRoutes from './routes/api/pnl/index.js';
import positionRoutes from './routes/api/positions/index.js';
import strategyRoutes from './routes/api/strategies/index.js';
import systemRoutes from './routes/api/system/index.js';
import tradeRoutes from './routes/api/trades/index.js';
import userRoutes from './routes/api/users/index.js';
import walletRoutes from './routes/api/wallets/index.js';
import { createRedis, prefixedKey } from './redis.js';
import { AuthCache } from './services/auth/auth-cache.js';
import { publishInvalidation, startLiveSync, type LiveSync } from './services/cache/live-sync.js';
import { CACHED_RESOURCES, ResponseCache } from './services/cache/response-cache.js';
import { createCommandBus } from './services/engines/command-bus.js';
import { ensureFirstAdmin } from './services/users/manage-users.js';
import { startBacktestWorker, type BacktestWorker } from './workers/backtest-worker.js';
import { startEventWorkers, type EventWorkers } from './workers/engine-events-worker.js';

export interface BuildOptions {
  config: AppConfig;
  /** Where log lines go (tests capture them); default stdout. */
  logStream?: LogStream;
  /** Reuse an open database (tests share one PGlite per file). */
  db?: Database;
  /** PostgreSQL schema to run in (tests). */
  searchPath?: string;
}

export interface Built {
  app: FastifyInstance;
  ctx: AppContext;
  /** The cache-invalidation / token-revocation subscriber of this instance. */
  sync: LiveSync;
}

/** API writes under these prefixes change no cached list (sessions, users, per-user notifications). */
const WRITES_WITHOUT_LIST_CHANGES = ['/api/auth/', '/api/users', '/api/notifications'];

export async function buildApp(options: BuildOptions): Promise<Built> {
  const { config } = options;
  const app = Fastify({
    logger: { ...loggerOptions(config.logLevel), ...(options.logStream ? { stream: options.logStream } : {}) },
    trustProxy: false,
    bodyLimit: 1_048_576,
    ajv: { customOptions: { strict: false } },
  });
  const db =
    options.db ??
    (await openDatabase({ url: config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir, searchPath: options.searchPath, poolSize: 20 }));
  await migrate(db);
  const redis = createRedis(config, { maxRetriesPerRequest: 3, lazyConnect: false });
  const commands = createCommandBus(redis, config.redisPrefix);
  const cache = new ResponseCache(config.responseCacheMs, config.responseCacheEntries);
  const authCache = new AuthCache();
  const ctx: AppContext = {
    config,
    db,
    redis,
    commands,
    log: app.log,
    cache,
    auth: authCache,
    key: (name: string) => prefixedKey(config.redisPrefix, name),
  };

  const sync = startLiveSync(ctx, cache, authCache);
  // Start with the caches on when Redis answers; if it does not, they stay bypassed until it does.
  await sync.waitLive(2000);

  if (await ensureFirstAdmin(ctx)) {
    app.log.info({ email: config.adminEmail }, 'created the first admin user');
  }
  if (config.demoDefaults.length > 0) {
    app.log.warn(
      { defaults: config.demoDefaults },
      `!!! OFFLINE DEMO DEFAULTS IN USE (${config.demoDefaults.join(', ')}): admin ${config.adminEmail} with the README password, a public JWT secret and an all-zero encryption key. Set them before real use. !!!`,
    );
  }

  await app.register(securityHeadersPlugin);
  await app.register(cors, { origin: config.corsOrigin, credentials: true });
  await app.register(rateLimit, {
    global: true,
    max: config.rateLimitPerMinute,
    timeWindow: '1 minute',
    errorResponseBuilder: () => ({ statusCode: 429, error: 'Too Many Requests', message: 'too many requests' }),
  });
  await app.register(errorsPlugin);
  await app.register(metricsPlugin);
  await app.register(validationPlugin);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Trading CMS API', version: '0.1.0', description: 'REST API of the CMS backend. Schemas come from schemas/ (JSON Schema draft-07).' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  await app.register(authPlugin, { ctx });

  // Any write through this instance's API drops the cached lists it may have changed, before the answer goes
  // out (so the writer's next read sees it), and tells the other instances. Conservative on purpose: writes are
  // rare next to reads, and a route added later invalidates everything by default.
  app.addHook('onSend', async (request, reply, payload) => {
    const method = request.method;
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return payload;
    const status = reply.statusCode;
    if (status === 401 || status === 403 || status === 429) return payload; // refused before any handler ran
    const path = request.url;
    if (WRITES_WITHOUT_LIST_CHANGES.some((p) => path.startsWith(p))) return payload;
    await publishInvalidation(ctx, CACHED_RESOURCES);
    return payload;
  });
  const routes: [string, (app: FastifyInstance, opts: { ctx: AppContext }) => void][] = [
    ['/api/auth', authRoutes],
    ['/api/users', userRoutes],
    ['/api/wallets', walletRoutes],
    ['/api/bots', botRoutes],
    ['/api/orders', orderRoutes],
    ['/api/trades', tradeRoutes],
    ['/api/positions', positionRoutes],
    ['/api/pnl', pnlRoutes],
    ['/api/notifications', notificationRoutes],
    ['/api/audit', auditRoutes],
    ['/api/backtests', backtestRoutes],
    ['/api/engines', engineRoutes],
    ['/api/exchanges', exchangeRoutes],
    ['/api/strategies', strategyRoutes],
    ['/api/system', systemRoutes],
  ];
  for (const [prefix, plugin] of routes) {
    await app.register(
      async (scope) => {
        plugin(scope, { ctx });
        await Promise.resolve();
      },
      { prefix },
    );
  }
  app.get('/metrics', { schema: { hide: true } as never }, async (_request, reply) => reply.redirect('/api/system/metrics'));

  app.addHook('onClose', async () => {
    await sync.close();
    await commands.close();
    redis.disconnect();
    if (!options.db) await db.close();
  });
  return { app, ctx, sync };
}

export interface Services {
  realtime: Realtime;
  workers: EventWorkers | null;
  /** Runs each backtest in a child process, so the API's event loop stays free. */
  backtests: BacktestWorker | null;
  close(): Promise<void>;
}

/** Socket.IO (needs app.server, so after ready) and, unless disabled, the in-process event workers. */
export async function startServices(app: FastifyInstance, ctx: AppContext, withWorkers: boolean): Promise<Services> {
  await app.ready();
  const realtime = await startRealtime(app, ctx);
  const workers = withWorkers ? startEventWorkers(ctx) : null;
  const backtests = withWorkers ? startBacktestWorker(ctx) : null;
  return {
    realtime,
    workers,
    backtests,
    async close() {
      await workers?.close();
      await backtests?.close();
      await realtime.close();
    },
  };
}
