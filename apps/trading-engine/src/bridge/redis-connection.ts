/**
 * Redis connections of the engine: a URL or a Sentinel list + master name (ioredis follows a Sentinel failover).
 * Commands never queue while disconnected (enableOfflineQueue: false): a call fails at once, so fail-closed
 * decisions are never delayed by a hidden queue. Key and queue names get the deployment's REDIS_PREFIX.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { redisConnectionOptions } from '@trading/shared-types';
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
  // URL / Sentinel → host, port, db, auth, TLS: the same helper as the CMS backend (@trading/shared-types).
  return {
    ...base,
    ...redisConnectionOptions({
      url: settings.redisUrl,
      sentinels: settings.sentinel?.sentinels ?? null,
      sentinelName: settings.sentinel?.name ?? null,
      password: settings.redisPassword,
    }),
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
