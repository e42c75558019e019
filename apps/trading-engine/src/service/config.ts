/**
 * Engine service configuration: every setting comes from the environment and is validated with zod at start. A bad
 * value stops the process with the variable named ("CAPACITY: expected a whole number ≥ 0").
 */
import { hostname } from 'node:os';
import { z } from 'zod';
import { KEY_HEX_RE } from '@trading/credentials';
import type { Exchange } from '@trading/shared-types';

const EXCHANGES = ['okx', 'polymarket'] as const satisfies readonly Exchange[];

/** The CMS's offline demo key (32 zero bytes): used outside production when ENCRYPTION_KEY is unset, as the CMS does. */
export const DEMO_ENCRYPTION_KEY = '0'.repeat(64);

/** The kernel when ENGINE_KERNEL is unset. */
export const DEFAULT_KERNEL: 'real' | 'standalone' = 'real';

const int = (min: number) => z.coerce.number().int().min(min);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');
const wsOrHttp = (protocols: readonly string[]) =>
  z.url().refine((value) => protocols.some((p) => value.startsWith(`${p}://`)), {
    message: `must start with ${protocols.join(' or ')}://`,
  });

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    ENGINE_ID: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{0,64}$/, 'must be 1-64 of A-Z a-z 0-9 _ . -')
      .default(''),
    HOST: z.string().default('127.0.0.1'),
    PORT: int(0).max(65_535).default(3010),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .default('redis://127.0.0.1:6379'),
    REDIS_SENTINELS: z
      .string()
      .regex(/^(\s*[^\s,:]+:\d{1,5}\s*)(,\s*[^\s,:]+:\d{1,5}\s*)*$/, 'must be a comma list of host:port')
      .optional(),
    REDIS_SENTINEL_MASTER: z.string().min(1).optional(),
    REDIS_PASSWORD: z.string().optional(),
    REDIS_PREFIX: z
      .string()
      .regex(/^[a-z0-9_-]{0,32}$/, 'must be 0-32 of a-z 0-9 _ -')
      .default(''),
    SUPPORTED_EXCHANGES: z
      .string()
      .default(EXCHANGES.join(','))
      .transform((value) =>
        value
          .split(',')
          .map((part) => part.trim())
          .filter((part) => part !== ''),
      )
      .pipe(z.array(z.enum(EXCHANGES)).min(1, 'needs at least one exchange')),
    CAPACITY: int(0).default(100),
    COMMAND_CONCURRENCY: int(1).default(8),
    COMMAND_GAP_TIMEOUT_MS: int(0).default(3_000),
    HEARTBEAT_MS: int(100).default(2_000),
    ENGINE_TTL_MS: int(300).default(10_000),
    LEASE_TTL_MS: int(300).default(10_000),
    REDIS_PING_MS: int(50).default(200),
    EVENT_BUFFER_MAX: int(100).default(100_000),
    EVENT_REPLAY_WINDOW_MS: int(0).default(10_000),
    EVENT_REPLAY_MAX: int(0).default(20_000),
    REDIS_PING_FAILURES: int(1).default(2),
    ENCRYPTION_KEY: z.string().regex(KEY_HEX_RE, 'must be 64 hex characters (32 bytes)').optional(),
    // Comma list of retired keys still accepted for decryption during a rotation (same variable as the CMS).
    ENCRYPTION_KEYS_PREVIOUS: z
      .string()
      .default('')
      .refine(
        (value) => value === '' || value.split(',').every((key) => KEY_HEX_RE.test(key.trim())),
        'must be a comma list of 64-hex keys',
      ),
    AUTO_RESUME_AFTER_REDIS: bool.default(false),
    // The paper matcher's queue-position model for paper bots (docs/paper-trading.md: 'power' with the venue's order
    // counts is the model measured closest to the simulator's own matching; 'ahead' is the backtests' default).
    PAPER_QUEUE_MODEL: z.enum(['ahead', 'power', 'log']).default('power'),
    PAPER_QUEUE_EXPONENT: z.coerce.number().positive().max(10).default(2),
    // Least time between two reads of a live OKX account's funding bills after balance pushes (OKX pushes no
    // funding event; the bills endpoint allows 5 requests/s).
    OKX_FUNDING_READ_MS: int(100).default(60_000),
    OKX_REST_URL: wsOrHttp(['http', 'https']).default('http://127.0.0.1:8100'),
    OKX_WS_PUBLIC_URL: wsOrHttp(['ws', 'wss']).default('ws://127.0.0.1:8100/ws/v5/public'),
    OKX_WS_PRIVATE_URL: wsOrHttp(['ws', 'wss']).default('ws://127.0.0.1:8100/ws/v5/private'),
    OKX_WS_BUSINESS_URL: wsOrHttp(['ws', 'wss']).default('ws://127.0.0.1:8100/ws/v5/business'),
    POLYMARKET_CLOB_URL: wsOrHttp(['http', 'https']).default('http://127.0.0.1:8100/polymarket'),
    POLYMARKET_WS_URL: wsOrHttp(['ws', 'wss']).default('ws://127.0.0.1:8100/polymarket/ws'),
    ENGINE_KERNEL: z.enum(['real', 'standalone']).default(DEFAULT_KERNEL),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((env, ctx) => {
    if (env.REDIS_SENTINELS !== undefined && env.REDIS_SENTINEL_MASTER === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_SENTINEL_MASTER'],
        message: 'is required when REDIS_SENTINELS is set',
      });
    }
    if (env.LEASE_TTL_MS > env.ENGINE_TTL_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['LEASE_TTL_MS'],
        message: 'must not exceed ENGINE_TTL_MS (a dead engine must lose its leases first)',
      });
    }
    if (env.HEARTBEAT_MS * 2 > env.ENGINE_TTL_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['HEARTBEAT_MS'],
        message: 'must be at most half of ENGINE_TTL_MS',
      });
    }
  });

export interface SentinelSettings {
  sentinels: { host: string; port: number }[];
  name: string;
}

export interface EngineConfig {
  engineId: string;
  host: string;
  port: number;
  redisUrl: string;
  sentinel: SentinelSettings | null;
  redisPassword: string | undefined;
  redisPrefix: string;
  supportedExchanges: Exchange[];
  capacity: number;
  /** Commands executed at once: one bot's in order, different bots' side by side (adoptions after a failover). */
  commandConcurrency?: number;
  /** The longest a bot's command waits for its missing predecessor in the bot's sequence (default 3 s). */
  commandGapTimeoutMs?: number;
  /** Period of the reaper's slow sweep over every assignment (default 30 s; tests lengthen it). */
  reaperFullSweepMs?: number;
  heartbeatMs: number;
  engineTtlMs: number;
  leaseTtlMs: number;
  redisPingMs: number;
  eventBufferMax: number;
  /** Persisted events re-enqueued after a Redis loss: the last this many ms of them (0 = off). */
  eventReplayWindowMs?: number;
  /** At most this many events in the replay window. */
  eventReplayMax?: number;
  /** Consecutive unanswered pings before fail-closed (a socket close/error closes the gate at once). */
  redisPingFailures?: number;
  /**
   * Keys that open live bots' encryptedCredentials: ENCRYPTION_KEY (or, outside production, the CMS's demo key when
   * it is unset) first, then ENCRYPTION_KEYS_PREVIOUS. Empty in production without ENCRYPTION_KEY: live starts are
   * refused. The blob names the key that sealed it, so order only matters for readability.
   */
  encryptionKeys: string[];
  /** ENCRYPTION_KEY was unset and the demo key is used (main.ts warns). */
  demoEncryptionKey: boolean;
  autoResumeAfterRedis: boolean;
  /** Paper bots' queue-position model (MatchingConfig.queueModel / queueExponent). */
  paperQueue: { model: 'ahead' | 'power' | 'log'; exponent: number };
  /** Least time between two funding-bill reads of a live OKX account (docs/engine-service.md, "Funding"). */
  okxFundingReadMs: number;
  endpoints: {
    okxRestUrl: string;
    okxWsPublicUrl: string;
    okxWsPrivateUrl: string;
    okxWsBusinessUrl: string;
    polymarketClobUrl: string;
    polymarketWsUrl: string;
  };
  /** `real`: the trading kernel on the venue adapters; `standalone`: the stand-in paper kernel (no venue). */
  kernel: 'real' | 'standalone';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid engine configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Empty strings mean "unset" (compose files pass `VAR=` for optional values). */
function present(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined && value !== '') out[key] = value;
  return out;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): EngineConfig {
  const parsed = EnvSchema.safeParse(present(env));
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(env)'}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  const sentinel: SentinelSettings | null =
    e.REDIS_SENTINELS !== undefined && e.REDIS_SENTINEL_MASTER !== undefined
      ? {
          name: e.REDIS_SENTINEL_MASTER,
          sentinels: e.REDIS_SENTINELS.split(',').map((entry) => {
            const [host = '', port = '0'] = entry.trim().split(':');
            return { host, port: Number(port) };
          }),
        }
      : null;
  // Compose replicas leave ENGINE_ID empty and take the container hostname (unique per replica).
  const fallbackId = `te-${
    hostname()
      .replace(/[^A-Za-z0-9_.-]/g, '')
      .slice(0, 60) || 'engine'
  }`;
  return {
    engineId: e.ENGINE_ID === '' ? fallbackId : e.ENGINE_ID,
    host: e.HOST,
    port: e.PORT,
    redisUrl: e.REDIS_URL,
    sentinel,
    redisPassword: e.REDIS_PASSWORD,
    redisPrefix: e.REDIS_PREFIX,
    supportedExchanges: [...new Set(e.SUPPORTED_EXCHANGES)],
    capacity: e.CAPACITY,
    commandConcurrency: e.COMMAND_CONCURRENCY,
    commandGapTimeoutMs: e.COMMAND_GAP_TIMEOUT_MS,
    heartbeatMs: e.HEARTBEAT_MS,
    engineTtlMs: e.ENGINE_TTL_MS,
    leaseTtlMs: e.LEASE_TTL_MS,
    redisPingMs: e.REDIS_PING_MS,
    eventBufferMax: e.EVENT_BUFFER_MAX,
    eventReplayWindowMs: e.EVENT_REPLAY_WINDOW_MS,
    eventReplayMax: e.EVENT_REPLAY_MAX,
    redisPingFailures: e.REDIS_PING_FAILURES,
    encryptionKeys: [
      ...(e.ENCRYPTION_KEY !== undefined
        ? [e.ENCRYPTION_KEY.toLowerCase()]
        : e.NODE_ENV === 'production'
          ? []
          : [DEMO_ENCRYPTION_KEY]),
      ...e.ENCRYPTION_KEYS_PREVIOUS.split(',')
        .map((key) => key.trim().toLowerCase())
        .filter((key) => key !== ''),
    ],
    demoEncryptionKey: e.ENCRYPTION_KEY === undefined && e.NODE_ENV !== 'production',
    autoResumeAfterRedis: e.AUTO_RESUME_AFTER_REDIS,
    paperQueue: { model: e.PAPER_QUEUE_MODEL, exponent: e.PAPER_QUEUE_EXPONENT },
    okxFundingReadMs: e.OKX_FUNDING_READ_MS,
    endpoints: {
      okxRestUrl: e.OKX_REST_URL,
      okxWsPublicUrl: e.OKX_WS_PUBLIC_URL,
      okxWsPrivateUrl: e.OKX_WS_PRIVATE_URL,
      okxWsBusinessUrl: e.OKX_WS_BUSINESS_URL,
      polymarketClobUrl: e.POLYMARKET_CLOB_URL,
      polymarketWsUrl: e.POLYMARKET_WS_URL,
    },
    kernel: e.ENGINE_KERNEL,
    logLevel: e.LOG_LEVEL,
  };
}
