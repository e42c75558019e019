/**
 * BullMQ worker of QUEUE_NAMES.engineEvents: validate each job as an EngineEvent (a malformed one fails without
 * retries and is copied to the dead-letter queue), persist it through applyEngineEvent (idempotent on eventId),
 * then run post-commit effects (exchange status in Redis, queued bot starts when an engine registers).
 */
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { QUEUE_NAMES, validate, type EngineEvent } from '@trading/shared-types';
import type { AppContext } from '../context.js';
import { eventsProcessed } from '../plugins/metrics.js';
import { dispatchQueuedStarts } from '../services/bots/control-bot.js';
import { createRedis } from '../redis.js';
import { bullPrefix } from '../services/engines/command-bus.js';
import { exchangeStatusKey } from '../services/exchanges/exchange-status.js';
import { publishInvalidation } from '../services/cache/live-sync.js';
import type { CachedResource } from '../services/cache/response-cache.js';
import { applyEngineEventBatch } from '../services/ingest/apply-batch.js';
import { applyEngineEvent, type ApplyResult } from '../services/ingest/apply-event.js';

/** Which cached lists each event type can change (exhaustive over the event types, so a new one must be listed). */
const EVENT_RESOURCES: Record<EngineEvent['type'], readonly CachedResource[]> = {
  'order-updated': ['orders'],
  'order-filled': ['orders', 'fills', 'positions'],
  'order-rejected': ['orders'],
  'position-updated': ['positions'],
  'bot-state-changed': ['bots'],
  'command-acknowledged': ['bots'],
  'engine-stopped': ['bots'],
  'engine-registered': [],
  'engine-heartbeat': [],
  'pnl-updated': [],
  'bot-log': [],
  'notification-raised': [],
  'risk-breached': [],
  'market-resolved': [],
  'balance-updated': [],
  'exchange-status-changed': [],
};

export function resourcesOf(events: readonly EngineEvent[]): CachedResource[] {
  const out = new Set<CachedResource>();
  for (const e of events) for (const r of EVENT_RESOURCES[e.type]) out.add(r);
  return [...out];
}

export interface EventWorkers {
  close(): Promise<void>;
}

/**
 * Collects the events of concurrently running jobs and persists them together (one transaction per batch, one
 * batch in flight at a time). If a batch fails, each of its events is retried alone so one bad event cannot
 * fail its neighbours; BullMQ retries what still fails.
 */
export class EventBatcher {
  private pending: { event: EngineEvent; resolve: (r: ApplyResult) => void; reject: (e: unknown) => void }[] = [];
  private flushing = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly maxBatch = 500,
  ) {}

  apply(event: EngineEvent): Promise<ApplyResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ event, resolve, reject });
      if (!this.flushing) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing || this.pending.length === 0) return;
    this.flushing = true;
    const batch = this.pending.splice(0, this.maxBatch);
    // Cached lists are invalidated once per committed batch, before its jobs complete.
    const applied: EngineEvent[] = [];
    try {
      const results = await applyEngineEventBatch(this.ctx.db, batch.map((b) => b.event));
      batch.forEach((b, i) => {
        if (results[i]?.outcome === 'applied') applied.push(b.event);
      });
      await publishInvalidation(this.ctx, resourcesOf(applied));
      batch.forEach((b, i) => {
        b.resolve(results[i] ?? { outcome: 'duplicate', engineAppeared: false });
      });
    } catch (error) {
      this.ctx.log.warn({ error: error instanceof Error ? error.message : String(error), size: batch.length }, 'event batch failed; applying one by one');
      const settled: (() => void)[] = [];
      for (const b of batch) {
        await applyEngineEvent(this.ctx.db, b.event).then(
          (r) => {
            if (r.outcome === 'applied') applied.push(b.event);
            settled.push(() => {
              b.resolve(r);
            });
          },
          (e: unknown) => {
            settled.push(() => {
              b.reject(e);
            });
          },
        );
      }
      await publishInvalidation(this.ctx, resourcesOf(applied));
      for (const settle of settled) settle();
    } finally {
      this.flushing = false;
      if (this.pending.length > 0) setImmediate(() => void this.flush());
    }
  }
}

export async function handleEngineEvent(ctx: AppContext, data: unknown, batcher?: EventBatcher): Promise<'applied' | 'duplicate'> {
  const result = validate('EngineEvent', data);
  if (!result.ok) {
    eventsProcessed.inc({ type: 'invalid', outcome: 'rejected' });
    throw new UnrecoverableError(`invalid EngineEvent: ${result.issues.slice(0, 5).map((i) => i.message).join('; ')}`);
  }
  const event: EngineEvent = result.value;
  const applied = batcher ? await batcher.apply(event) : await applyEngineEvent(ctx.db, event);
  if (!batcher && applied.outcome === 'applied') await publishInvalidation(ctx, resourcesOf([event]));
  eventsProcessed.inc({ type: event.type, outcome: applied.outcome });
  if (applied.outcome === 'applied' && event.type === 'exchange-status-changed' && event.exchange !== null) {
    await ctx.redis.hset(
      exchangeStatusKey(ctx),
      event.exchange,
      JSON.stringify({ status: event.payload.status, reason: event.payload.reason, engineId: event.engineId, updatedAt: new Date(event.timestamp).toISOString() }),
    );
  }
  if (applied.engineAppeared) await dispatchQueuedStarts(ctx);
  return applied.outcome;
}

export function startEventWorkers(ctx: AppContext): EventWorkers {
  // BullMQ workers block on their connection: they need their own, with no per-request retry limit.
  const connection = createRedis(ctx.config, { maxRetriesPerRequest: null });
  const prefix = bullPrefix(ctx.config.redisPrefix);
  const deadLetter = new Queue(QUEUE_NAMES.deadLetter, { connection, prefix });
  const batcher = new EventBatcher(ctx);
  // Several Worker objects on one queue: each fetches jobs on its own Redis connection, so job fetching (one
  // round trip per job in BullMQ) is not serialised behind one socket; they share the batcher and its transaction.
  const workers = Array.from({ length: ctx.config.workerInstances }, () =>
    new Worker(QUEUE_NAMES.engineEvents, async (job: Job) => handleEngineEvent(ctx, job.data, batcher), {
      connection,
      prefix,
      concurrency: ctx.config.workerConcurrency,
      removeOnComplete: { age: 600, count: 10_000 },
      removeOnFail: { age: 7 * 86_400 },
    }),
  );
  for (const worker of workers) {
    worker.on('failed', (job, error) => {
      if (!job) return;
      const final = error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
      ctx.log.warn({ jobId: job.id, error: error.message, final }, 'engine event failed');
      if (final) {
        void deadLetter
          .add(`dlq:${QUEUE_NAMES.engineEvents}`, { originalQueue: QUEUE_NAMES.engineEvents, jobId: job.id, error: error.message, failedAt: new Date().toISOString(), data: job.data as unknown }, { jobId: `dlq-${job.id ?? 'unknown'}` })
          .catch(() => undefined);
      }
    });
    worker.on('error', (error) => {
      ctx.log.error({ error: error.message }, 'event worker error');
    });
  }
  // Queued starts also go out when an engine appears without announcing itself (it only heartbeats).
  const timer = setInterval(() => {
    dispatchQueuedStarts(ctx).catch((error: unknown) => {
      ctx.log.warn({ error: error instanceof Error ? error.message : String(error) }, 'dispatch of queued starts failed');
    });
  }, 2000);
  timer.unref();
  return {
    async close() {
      clearInterval(timer);
      await Promise.all(workers.map((w) => w.close()));
      await deadLetter.close();
      connection.disconnect();
    },
  };
}
