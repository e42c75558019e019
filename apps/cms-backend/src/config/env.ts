/**
 * Environment configuration, validated with zod once at start. A bad value stops the process with a message that
 * names the variable; nothing else in the app reads process.env.
 */
import { z } from 'zod';
import { SENTINEL_LIST_PATTERN, parseSentinels, type SentinelAddress } from '@trading/shared-types';

const HEX_64 = /^[0-9a-fA-F]{64}$/;
// The offline demo key: 32 zero bytes. Only allowed outside production and announced loudly.
export const DEMO_ENCRYPTION_KEY = '0'.repeat(64);
export const DEMO_ADMIN_EMAIL = 'admin@example.com';
export const DEMO_ADMIN_PASSWORD = 'your-password';
const DEMO_JWT_SECRET = 'dev-only-jwt-secret-change-me-0123456789abcdef';

function validSentinels(list: string): boolean {
  try {
    return parseSentinels(list).length > 0;
  } catch {
    return false;
  }
}

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3001),
    DATABASE_URL: z.url().optional(),
    DATA_DIR: z.string().min(1).default('./data'),
    REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
    // Sentinel mode: every Redis connection asks these for the master REDIS_SENTINEL_MASTER (REDIS_URL then only
    // supplies credentials, db and TLS).
    REDIS_SENTINELS: z
      .string()
      .refine((v) => SENTINEL_LIST_PATTERN.test(v) && validSentinels(v), 'must be a comma list of host:port (port 1-65535)')
      .optional(),
    REDIS_SENTINEL_MASTER: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 _ . -').optional(),
    // Password of the Redis nodes and of the Sentinels; wins over a password in REDIS_URL.
    REDIS_PASSWORD: z
      .string()
      .optional()
      .transform((v) => (v === '' ? undefined : v)),
    // Prefix for every Redis key and BullMQ queue this process owns (tests isolate themselves with it).
    REDIS_PREFIX: z.string().regex(/^[a-z0-9_-]{0,32}$/).default(''),
    JWT_SECRET: z.string().min(32).optional(),
    JWT_ACCESS_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
    JWT_REFRESH_TTL_SECONDS: z.coerce.number().int().min(300).max(30 * 86_400).default(7 * 86_400),
    ENCRYPTION_KEY: z.string().regex(HEX_64, 'must be 64 hex characters (32 bytes)').optional(),
    // Comma list of retired keys still accepted for decryption during a rotation.
    ENCRYPTION_KEYS_PREVIOUS: z
      .string()
      .default('')
      .refine((v) => v === '' || v.split(',').every((k) => HEX_64.test(k.trim())), 'must be a comma list of 64-hex keys'),
    CORS_ORIGIN: z.string().min(1).default('http://localhost:3000'),
    ADMIN_EMAIL: z.email().optional(),
    ADMIN_PASSWORD: z.string().min(8).optional(),
    WORKERS: z.enum(['on', 'off']).default('on'),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(200),
    WORKER_INSTANCES: z.coerce.number().int().min(1).max(16).default(1),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(5),
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(6000),
    ENGINE_STALE_MS: z.coerce.number().int().min(1000).default(30_000),
    MARKETS_FILE: z.string().optional(),
    // GET /api/exchanges/:exchange/markets asks the venue's public REST (same variables as the engine; defaults:
    // the exchange simulator of `npm start`); MARKETS_SOURCE=static serves MARKETS_FILE / config/markets.json instead.
    OKX_REST_URL: z.url().default('http://127.0.0.1:8100'),
    POLYMARKET_CLOB_URL: z.url().default('http://127.0.0.1:8100/polymarket'),
    MARKETS_SOURCE: z.enum(['live', 'static']).default('live'),
    MARKETS_CACHE_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
    MARKETS_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
    LIST_COUNT_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
    // Max age of a cached list response; invalidation is by event, this only bounds staleness from writes that
    // bypass the API and the workers. 0 turns the response cache off.
    RESPONSE_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
    RESPONSE_CACHE_ENTRIES: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  })
  .superRefine((env, ctx) => {
    if ((env.REDIS_SENTINELS === undefined) !== (env.REDIS_SENTINEL_MASTER === undefined)) {
      const missing = env.REDIS_SENTINELS === undefined ? 'REDIS_SENTINELS' : 'REDIS_SENTINEL_MASTER';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'is required when the other of REDIS_SENTINELS / REDIS_SENTINEL_MASTER is set' });
    }
    if (env.NODE_ENV !== 'production') return;
    for (const key of ['JWT_SECRET', 'ENCRYPTION_KEY', 'ADMIN_PASSWORD'] as const) {
      if (env[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'is required in production' });
    }
  });

export interface AppConfig {
  nodeEnv: 'development' | 'test' | 'production';
  host: string;
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  redisUrl: string;
  /** REDIS_PASSWORD: overrides the URL's password, also sent to the Sentinels. */
  redisPassword: string | undefined;
  /** Sentinel mode (null: connect to redisUrl directly). */
  redisSentinel: { sentinels: SentinelAddress[]; name: string } | null;
  redisPrefix: string;
  jwtSecret: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  encryptionKey: string;
  previousEncryptionKeys: string[];
  corsOrigin: string[];
  adminEmail: string;
  adminPassword: string;
  /** Which defaults were used, so start-up can warn about each. */
  demoDefaults: string[];
  workers: boolean;
  workerConcurrency: number;
  workerInstances: number;
  logLevel: string;
  loginRateLimitPerMinute: number;
  rateLimitPerMinute: number;
  engineStaleMs: number;
  marketsFile: string | undefined;
  okxRestUrl: string;
  polymarketClobUrl: string;
  marketsSource: 'live' | 'static';
  marketsCacheMs: number;
  marketsTimeoutMs: number;
  listCountCacheMs: number;
  responseCacheMs: number;
  responseCacheEntries: number;
}

export class ConfigError extends Error {
  constructor(readonly variables: string[], message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function loadConfig(source: Record<string, string | undefined> = process.env): AppConfig {
  // Empty strings are "unset" (docker-compose writes VAR= for blanks).
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ variable: issue.path.join('.'), message: issue.message }));
    throw new ConfigError(
      issues.map((i) => i.variable),
      `invalid environment: ${issues.map((i) => `${i.variable} ${i.message}`).join('; ')}`,
    );
  }
  const env = parsed.data;
  const demoDefaults: string[] = [];
  if (env.JWT_SECRET === undefined) demoDefaults.push('JWT_SECRET');
  if (env.ENCRYPTION_KEY === undefined) demoDefaults.push('ENCRYPTION_KEY');
  if (env.ADMIN_PASSWORD === undefined) demoDefaults.push('ADMIN_PASSWORD');
  return {
    nodeEnv: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT,
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    redisUrl: env.REDIS_URL,
    redisPassword: env.REDIS_PASSWORD,
    redisSentinel:
      env.REDIS_SENTINELS !== undefined && env.REDIS_SENTINEL_MASTER !== undefined
        ? { sentinels: parseSentinels(env.REDIS_SENTINELS), name: env.REDIS_SENTINEL_MASTER }
        : null,
    redisPrefix: env.REDIS_PREFIX,
    jwtSecret: env.JWT_SECRET ?? DEMO_JWT_SECRET,
    accessTtlSeconds: env.JWT_ACCESS_TTL_SECONDS,
    refreshTtlSeconds: env.JWT_REFRESH_TTL_SECONDS,
    encryptionKey: (env.ENCRYPTION_KEY ?? DEMO_ENCRYPTION_KEY).toLowerCase(),
    previousEncryptionKeys: env.ENCRYPTION_KEYS_PREVIOUS.split(',')
      .map((k) => k.trim().toLowerCase())
      .filter((k) => k !== ''),
    corsOrigin: env.CORS_ORIGIN.split(',').map((o) => o.trim()),
    adminEmail: env.ADMIN_EMAIL ?? DEMO_ADMIN_EMAIL,
    adminPassword: env.ADMIN_PASSWORD ?? DEMO_ADMIN_PASSWORD,
    demoDefaults,
    workers: env.WORKERS === 'on',
    workerConcurrency: env.WORKER_CONCURRENCY,
    workerInstances: env.WORKER_INSTANCES,
    logLevel: env.LOG_LEVEL,
    loginRateLimitPerMinute: env.LOGIN_RATE_LIMIT_PER_MINUTE,
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    engineStaleMs: env.ENGINE_STALE_MS,
    marketsFile: env.MARKETS_FILE,
    okxRestUrl: env.OKX_REST_URL.replace(/\/+$/, ''),
    polymarketClobUrl: env.POLYMARKET_CLOB_URL.replace(/\/+$/, ''),
    marketsSource: env.MARKETS_SOURCE,
    marketsCacheMs: env.MARKETS_CACHE_MS,
    marketsTimeoutMs: env.MARKETS_TIMEOUT_MS,
    listCountCacheMs: env.LIST_COUNT_CACHE_MS,
    responseCacheMs: env.RESPONSE_CACHE_MS,
    responseCacheEntries: env.RESPONSE_CACHE_ENTRIES,
  };
}
