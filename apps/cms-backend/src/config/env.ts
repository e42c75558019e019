/**
 * Environment configuration, validated with zod once at start. A bad value stops the process with a message that
 * names the variable; nothing else in the app reads process.env.
 */
import { z } from 'zod';

const HEX_64 = /^[0-9a-fA-F]{64}$/;
// The offline demo key: 32 zero bytes. Only allowed outside production and announced loudly.
export const DEMO_ENCRYPTION_KEY = '0'.repeat(64);
export const DEMO_ADMIN_EMAIL = 'admin@example.com';
export const DEMO_ADMIN_PASSWORD = 'your-password';
const DEMO_JWT_SECRET = 'dev-only-jwt-secret-change-me-0123456789abcdef';

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3001),
    DATABASE_URL: z.url().optional(),
    DATA_DIR: z.string().min(1).default('./data'),
    REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
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
    LIST_COUNT_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  })
  .superRefine((env, ctx) => {
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
  listCountCacheMs: number;
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
    listCountCacheMs: env.LIST_COUNT_CACHE_MS,
  };
}
