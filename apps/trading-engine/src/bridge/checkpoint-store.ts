/**
 * Bot checkpoints in Redis: the books of a bot (BotCheckpoint JSON) and the ids of the fills those books hold, so an
 * engine that adopts the bot after its owner died continues the same ledger instead of starting from zero.
 *   te:checkpoint:bot:<botId>        the checkpoint JSON
 *   te:checkpoint-fills:bot:<botId>  zset fillId → ms it was checkpointed (older than `fillRetentionMs` pruned)
 * A write is fenced: one Lua script checks that the lease still reads `<lease holder>|<fence>` (the holder is the
 * engine process, `<engineId>#<instance>`, as the LeaseManager writes it) and only then replaces
 * the checkpoint and adds the fill ids, atomically, so a zombie owner (lease lost, adopter already running) can
 * never overwrite the adopter's books. Both keys expire after `ttlMs` (refreshed by every write; a running bot is
 * re-checkpointed periodically), so stopped bots leave nothing behind.
 */
import type { Redis } from 'ioredis';
import { REDIS_KEYS, formatName, validate, type BotCheckpoint } from '@trading/shared-types';
import type { KeySpace } from './redis-connection.js';

const SAVE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[6] == '1' then redis.call('DEL', KEYS[3]) end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
for i = 7, #ARGV do redis.call('ZADD', KEYS[3], ARGV[4], ARGV[i]) end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[5])
if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('PEXPIRE', KEYS[3], ARGV[3]) end
return 1
`;

export const DEFAULT_CHECKPOINT_TTL_MS = 24 * 3600_000;

export type LoadedCheckpoint =
  | { found: true; checkpoint: BotCheckpoint; fillIds: ReadonlySet<string> }
  | { found: false; problem: string | null };

export interface BotCheckpointStore {
  /**
   * Replaces the bot's checkpoint and adds `fillIds` to its fill set, only while this store's lease holder holds the
   * bot's lease with the checkpoint's fence.
   * `reset` empties the fill set first (a fresh start: nothing of earlier runs is in the new books). False: the
   * lease is not ours (lost or expired); nothing was written.
   */
  save(checkpoint: BotCheckpoint, fillIds: readonly string[], options: { reset: boolean }): Promise<boolean>;
  /** The bot's checkpoint, validated; `problem` says why a stored one was refused (null: none stored). */
  load(botId: string): Promise<LoadedCheckpoint>;
}

export interface RedisCheckpointStoreOptions {
  /** The lease owner string of this engine process (LeaseManager's `<engineId>#<instance>`). */
  leaseHolder: string;
  ttlMs?: number;
  /** Fill ids older than this are dropped from the set (an adopter reads venue fills over a shorter lookback). */
  fillRetentionMs: number;
  now?: () => number;
}

export class RedisCheckpointStore implements BotCheckpointStore {
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis,
    private readonly keys: KeySpace,
    private readonly options: RedisCheckpointStoreOptions,
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_CHECKPOINT_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  async save(checkpoint: BotCheckpoint, fillIds: readonly string[], options: { reset: boolean }): Promise<boolean> {
    const now = this.now();
    const botId = checkpoint.botId;
    const written = await this.redis.eval(
      SAVE,
      3,
      this.keys.key(formatName(REDIS_KEYS.botLease, { botId })),
      this.checkpointKey(botId),
      this.fillsKey(botId),
      `${this.options.leaseHolder}|${String(checkpoint.fence)}`,
      JSON.stringify(checkpoint),
      String(this.ttlMs),
      String(now),
      String(now - this.options.fillRetentionMs),
      options.reset ? '1' : '0',
      ...fillIds,
    );
    return written === 1;
  }

  async load(botId: string): Promise<LoadedCheckpoint> {
    const replies = await this.redis.multi().get(this.checkpointKey(botId)).zrange(this.fillsKey(botId), 0, -1).exec();
    if (!replies) throw new Error('checkpoint read aborted');
    for (const [error] of replies) if (error) throw error;
    const text = replies[0]?.[1];
    const fills = replies[1]?.[1];
    if (typeof text !== 'string') return { found: false, problem: null };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { found: false, problem: 'checkpoint is not JSON' };
    }
    const checked = validate('BotCheckpoint', parsed);
    if (!checked.ok) return { found: false, problem: checked.issues.map((issue) => issue.message).join('; ') };
    if (checked.value.botId !== botId)
      return { found: false, problem: `checkpoint belongs to bot ${checked.value.botId}` };
    const ids = Array.isArray(fills) ? fills.filter((id): id is string => typeof id === 'string') : [];
    return { found: true, checkpoint: checked.value, fillIds: new Set(ids) };
  }

  checkpointKey(botId: string): string {
    return this.keys.key(formatName(REDIS_KEYS.botCheckpoint, { botId }));
  }

  fillsKey(botId: string): string {
    return this.keys.key(formatName(REDIS_KEYS.botCheckpointFills, { botId }));
  }
}
