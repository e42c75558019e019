/**
 * The engine → CMS event path. Every event the kernel (or the bridge) emits is validated as an EngineEvent,
 * re-sequenced into one per-engine stream (eventId `<engineId>-<seq>`, seq monotonic across restarts thanks to an
 * epoch from Redis), then
 *   - published on Redis pub/sub `te:<type>:<engineId>` (realtime; lossy by nature), and
 *   - for everything that must persist, enqueued on the BullMQ queue `engine-events` with jobId = eventId, so a
 *     retried flush never counts twice.
 * The two paths are two lanes with their own in-order buffer, so a slow persistence batch never delays realtime
 * delivery. While Redis is down both lanes buffer (bounded) and flush in order afterwards; when a lane is full its
 * oldest event is dropped, with a metric and a log line.
 *
 * Replay window: a job Redis acknowledged can still be lost when Redis dies (production runs AOF with
 * `appendfsync everysec`, so a crash loses up to ~1 s of writes; a Redis without persistence loses everything
 * still queued). The publisher keeps the persistable events of the last `replayWindowMs` (at most `replayMax`)
 * after they were enqueued, and `replayRecent()` — called once Redis is back and the engine re-registered —
 * enqueues them again. Harmless when they survived: the job id is the event id (BullMQ ignores an existing id) and
 * the CMS ingestion is idempotent by event id.
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
  /** How long a persisted event stays replayable, measured back from the latest enqueue (default 10 s). */
  replayWindowMs?: number;
  /** At most this many events in the replay window (default 20 000). */
  replayMax?: number;
}

export const DEFAULT_REPLAY_WINDOW_MS = 10_000;
export const DEFAULT_REPLAY_MAX = 20_000;

interface Pending {
  event: EngineEvent;
  text: string;
}

/** One ordered, bounded, retrying path to Redis. */
class Lane {
  readonly buffer: Pending[] = [];
  private flushing = false;
  private kickQueued = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private lastDropLog = 0;
  private dropsSinceLog = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly name: 'realtime' | 'persist',
    private readonly max: number,
    private readonly send: (batch: Pending[]) => Promise<unknown>,
    private readonly sent: (batch: Pending[]) => void,
    private readonly isUp: () => boolean,
    private readonly metrics: EngineMetrics,
    private readonly log: Logger,
  ) {}

  /** Puts events back at the head (replay after a Redis loss), keeping their order and skipping queued ones. */
  requeue(pendings: Pending[]): number {
    const queued = new Set(this.buffer);
    const fresh = pendings.filter((pending) => !queued.has(pending));
    this.buffer.unshift(...fresh);
    while (this.buffer.length > this.max) this.dropOldest();
    return fresh.length;
  }

  get idle(): boolean {
    return this.buffer.length === 0 && !this.flushing;
  }

  push(pending: Pending): void {
    this.buffer.push(pending);
    if (this.buffer.length > this.max) this.dropOldest();
    this.kickSoon();
  }

  /**
   * Flushes once the current synchronous run is over, so the events one action emits together (a manual order's
   * acceptance, its fill, the position, the PnL) leave in one pipeline. Kicking on the first of them sent it alone
   * and held the rest, the fill among them, for a Redis round trip through a busy event loop.
   */
  private kickSoon(): void {
    if (this.kickQueued || this.flushing) return;
    this.kickQueued = true;
    queueMicrotask(() => {
      this.kickQueued = false;
      this.kick();
    });
  }

  kick(): void {
    if (this.flushing || this.buffer.length === 0 || !this.isUp()) return;
    this.flushing = true;
    void this.loop().finally(() => {
      this.flushing = false;
      if (this.buffer.length === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const waiter of waiters) waiter();
      }
    });
  }

  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.idleWaiters.push(resolve);
      this.kick();
    });
  }

  close(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private dropOldest(): void {
    const dropped = this.buffer.shift();
    if (!dropped) return;
    this.metrics.eventsDropped.inc({ reason: `${this.name}-buffer-full` });
    this.dropsSinceLog += 1;
    const now = Date.now();
    if (now - this.lastDropLog >= 1000) {
      this.log.warn(
        {
          lane: this.name,
          dropped: this.dropsSinceLog,
          bufferMax: this.max,
          lastDroppedSeq: dropped.event.seq,
        },
        'event buffer full: dropping the oldest events',
      );
      this.lastDropLog = now;
      this.dropsSinceLog = 0;
    }
  }

  private async loop(): Promise<void> {
    while (this.buffer.length > 0 && this.isUp()) {
      const batch = this.buffer.slice(0, BATCH);
      try {
        await this.send(batch);
      } catch (error) {
        this.log.warn(
          {
            lane: this.name,
            error: error instanceof Error ? error.message : String(error),
            buffered: this.buffer.length,
          },
          'event flush failed; retrying when Redis answers',
        );
        this.scheduleRetry();
        return;
      }
      // Drops during the send may have taken some of this batch off the head already: remove what is left of it.
      const sent = new Set(batch);
      let count = 0;
      while (count < this.buffer.length && sent.has(this.buffer[count] as Pending)) count += 1;
      this.buffer.splice(0, count);
      this.sent(batch);
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

export function mustPersist(event: EngineEvent): boolean {
  if (REALTIME_ONLY.has(event.type)) return false;
  if (event.type === 'bot-log') return event.payload.level !== 'debug';
  return true;
}

export class EventPublisher implements EventSink {
  private seq = 0;
  private readonly realtime: Lane;
  private readonly persist: Lane;
  /** Persisted events of the replay window, in enqueue order, with the time Redis acknowledged them. */
  private readonly recent = new Map<string, { pending: Pending; at: number }>();
  private readonly replayWindowMs: number;
  private readonly replayMax: number;

  constructor(private readonly options: PublisherOptions) {
    const { redis, queue, keys, metrics, log, bufferMax, isRedisUp } = options;
    this.replayWindowMs = options.replayWindowMs ?? DEFAULT_REPLAY_WINDOW_MS;
    this.replayMax = options.replayMax ?? DEFAULT_REPLAY_MAX;
    this.realtime = new Lane(
      'realtime',
      bufferMax,
      async (batch) => {
        const pipeline = redis.pipeline();
        for (const pending of batch) {
          pipeline.publish(
            keys.key(
              formatName(REDIS_CHANNELS.engineEvent, {
                type: pending.event.type,
                engineId: pending.event.engineId,
              }),
            ),
            pending.text,
          );
        }
        return pipeline.exec();
      },
      (batch) => {
        for (const pending of batch) metrics.eventsPublished.inc({ type: pending.event.type });
        this.updateGauge();
      },
      isRedisUp,
      metrics,
      log,
    );
    this.persist = new Lane(
      'persist',
      bufferMax,
      // Job id = event id: a batch retried after a failure never creates a second job.
      (batch) =>
        queue.addBulk(
          batch.map((pending) => ({
            name: pending.event.type,
            data: pending.event,
            opts: { jobId: pending.event.eventId },
          })),
        ),
      (batch) => {
        for (const pending of batch) metrics.eventsPersisted.inc({ type: pending.event.type });
        this.remember(batch);
        this.updateGauge();
      },
      isRedisUp,
      metrics,
      log,
    );
  }

  /** Takes a new epoch so sequence numbers (and event ids) never repeat across restarts of one engine id. */
  async init(): Promise<void> {
    const epoch = await this.options.redis.incr(
      this.options.keys.key(formatName(REDIS_KEYS.engineSeq, { engineId: this.options.engineId })),
    );
    this.seq = epoch * SEQ_EPOCH_SPAN;
  }

  get buffered(): number {
    return Math.max(this.realtime.buffer.length, this.persist.buffer.length);
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
      log.error(
        { eventType: input.type, seq, issues: result.issues.slice(0, 5).map((issue) => issue.message) },
        'outgoing event rejected: fails the EngineEvent schema',
      );
      return;
    }
    const text = JSON.stringify(result.value);
    if (Buffer.byteLength(text) > MAX_EVENT_BYTES) {
      metrics.eventsDropped.inc({ reason: 'too-large' });
      log.error(
        { eventType: input.type, seq, bytes: Buffer.byteLength(text) },
        `outgoing event dropped: larger than ${String(MAX_EVENT_BYTES)} bytes`,
      );
      return;
    }
    const pending: Pending = { event: result.value, text };
    this.realtime.push(pending);
    if (mustPersist(result.value)) this.persist.push(pending);
    this.updateGauge();
  }

  /** Events currently replayable (tests, health). */
  get replayable(): number {
    return this.recent.size;
  }

  /**
   * Enqueues the replay window's events again (after Redis came back, before `kick`). They go ahead of the events
   * buffered during the outage, so the CMS sees them in sequence order. Returns how many were re-queued.
   */
  replayRecent(): number {
    const pendings = [...this.recent.values()].map((entry) => entry.pending);
    const count = this.persist.requeue(pendings);
    this.updateGauge();
    return count;
  }

  /** Start flushing now (after Redis came back). */
  kick(): void {
    this.realtime.kick();
    this.persist.kick();
  }

  /** Resolves true when everything buffered so far has reached Redis (tests, graceful shutdown). */
  async drained(timeoutMs = 5000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => {
        resolve(false);
      }, timeoutMs);
    });
    const done = Promise.all([this.realtime.whenIdle(), this.persist.whenIdle()]).then(() => true);
    const result = await Promise.race([done, timeout]);
    clearTimeout(timer);
    return result;
  }

  close(): void {
    this.realtime.close();
    this.persist.close();
  }

  /**
   * The window is measured back from the latest acknowledged enqueue, not from the wall clock: nothing is pruned
   * while Redis is down, so a long outage does not empty the window that covers the crash.
   */
  private remember(batch: Pending[]): void {
    if (this.replayWindowMs === 0 || this.replayMax === 0) return; // replay off
    const now = Date.now();
    for (const pending of batch) {
      if (this.recent.has(pending.event.eventId)) continue; // a replayed event keeps its place
      this.recent.set(pending.event.eventId, { pending, at: now });
    }
    const cutoff = now - this.replayWindowMs;
    for (const [eventId, entry] of this.recent) {
      if (entry.at >= cutoff && this.recent.size <= this.replayMax) break;
      this.recent.delete(eventId);
    }
  }

  private updateGauge(): void {
    this.options.metrics.eventBuffer.set(this.realtime.buffer.length + this.persist.buffer.length);
  }
}
