/**
 * The engine → CMS event path. Every event the kernel (or the bridge) emits is validated as an EngineEvent,
 * re-sequenced into one per-engine stream (eventId `<engineId>-<seq>`, seq monotonic across restarts thanks to an
 * epoch from Redis), then
 *   - published on Redis pub/sub `te:<type>:<engineId>` (realtime; lossy by nature), and
 *   - for everything that must persist, enqueued on the BullMQ queue `engine-events` with jobId = eventId, so a
 *     retried flush never counts twice.
 * While Redis is down events wait in a bounded in-memory buffer and are flushed in order afterwards; when the buffer
 * is full the oldest realtime-only event goes first (then the oldest of any kind), with a metric and a log line.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { REDIS_CHANNELS, REDIS_KEYS, formatName, validate, type EngineEvent } from '@trading/shared-types';
import type { EventSink } from '../core/bus.js';
import type { Logger } from '../service/logger.js';
import type { EngineMetrics } from '../service/metrics.js';
import type { KeySpace } from './redis-connection.js';

export const MAX_EVENT_BYTES = 10 * 1024;
/** Realtime only: frequent, superseded by the next one, nothing downstream stores them. */
const REALTIME_ONLY: ReadonlySet<EngineEvent['type']> = new Set(['engine-heartbeat']);
const SEQ_EPOCH_SPAN = 1_000_000_000;
const BATCH = 500;

export interface PublisherOptions {
  engineId: string;
  redis: Redis;
  queue: Queue;
  keys: KeySpace;
  bufferMax: number;
  metrics: EngineMetrics;
  log: Logger;
  isRedisUp: () => boolean;
}

interface Pending {
  event: EngineEvent;
  text: string;
  persist: boolean;
}

export function mustPersist(event: EngineEvent): boolean {
  if (REALTIME_ONLY.has(event.type)) return false;
  if (event.type === 'bot-log') return event.payload.level !== 'debug';
  return true;
}

export class EventPublisher implements EventSink {
  private seq = 0;
  private readonly buffer: Pending[] = [];
  private flushing = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private lastDropLog = 0;
  private dropsSinceLog = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: PublisherOptions) {}

  /** Takes a new epoch so sequence numbers (and event ids) never repeat across restarts of one engine id. */
  async init(): Promise<void> {
    const epoch = await this.options.redis.incr(this.options.keys.key(formatName(REDIS_KEYS.engineSeq, { engineId: this.options.engineId })));
    this.seq = epoch * SEQ_EPOCH_SPAN;
  }

  get buffered(): number {
    return this.buffer.length;
  }

  get lastSeq(): number {
    return this.seq - 1;
  }

  /** Synchronous for the kernel: never throws, never blocks. */
  publish(input: EngineEvent): void {
    const { metrics, log, engineId } = this.options;
    metrics.eventsIn.inc({ type: typeof input.type === 'string' ? input.type : 'unknown' });
    const seq = this.seq++;
    const candidate = { ...input, engineId, seq, eventId: `${engineId}-${String(seq)}` } as EngineEvent;
    if (candidate.type === 'bot-log' && candidate.payload.message.length > 2000) {
      candidate.payload = { ...candidate.payload, message: candidate.payload.message.slice(0, 2000) };
    }
    const result = validate('EngineEvent', candidate);
    if (!result.ok) {
      // The sequence number is burnt on purpose: the gap is visible, and this log names the field.
      metrics.eventsRejected.inc({ type: typeof input.type === 'string' ? input.type : 'unknown' });
      log.error({ eventType: input.type, seq, issues: result.issues.slice(0, 5).map((issue) => issue.message) }, 'outgoing event rejected: fails the EngineEvent schema');
      return;
    }
    const text = JSON.stringify(result.value);
    if (Buffer.byteLength(text) > MAX_EVENT_BYTES) {
      metrics.eventsDropped.inc({ reason: 'too-large' });
      log.error({ eventType: input.type, seq, bytes: Buffer.byteLength(text) }, `outgoing event dropped: larger than ${String(MAX_EVENT_BYTES)} bytes`);
      return;
    }
    this.buffer.push({ event: result.value, text, persist: mustPersist(result.value) });
    if (this.buffer.length > this.options.bufferMax) this.dropOne();
    metrics.eventBuffer.set(this.buffer.length);
    this.kick();
  }

  /** Start a flush now (after Redis came back). */
  kick(): void {
    if (this.flushing || this.buffer.length === 0 || !this.options.isRedisUp()) return;
    this.flushing = true;
    void this.flushLoop().finally(() => {
      this.flushing = false;
      if (this.buffer.length === 0) this.resolveIdle();
    });
  }

  /** Resolves when everything buffered so far has reached Redis (tests, graceful shutdown). */
  async drained(timeoutMs = 5000): Promise<boolean> {
    if (this.buffer.length === 0 && !this.flushing) return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        resolve(false);
      }, timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
      this.kick();
    });
  }

  close(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private resolveIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter();
  }

  private dropOne(): void {
    const index = this.buffer.findIndex((pending) => !pending.persist);
    const [dropped] = this.buffer.splice(index >= 0 ? index : 0, 1);
    if (!dropped) return;
    this.options.metrics.eventsDropped.inc({ reason: 'buffer-full' });
    this.dropsSinceLog += 1;
    const now = Date.now();
    if (now - this.lastDropLog >= 1000) {
      this.options.log.warn({ dropped: this.dropsSinceLog, bufferMax: this.options.bufferMax, lastDroppedSeq: dropped.event.seq }, 'event buffer full: dropping events');
      this.lastDropLog = now;
      this.dropsSinceLog = 0;
    }
  }

  private async flushLoop(): Promise<void> {
    const { redis, queue, keys, metrics, log } = this.options;
    while (this.buffer.length > 0 && this.options.isRedisUp()) {
      const batch = this.buffer.slice(0, BATCH);
      try {
        const persisted = batch.filter((pending) => pending.persist);
        // Persistence first: once the job exists, the realtime copy is a bonus.
        if (persisted.length > 0) {
          await queue.addBulk(persisted.map((pending) => ({ name: pending.event.type, data: pending.event, opts: { jobId: pending.event.eventId } })));
        }
        const pipeline = redis.pipeline();
        for (const pending of batch) {
          pipeline.publish(keys.key(formatName(REDIS_CHANNELS.engineEvent, { type: pending.event.type, engineId: pending.event.engineId })), pending.text);
        }
        await pipeline.exec();
        this.buffer.splice(0, batch.length);
        for (const pending of batch) {
          metrics.eventsPublished.inc({ type: pending.event.type });
          if (pending.persist) metrics.eventsPersisted.inc({ type: pending.event.type });
        }
        metrics.eventBuffer.set(this.buffer.length);
      } catch (error) {
        log.warn({ error: error instanceof Error ? error.message : String(error), buffered: this.buffer.length }, 'event flush failed; retrying when Redis answers');
        this.scheduleRetry();
        return;
      }
    }
    if (this.buffer.length > 0) this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.kick();
    }, 250);
  }
}
