/**
 * The engine registry in Redis: zset `te:registry` (engineId → last heartbeat ms) and `te:engine:<id>` (EngineInfo
 * JSON, TTL = ENGINE_TTL_MS). Each heartbeat rewrites both; an engine whose info key expired or whose score is
 * older than the TTL is dead. Any number of engines share the registry.
 */
import type { Redis } from 'ioredis';
import {
  REDIS_KEYS,
  formatName,
  validate,
  type EngineInfo,
  type EngineStatus,
  type Exchange,
} from '@trading/shared-types';
import type { KeySpace } from './redis-connection.js';

export interface LiveEngine {
  info: EngineInfo;
  heartbeatMs: number;
}

export class EngineRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly keys: KeySpace,
    private readonly ttlMs: number,
  ) {}

  private infoKey(engineId: string): string {
    return this.keys.key(formatName(REDIS_KEYS.engineInfo, { engineId }));
  }

  private get zsetKey(): string {
    return this.keys.key(REDIS_KEYS.engineRegistry);
  }

  async write(info: EngineInfo): Promise<void> {
    await this.redis
      .multi()
      .set(this.infoKey(info.engineId), JSON.stringify(info), 'PX', this.ttlMs)
      .zadd(this.zsetKey, info.heartbeatAt, info.engineId)
      .exec();
  }

  async remove(engineId: string): Promise<void> {
    await this.redis.multi().del(this.infoKey(engineId)).zrem(this.zsetKey, engineId).exec();
  }

  /** Every registered engine, live or not, with its info when the info key still exists. */
  async read(now = Date.now()): Promise<{ live: LiveEngine[]; dead: string[] }> {
    const flat = await this.redis.zrange(this.zsetKey, 0, -1, 'WITHSCORES');
    const ids: string[] = [];
    const scores: number[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      ids.push(flat[i] ?? '');
      scores.push(Number(flat[i + 1]));
    }
    if (ids.length === 0) return { live: [], dead: [] };
    const texts = await this.redis.mget(...ids.map((id) => this.infoKey(id)));
    const live: LiveEngine[] = [];
    const dead: string[] = [];
    ids.forEach((engineId, index) => {
      const score = scores[index] ?? 0;
      const info = parseInfo(texts[index] ?? null);
      if (info?.engineId === engineId && now - score <= this.ttlMs && info.status !== 'offline')
        live.push({ info, heartbeatMs: score });
      else if (now - score > this.ttlMs || info === null) dead.push(engineId);
    });
    return { live, dead };
  }
}

function parseInfo(text: string | null): EngineInfo | null {
  if (text === null) return null;
  try {
    const result = validate('EngineInfo', JSON.parse(text));
    return result.ok ? result.value : null;
  } catch {
    return null;
  }
}

/** Live, online engines that support the exchange and have room, least loaded (load / capacity) first. */
export function rankEngines(
  engines: readonly LiveEngine[],
  exchange: Exchange,
  extraLoad: ReadonlyMap<string, number> = new Map(),
): EngineInfo[] {
  const load = (info: EngineInfo) => info.load + (extraLoad.get(info.engineId) ?? 0);
  return engines
    .map((engine) => engine.info)
    .filter(
      (info) =>
        info.status === ('online' satisfies EngineStatus) && info.supportedExchanges.includes(exchange),
    )
    .filter((info) => info.capacity === 0 || load(info) < info.capacity)
    .sort((a, b) => {
      const ra = a.capacity > 0 ? load(a) / a.capacity : load(a);
      const rb = b.capacity > 0 ? load(b) / b.capacity : load(b);
      return ra - rb || load(a) - load(b) || a.engineId.localeCompare(b.engineId);
    });
}
