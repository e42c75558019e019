/**
 * Failover: every engine runs this sweep on its heartbeat. An assignment whose engine is dead (not live in the
 * registry), or that names this engine although it does not run the bot (a restart), is handed to the least-loaded
 * live engine supporting the bot's exchange — but only once the old lease has expired, so two engines never trade
 * one bot. The hand-over is a compare-and-set on the assignment (one reaper wins) followed by a start-bot command
 * (`issuedBy: reaper:<engineId>`) to the new owner, which reconciles by client order id before it resumes.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { REDIS_KEYS, formatName, type StartBotCommand } from '@trading/shared-types';
import type { Logger } from '../service/logger.js';
import type { AssignmentStore, Assignment } from './assignments.js';
import { commandQueueName } from './command-consumer.js';
import type { LeaseManager } from './lease-manager.js';
import type { KeySpace } from './redis-connection.js';
import { rankEngines, type EngineRegistry, type LiveEngine } from './registry.js';

/**
 * The hand-over also moves the bot's handled-sequence mark (KEYS[4]) up to the last number issued (KEYS[3]): the
 * commands queued for the old engine never reach the new one, and without this its first command from the CMS would
 * wait out the gap timeout for them. A command the CMS sends after the hand-over gets a higher number and runs at once.
 */
const HAND_OVER = `
if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
local issued = redis.call('GET', KEYS[3])
if issued and (tonumber(issued) or 0) > (tonumber(redis.call('GET', KEYS[4]) or '0') or 0) then
  redis.call('SET', KEYS[4], issued)
end
return 1
`;
const FULL_SWEEP_MS = 30_000;
/** The longest a bot whose adoptions keep failing here waits between two attempts. */
const MAX_RETRY_MS = 5 * 60_000;

export interface ReaperOptions {
  engineId: string;
  redis: Redis;
  keys: KeySpace;
  registry: EngineRegistry;
  assignments: AssignmentStore;
  leases: LeaseManager;
  engineTtlMs: number;
  runsBot: (botId: string) => boolean;
  log: Logger;
  /** Period of the slow sweep over every assignment (default 30 s). */
  fullSweepMs?: number;
}

export class Reaper {
  private readonly queues = new Map<string, Queue>();
  private lastFullSweep = 0;
  private running = false;
  /** Bots this engine lost without handing them on: losses in a row and when to look at them again. */
  private readonly retries = new Map<string, { failures: number; dueAt: number }>();
  /** No hand-over before this time (see holdHandOvers). */
  private holdUntil = 0;

  constructor(private readonly options: ReaperOptions) {}

  /**
   * After a Redis outage every engine's registry entry and lease may have expired at once (a restarted Redis keeps
   * absolute expiry times): an engine missing from the registry is not dead, it has not re-registered yet. Until
   * `until` — one engine TTL after this engine's own recovery — nothing is handed over, so the reaper of the engine
   * that reconnects first does not take the bots of one that reconnects a moment later (a soak under load lost 15
   * leases this way and left 30 bots paused).
   */
  holdHandOvers(until: number): void {
    this.holdUntil = Math.max(this.holdUntil, until);
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
  }

  /** One sweep; returns the bots handed over. */
  async sweep(now = Date.now()): Promise<{ botId: string; from: string; to: string }[]> {
    if (this.running || now < this.holdUntil) return [];
    this.running = true;
    try {
      const { live, dead } = await this.options.registry.read(now);
      const full = now - this.lastFullSweep >= (this.options.fullSweepMs ?? FULL_SWEEP_MS);
      const retryDue = [...this.retries.values()].some((retry) => retry.dueAt <= now);
      if (dead.length === 0 && !full && !retryDue) return [];
      for (const retry of this.retries.values()) if (retry.dueAt <= now) retry.dueAt = Infinity;
      this.lastFullSweep = now;
      const liveIds = new Set(live.map((engine) => engine.info.engineId));
      const all = await this.options.assignments.all();
      const moved: { botId: string; from: string; to: string }[] = [];
      const extraLoad = new Map<string, number>();
      for (const assignment of all) {
        if (!this.orphaned(assignment, liveIds, now)) continue;
        const to = await this.handOver(assignment, live, extraLoad, 'failover');
        if (to !== null) moved.push({ botId: assignment.botId, from: assignment.engineId, to });
        // Handed to another engine: this one's backoff for the bot is over (it would otherwise stay for good).
        if (to !== null && to !== this.options.engineId) this.retries.delete(assignment.botId);
      }
      const stillAssigned = new Set(all.map((assignment) => assignment.engineId));
      for (const engineId of dead) {
        if (stillAssigned.has(engineId) && !moved.some((move) => move.from === engineId)) continue;
        await this.options.registry.remove(engineId);
        this.options.log.info({ deadEngine: engineId }, 'dead engine removed from the registry');
      }
      return moved;
    } finally {
      this.running = false;
    }
  }

  /**
   * This engine lost `botId` without handing it on — its adoption failed (a venue refusing the account's connection,
   * a rate-limit burst) or its lease expired under it: the assignment may still name this engine, which no longer
   * runs the bot, and only the slow sweep would find that, up to 30 s later. Look again after one TTL instead,
   * doubling with each loss in a row (at most 5 min), so a passing fault costs seconds and a lasting one does not
   * hammer the venue.
   */
  recheckSoon(botId: string, reason: string, now = Date.now()): void {
    const failures = (this.retries.get(botId)?.failures ?? 0) + 1;
    const delay = Math.min(MAX_RETRY_MS, this.options.engineTtlMs * 2 ** (failures - 1));
    this.retries.set(botId, { failures, dueAt: now + delay });
    this.options.log.warn({ botId, reason, failures, retryInMs: delay }, 'bot lost on this engine; the reaper looks at it again');
  }

  /** The bot runs here again (or was stopped): its next loss starts the backoff afresh. */
  runsAgain(botId: string): void {
    this.retries.delete(botId);
  }

  private orphaned(assignment: Assignment, liveIds: ReadonlySet<string>, now: number): boolean {
    // A fresh hand-over gets one TTL for its adopt command to land before anyone looks at it again.
    if (now - assignment.updatedAt < this.options.engineTtlMs) return false;
    if (!liveIds.has(assignment.engineId)) return true;
    return assignment.engineId === this.options.engineId && !this.options.runsBot(assignment.botId);
  }

  /**
   * Give the bot to the best live engine (CAS on the assignment, refused while the old lease lives). Returns the
   * new engine id, or null when no engine fits or another reaper won.
   */
  async handOver(
    assignment: Assignment,
    live: readonly LiveEngine[],
    extraLoad: Map<string, number>,
    why: 'failover' | 'drain',
    exclude?: string,
  ): Promise<string | null> {
    const { redis, assignments, leases, log, engineId } = this.options;
    const candidates = rankEngines(live, assignment.spec.exchange, extraLoad).filter(
      (info) => info.engineId !== exclude,
    );
    const target = candidates[0];
    if (!target) {
      log.warn(
        { botId: assignment.botId, exchange: assignment.spec.exchange, from: assignment.engineId },
        'no live engine can take the bot; will retry',
      );
      return null;
    }
    const next: Assignment = { ...assignment, engineId: target.engineId, updatedAt: Date.now() };
    const current = await redis.get(assignments.key(assignment.botId));
    if (current === null) return null;
    const won = (await redis.eval(
      HAND_OVER,
      4,
      assignments.key(assignment.botId),
      leases.leaseKey(assignment.botId),
      this.options.keys.key(formatName(REDIS_KEYS.botCommandSeq, { botId: assignment.botId })),
      this.options.keys.key(formatName(REDIS_KEYS.botCommandDone, { botId: assignment.botId })),
      current,
      JSON.stringify(next),
    )) as number;
    if (won !== 1) return null;
    extraLoad.set(target.engineId, (extraLoad.get(target.engineId) ?? 0) + 1);
    const command: StartBotCommand = {
      commandId: `adopt-${assignment.botId}-f${String(assignment.fence)}-${why}`.slice(0, 128),
      engineId: target.engineId,
      botId: assignment.botId,
      issuedAt: Date.now(),
      issuedBy: `reaper:${engineId}`,
      type: 'start-bot',
      payload: { bot: assignment.spec },
    };
    await this.queueFor(target.engineId).add(command.type, command, { jobId: command.commandId });
    log.info(
      { botId: assignment.botId, from: assignment.engineId, to: target.engineId, why },
      'bot handed over',
    );
    return target.engineId;
  }

  private queueFor(engineId: string): Queue {
    let queue = this.queues.get(engineId);
    if (!queue) {
      queue = new Queue(commandQueueName(engineId), {
        connection: this.options.redis,
        prefix: this.options.keys.bullPrefix,
        defaultJobOptions: { removeOnComplete: { age: 3600, count: 1000 }, removeOnFail: { age: 86_400 } },
      });
      this.queues.set(engineId, queue);
    }
    return queue;
  }
}
