/**
 * Reads the engine registry the engines maintain in Redis: zset te:registry (engineId → heartbeat ms) and
 * te:engine:<id> (EngineInfo JSON with a TTL). An engine is live when its info key exists and its heartbeat is
 * fresher than ENGINE_STALE_MS. Malformed entries are skipped, never trusted.
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
    if (!result.ok || result.value.engineId !== engineId) return;
    const heartbeatMs = Math.max(scores[i] ?? 0, result.value.heartbeatAt);
    entries.push({ info: result.value, heartbeatMs, live: now - heartbeatMs <= ctx.config.engineStaleMs && result.value.status !== 'offline' });
  });
  return entries;
}

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
