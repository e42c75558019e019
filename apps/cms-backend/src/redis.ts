/**
 * Every ioredis connection of the backend (API, Socket.IO adapter and relay, BullMQ, workers, cache sync) is
 * made here, so REDIS_URL or REDIS_SENTINELS + REDIS_SENTINEL_MASTER apply to all of them alike.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { redisConnectionOptions } from '@trading/shared-types';
import type { AppConfig } from './config/env.js';

/** A Redis key or channel name under the deployment's prefix (REDIS_PREFIX, shared with the engines; '' = none). */
export function prefixedKey(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}:${name}`;
}

export type RedisConfig = Pick<AppConfig, 'redisUrl' | 'redisSentinel' | 'redisPassword'>;

export function redisOptions(config: RedisConfig, extra: Partial<RedisOptions> = {}): RedisOptions {
  return {
    ...redisConnectionOptions({ url: config.redisUrl, sentinels: config.redisSentinel?.sentinels ?? null, sentinelName: config.redisSentinel?.name ?? null, password: config.redisPassword }),
    ...extra,
  };
}

export function createRedis(config: RedisConfig, extra: Partial<RedisOptions> = {}): Redis {
  return new Redis(redisOptions(config, extra));
}
