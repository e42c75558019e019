/**
 * BullMQ worker of QUEUE_NAMES.engineEvents: validate each job as an EngineEvent (a malformed one fails without
 * retries and is copied to the dead-letter queue), persist it through applyEngineEvent (idempotent on eventId),
 * then run post-commit effects (exchange status in Redis, queued bot starts when an engine registers).
 */
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_NAMES, validate, type EngineEvent } from '@trading/shared-types';
import type { AppContext } from '../context.js';
import { eventsProcessed } from '../plugins/metrics.js';
import { dispatchQueuedStarts } from '../services/bots/control-bot.js';
import { bullPrefix } from '../services/engines/command-bus.js';
import { exchangeStatusKey } from '../services/exchanges/exchange-status.js';
import { applyEngineEvent } from '../services/ingest/apply-event.js';

export interface EventWorkers {
  close(): Promise<void>;
}

export async function handleEngineEvent(ctx: AppContext, data: unknown): Promise<'applied' | 'duplicate'> {
  const result = validate('EngineEvent', data);
  if (!result.ok) {
    eventsProcessed.inc({ type: 'invalid', outcome: 'rejected' });
    throw new UnrecoverableError(`invalid EngineEvent: ${result.issues.slice(0, 5).map((i) => i.message).join('; ')}`);
  }
  const event: EngineEvent = result.value;
  const applied = await applyEngineEvent(ctx.db, event);
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
  const connection = new Redis(ctx.config.redisUrl, { maxRetriesPerRequest: null });
  const prefix = bullPrefix(ctx.config.redisPrefix);
  const deadLetter = new Queue(QUEUE_NAMES.deadLetter, { connection, prefix });
  const worker = new Worker(QUEUE_NAMES.engineEvents, async (job: Job) => handleEngineEvent(ctx, job.data), {
    connection,
    prefix,
    concurrency: ctx.config.workerConcurrency,
    removeOnComplete: { age: 600, count: 10_000 },
    removeOnFail: { age: 7 * 86_400 },
  });
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
      await worker.close();
      await deadLetter.close();
      connection.disconnect();
    },
  };
}
