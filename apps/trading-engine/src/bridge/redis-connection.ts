/**
 * Redis connections of the engine: a URL or a Sentinel list + master name (ioredis follows a Sentinel failover).
 * Commands never queue while disconnected (enableOfflineQueue: false): a call fails at once, so fail-closed
 * decisions are never delayed by a hidden queue. Key and queue names get the deployment's REDIS_PREFIX.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { EngineConfig } from '../service/config.js';

export type RedisSettings = Pick<EngineConfig, 'redisUrl' | 'sentinel' | 'redisPassword' | 'redisPrefix'>;

export function redisOptions(settings: RedisSettings, extra: Partial<RedisOptions> = {}): RedisOptions {
  const base: RedisOptions = {
    // Reconnect fast: fail-closed ends as soon as Redis answers again.
    retryStrategy: (attempt) => Math.min(100 * attempt, 1000),
    connectTimeout: 2000,
    lazyConnect: false,
    ...extra,
  };
  if (settings.sentinel) {
    return {
      ...base,
      sentinels: settings.sentinel.sentinels,
      name: settings.sentinel.name,
      ...(settings.redisPassword !== undefined
        ? { password: settings.redisPassword, sentinelPassword: settings.redisPassword }
        : {}),
    };
  }
  const url = new URL(settings.redisUrl);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  const password =
    settings.redisPassword ?? (url.password !== '' ? decodeURIComponent(url.password) : undefined);
  return {
    ...base,
    host: url.hostname,
    port: url.port === '' ? 6379 : Number(url.port),
    db: Number.isInteger(db) ? db : 0,
    ...(url.username !== '' ? { username: decodeURIComponent(url.username) } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

export function createRedis(settings: RedisSettings, extra: Partial<RedisOptions> = {}): Redis {
  return new Redis(redisOptions(settings, { enableOfflineQueue: false, maxRetriesPerRequest: 1, ...extra }));
}

/** Same prefix rule as the CMS (apps/cms-backend context.key / bullPrefix). */
export class KeySpace {
  constructor(readonly prefix: string) {}
  key(name: string): string {
    return this.prefix === '' ? name : `${this.prefix}:${name}`;
  }
  get bullPrefix(): string {
    return this.prefix === '' ? 'bull' : `${this.prefix}:bull`;
  }
}
