/**
 * The Redis side of the per-instance caches: one subscriber connection per API instance on
 *  - REDIS_CHANNELS.cacheInvalidate: a comma list of resource names ("orders,fills"); drops those list entries;
 *  - REDIS_CHANNELS.tokenRevoked: an access-token id; adds it to the revocation set.
 * Both caches are live only between a confirmed SUBSCRIBE (plus, for revocations, a load of the Redis denylist)
 * and the next connection loss; while not live, lists read PostgreSQL and tokens are checked against Redis.
 * Writers call publishInvalidation() after their transaction committed.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { REDIS_CHANNELS } from '@trading/shared-types';
import type { AppContext } from '../../context.js';
import { createRedis } from '../../redis.js';
import type { AuthCache } from '../auth/auth-cache.js';
import { CACHED_RESOURCES, isCachedResource, type CachedResource, type ResponseCache } from './response-cache.js';

export const denylistPattern = (ctx: Pick<AppContext, 'key'>) => ctx.key('cms:deny:*');

/**
 * Drops the resources from this instance's cache (at once, before the caller answers) and tells every other
 * instance. A failed publish is logged, not thrown: the write itself has committed; instances that cannot hear
 * Redis bypass their caches, and the max age bounds the rest.
 */
export async function publishInvalidation(
  ctx: Pick<AppContext, 'redis' | 'key' | 'cache' | 'log'>,
  resources: readonly CachedResource[],
): Promise<void> {
  if (resources.length === 0) return;
  ctx.cache?.invalidate(resources);
  try {
    await ctx.redis.publish(ctx.key(REDIS_CHANNELS.cacheInvalidate), resources.join(','));
  } catch (error) {
    ctx.log.warn({ error: error instanceof Error ? error.message : String(error), resources }, 'cache invalidation publish failed');
  }
}

export interface LiveSync {
  /** The subscriber connection (tests cut it to prove the fail-safe). */
  subscriber: Redis;
  /** Its CLIENT SETNAME, unique per instance (operators find it in CLIENT LIST). */
  connectionName: string;
  /** Resolves when the caches first turn on (or after timeoutMs, then they stay bypassed until subscribed). */
  waitLive(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export function startLiveSync(ctx: AppContext, cache: ResponseCache, auth: AuthCache): LiveSync {
  const invalidateChannel = ctx.key(REDIS_CHANNELS.cacheInvalidate);
  const revokedChannel = ctx.key(REDIS_CHANNELS.tokenRevoked);
  // Resubscription is done by hand on 'ready' so the caches turn on only after SUBSCRIBE is confirmed.
  const connectionName = ctx.key(`cms-cache-sync-${randomBytes(4).toString('hex')}`);
  const subscriber = createRedis(ctx.config, { autoResubscribe: false, maxRetriesPerRequest: null, connectionName });
  let closed = false;
  let epoch = 0;

  const off = () => {
    epoch += 1;
    cache.setLive(false);
    auth.setLive(false);
  };

  subscriber.on('message', (channel: string, message: string) => {
    if (channel === invalidateChannel) {
      const parts = message.split(',');
      const names = parts.filter(isCachedResource);
      // An unknown name (a newer writer) drops everything rather than nothing.
      cache.invalidate(names.length === parts.length ? names : CACHED_RESOURCES);
    } else if (channel === revokedChannel) {
      auth.revoke(message, Date.now() + ctx.config.accessTtlSeconds * 1000);
    }
  });
  subscriber.on('close', off);
  subscriber.on('end', off);
  subscriber.on('error', (error: Error) => {
    ctx.log.warn({ error: error.message }, 'cache sync subscriber error; caches bypassed until it resubscribes');
  });
  subscriber.on('ready', () => {
    const mine = epoch;
    (async () => {
      await subscriber.subscribe(invalidateChannel, revokedChannel);
      const revoked = await loadDenylist(ctx);
      if (closed || mine !== epoch) return; // lost again meanwhile: the next 'ready' starts over
      auth.addRevoked(revoked);
      cache.setLive(true);
      auth.setLive(true);
    })().catch((error: unknown) => {
      ctx.log.warn({ error: error instanceof Error ? error.message : String(error) }, 'cache sync subscribe failed; caches bypassed');
    });
  });

  return {
    subscriber,
    connectionName,
    waitLive(timeoutMs: number) {
      if (cache.enabled || auth.live) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          stop();
          resolve(false);
        }, timeoutMs);
        const stop = cache.onLiveChange((live) => {
          if (!live) return;
          clearTimeout(timer);
          stop();
          resolve(true);
        });
      });
    },
    async close() {
      closed = true;
      off();
      subscriber.disconnect();
      await Promise.resolve();
    },
  };
}

/** Every denylisted jti with the end of its entry, by SCAN (the denylist holds at most one key per logout). */
async function loadDenylist(ctx: AppContext): Promise<[string, number][]> {
  const pattern = denylistPattern(ctx);
  const prefixLength = pattern.length - 1;
  const out: [string, number][] = [];
  let cursor = '0';
  do {
    const [next, keys] = await ctx.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) {
      const pipeline = ctx.redis.pipeline();
      for (const key of keys) pipeline.pttl(key);
      const ttls = (await pipeline.exec()) ?? [];
      const now = Date.now();
      keys.forEach((key, i) => {
        const ttl = ttls[i]?.[1];
        // -1 (no expiry) should not happen; keep such an entry for a full token lifetime.
        const until = typeof ttl === 'number' && ttl > 0 ? now + ttl : now + ctx.config.accessTtlSeconds * 1000;
        if (ttl !== -2) out.push([key.slice(prefixLength), until]);
      });
    }
  } while (cursor !== '0');
  return out;
}
