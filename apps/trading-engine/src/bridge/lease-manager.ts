/**
 * Bot leases with fencing tokens. A bot is owned by exactly one engine: `te:lease:bot:<id>` = "<engineId>|<fence>"
 * set NX with a TTL (PX), the fence coming from INCR `te:fence:bot:<id>` so every new owner gets a larger token.
 * The owner renews every TTL/3; the order gate asks `canTrade(botId, fence)` on every order, which holds only while
 * the last successful renewal is younger than the TTL minus a safety margin and the token is the current one. A
 * renewal that finds another value means the lease is lost: `onLost` fires before anything else happens to the bot.
 */
import type { Redis } from 'ioredis';
import { REDIS_KEYS, formatName } from '@trading/shared-types';
import type { KeySpace } from './redis-connection.js';

const ACQUIRE = `
local cur = redis.call('GET', KEYS[1])
if cur then
  local owner, f = string.match(cur, '^(.*)|(%d+)$')
  if owner == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return {tonumber(f), cur}
  end
  return {-1, cur}
end
local f = redis.call('INCR', KEYS[2])
-- A Redis that lost its data restarts the counter: never hand out a token at or below one already used.
if f < tonumber(ARGV[3]) then
  f = tonumber(ARGV[3])
  redis.call('SET', KEYS[2], f)
end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. f, 'PX', ARGV[2])
return {f, ARGV[1] .. '|' .. f}
`;
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

interface Held {
  fence: number;
  validUntil: number;
}

export type AcquireResult = { ok: true; fence: number } | { ok: false; holder: string };

export class LeaseManager {
  private readonly held = new Map<string, Held>();
  private timer: NodeJS.Timeout | null = null;
  private renewing = false;
  private suspended = false;
  private readonly marginMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly keys: KeySpace,
    private readonly engineId: string,
    private readonly ttlMs: number,
    private readonly onLost: (botId: string, reason: string) => void,
  ) {
    // Clock drift and the renewal's own latency eat into the TTL; stop trading a little before Redis expires it.
    this.marginMs = Math.max(50, Math.floor(ttlMs / 10));
  }

  leaseKey(botId: string): string {
    return this.keys.key(formatName(REDIS_KEYS.botLease, { botId }));
  }

  fenceKey(botId: string): string {
    return this.keys.key(formatName(REDIS_KEYS.botFence, { botId }));
  }

  get size(): number {
    return this.held.size;
  }

  fenceOf(botId: string): number | null {
    return this.held.get(botId)?.fence ?? null;
  }

  heldBotIds(): string[] {
    return [...this.held.keys()];
  }

  /** The order-path check (synchronous, no I/O). */
  canTrade(botId: string, fence: number, now = Date.now()): boolean {
    const lease = this.held.get(botId);
    return lease !== undefined && lease.fence === fence && now < lease.validUntil;
  }

  /** `minFence`: the smallest acceptable new token (last one this engine or the assignment knows, plus one). */
  async acquire(botId: string, minFence = 1): Promise<AcquireResult> {
    const sentAt = Date.now();
    const known = this.held.get(botId)?.fence ?? 0;
    const floor = Math.max(minFence, known + 1);
    const reply = (await this.redis.eval(
      ACQUIRE,
      2,
      this.leaseKey(botId),
      this.fenceKey(botId),
      this.engineId,
      String(this.ttlMs),
      String(floor),
    )) as [number, string];
    const [fence, holder] = reply;
    if (fence < 0) return { ok: false, holder };
    this.held.set(botId, { fence, validUntil: sentAt + this.ttlMs - this.marginMs });
    return { ok: true, fence };
  }

  async release(botId: string): Promise<void> {
    const lease = this.held.get(botId);
    this.held.delete(botId);
    if (!lease) return;
    await this.redis.eval(RELEASE, 1, this.leaseKey(botId), `${this.engineId}|${String(lease.fence)}`);
  }

  /** Forget a lease locally (lost, or the bot was dropped) without touching Redis. */
  forget(botId: string): void {
    this.held.delete(botId);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(
      () => {
        void this.renewAll();
      },
      Math.max(50, Math.floor(this.ttlMs / 3)),
    );
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * During a Redis outage renewals stop: a lease missing from a restarted (empty) Redis is not "taken by someone
   * else", and revalidate() decides what happened once Redis answers. The gate is closed meanwhile anyway.
   */
  suspend(): void {
    this.suspended = true;
  }

  unsuspend(): void {
    this.suspended = false;
  }

  /**
   * Renew every lease in one pipeline. Lost ones are reported through onLost; a Redis error leaves them to expire
   * locally (the gate closes by itself when validUntil passes).
   */
  async renewAll(): Promise<{ renewed: number; lost: string[] }> {
    if (this.renewing || this.suspended || this.held.size === 0) return { renewed: 0, lost: [] };
    this.renewing = true;
    try {
      const entries = [...this.held.entries()];
      const sentAt = Date.now();
      const pipeline = this.redis.pipeline();
      for (const [botId, lease] of entries)
        pipeline.eval(
          RENEW,
          1,
          this.leaseKey(botId),
          `${this.engineId}|${String(lease.fence)}`,
          String(this.ttlMs),
        );
      const results = await pipeline.exec();
      if (!results) return { renewed: 0, lost: [] };
      const lost: string[] = [];
      let renewed = 0;
      entries.forEach(([botId, lease], index) => {
        const [error, value] = results[index] ?? [new Error('no reply'), null];
        if (error) return;
        if (this.held.get(botId) !== lease) return; // released or re-acquired meanwhile
        if (value === 1) {
          lease.validUntil = sentAt + this.ttlMs - this.marginMs;
          renewed += 1;
        } else {
          this.held.delete(botId);
          lost.push(botId);
        }
      });
      for (const botId of lost) this.onLost(botId, 'lease lost: expired or taken by another engine');
      return { renewed, lost };
    } catch {
      return { renewed: 0, lost: [] };
    } finally {
      this.renewing = false;
    }
  }

  /**
   * After a Redis outage: keep leases still ours (same token), re-acquire expired ones nobody took (new token), and
   * report the ones another engine holds now.
   */
  async revalidate(): Promise<{
    kept: string[];
    reacquired: { botId: string; fence: number }[];
    lost: string[];
  }> {
    const kept: string[] = [];
    const reacquired: { botId: string; fence: number }[] = [];
    const lost: string[] = [];
    for (const [botId, lease] of [...this.held.entries()]) {
      const result = await this.acquire(botId);
      if (!result.ok) {
        this.held.delete(botId);
        lost.push(botId);
      } else if (result.fence === lease.fence) kept.push(botId);
      else reacquired.push({ botId, fence: result.fence });
    }
    return { kept, reacquired, lost };
  }
}
