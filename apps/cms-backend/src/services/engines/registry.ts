/**
 * Reads the engine registry the engines maintain in Redis: zset te:registry (engineId → heartbeat ms) and
 * te:engine:<id> (EngineInfo JSON with a TTL). An engine is live when its info key exists and its heartbeat is
 * fresher than ENGINE_STALE_MS. Malformed entries are skipped, never trusted.
 *
 * An engine reports its load only once a heartbeat, so a burst of starts would all see the same figures and land
 * on one engine. Every start the CMS sends is therefore also noted in te:recent-starts:<engineId> (shared by all
 * backend instances), and the starts newer than the engine's last heartbeat are added to its reported load.
 */
import { REDIS_KEYS, formatName, validate, type EngineInfo, type Exchange } from '@trading/shared-types';
import type { AppContext } from '../../context.js';

export interface RegistryEntry {
  info: EngineInfo;
  live: boolean;
  heartbeatMs: number;
}

export async function readRegistry(ctx: Pick<AppContext, 'redis' | 'key' | 'config'>): Promise<RegistryEntry[]> {
  const ids = await ctx.redis.zrange(ctx.key(REDIS_KEYS.engineRegistry), 0, -1, 'WITHSCORES');
  const entries: RegistryEntry[] = [];
  if (ids.length === 0) return entries;
  const names: string[] = [];
  const scores: number[] = [];
  for (let i = 0; i + 1 < ids.length; i += 2) {
    names.push(ids[i] ?? '');
    scores.push(Number(ids[i + 1]));
  }
  const infos = await ctx.redis.mget(...names.map((engineId) => ctx.key(formatName(REDIS_KEYS.engineInfo, { engineId }))));
  const now = Date.now();
  const valid: { info: EngineInfo; score: number }[] = [];
  names.forEach((engineId, i) => {
    const text = infos[i];
    if (typeof text !== 'string') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    const result = validate('EngineInfo', parsed);
    if (result.ok && result.value.engineId === engineId) valid.push({ info: result.value, score: scores[i] ?? 0 });
  });
  // The engine's load figure is as of its heartbeatAt: starts sent after that are not in it yet.
  const pipeline = ctx.redis.pipeline();
  for (const { info } of valid) pipeline.zcount(recentStartsKey(ctx, info.engineId), `(${String(info.heartbeatAt)}`, '+inf');
  const pending = ((await pipeline.exec()) ?? []).map(([error, count]) => (error === null && typeof count === 'number' ? count : 0));
  valid.forEach(({ info, score }, i) => {
    const heartbeatMs = Math.max(score, info.heartbeatAt);
    entries.push({ info: { ...info, load: info.load + (pending[i] ?? 0) }, heartbeatMs, live: now - heartbeatMs <= ctx.config.engineStaleMs && info.status !== 'offline' });
  });
  return entries;
}

function recentStartsKey(ctx: Pick<AppContext, 'key'>, engineId: string): string {
  return ctx.key(formatName(REDIS_KEYS.engineRecentStarts, { engineId }));
}

/**
 * Notes a start sent to an engine (see the header). Also counts it in `entries` at once, so a caller that assigns
 * several bots from one registry read spreads them too.
 */
export async function noteStart(ctx: Pick<AppContext, 'redis' | 'key'>, entries: RegistryEntry[] | null, engineId: string, botId: string): Promise<void> {
  const key = recentStartsKey(ctx, engineId);
  const now = Date.now();
  await ctx.redis
    .multi()
    .zadd(key, now, botId)
    .zremrangebyscore(key, '-inf', now - RECENT_STARTS_KEEP_MS)
    .pexpire(key, RECENT_STARTS_KEEP_MS)
    .exec();
  const entry = entries?.find((e) => e.info.engineId === engineId);
  if (entry) entry.info = { ...entry.info, load: entry.info.load + 1 };
}

/** Far longer than any heartbeat interval: older starts are in the engine's own load figure. */
const RECENT_STARTS_KEEP_MS = 120_000;

/** A live, non-draining engine that supports the exchange, least loaded first (load / capacity, then id). */
export function pickEngine(entries: RegistryEntry[], exchange: Exchange): EngineInfo | null {
  const candidates = entries
    .filter((e) => e.live && e.info.status === 'online' && e.info.supportedExchanges.includes(exchange))
    .filter((e) => e.info.capacity === 0 || e.info.load < e.info.capacity)
    .map((e) => e.info);
  candidates.sort((a, b) => {
    const ra = a.capacity > 0 ? a.load / a.capacity : a.load;
    const rb = b.capacity > 0 ? b.load / b.capacity : b.load;
    return ra - rb || a.load - b.load || a.engineId.localeCompare(b.engineId);
  });
  return candidates[0] ?? null;
}
