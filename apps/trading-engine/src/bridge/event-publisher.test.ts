/**
 * The persist lane's replay window against the real Redis on 127.0.0.1:6379 (own key prefix): jobs Redis
 * acknowledged and then lost (as a crash with AOF everysec, or without persistence, loses them) come back with
 * `replayRecent()`; jobs that survived are not doubled; the window is bounded by age and count. The realtime lane
 * sends the events of one synchronous run in one pipeline, in order.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EngineEvent } from '@trading/shared-types';
import { createMetrics } from '../service/metrics.js';
import { EventPublisher } from './event-publisher.js';
import { KeySpace } from './redis-connection.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `te-replay-test-${String(process.pid)}-${String(Date.now())}`;
const keys = new KeySpace(prefix);
let redis: Redis;
let queue: Queue;

function log(message: string): EngineEvent {
  return {
    eventId: 'pending',
    engineId: 'e1',
    exchange: null,
    botId: 'bot-1',
    timestamp: Date.now(),
    seq: 0,
    type: 'bot-log',
    payload: { level: 'info', message },
  };
}

function publisher(options: { replayWindowMs?: number; replayMax?: number; redis?: Redis } = {}): EventPublisher {
  return new EventPublisher({
    engineId: 'e1',
    redis,
    queue,
    keys,
    bufferMax: 1000,
    metrics: createMetrics(false),
    log: pino({ level: 'silent' }),
    isRedisUp: () => true,
    ...options,
  });
}

async function jobIds(): Promise<string[]> {
  const jobs = await queue.getJobs(['waiting', 'delayed', 'completed', 'failed', 'active']);
  return jobs.map((job) => job.id ?? '').sort();
}

beforeAll(() => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  queue = new Queue('engine-events', { connection: redis, prefix: keys.bullPrefix });
});

afterAll(async () => {
  await queue.obliterate({ force: true });
  const leftovers = await redis.keys(`${prefix}:*`);
  if (leftovers.length > 0) await redis.del(...leftovers);
  await queue.close();
  redis.disconnect();
});

describe('EventPublisher replay window', () => {
  it('re-enqueues persisted events Redis lost, and does not double the ones it kept', async () => {
    const events = publisher();
    await events.init();
    for (let i = 0; i < 5; i++) events.publish(log(`line ${String(i)}`));
    expect(await events.drained()).toBe(true);
    const before = await jobIds();
    expect(before).toHaveLength(5);

    // Redis "crashed" and came back without the queue's jobs.
    await queue.obliterate({ force: true });
    expect(await jobIds()).toHaveLength(0);

    expect(events.replayRecent()).toBe(5);
    expect(await events.drained()).toBe(true);
    expect(await jobIds()).toEqual(before);

    // Replayed again while the jobs exist: same ids, no second job.
    events.replayRecent();
    expect(await events.drained()).toBe(true);
    expect(await jobIds()).toEqual(before);
    events.close();
    await queue.obliterate({ force: true });
  });

  it('keeps only the events of the window (age from the latest enqueue) and at most replayMax', async () => {
    const byAge = publisher({ replayWindowMs: 200 });
    await byAge.init();
    byAge.publish(log('old'));
    expect(await byAge.drained()).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 400));
    byAge.publish(log('new'));
    expect(await byAge.drained()).toBe(true);
    expect(byAge.replayable).toBe(1);
    byAge.close();

    const byCount = publisher({ replayMax: 3 });
    await byCount.init();
    for (let i = 0; i < 10; i++) byCount.publish(log(`n${String(i)}`));
    expect(await byCount.drained()).toBe(true);
    expect(byCount.replayable).toBe(3);
    await queue.obliterate({ force: true });
    expect(byCount.replayRecent()).toBe(3);
    expect(await byCount.drained()).toBe(true);
    const lastIds = Array.from({ length: 3 }, (_unused, i) => `e1-${String(byCount.lastSeq - 2 + i)}`).sort();
    expect(await jobIds()).toEqual(lastIds);
    byCount.close();
  });
});

describe('EventPublisher realtime lane', () => {
  it('publishes the events of one synchronous run in one pipeline, in order, on their channels', async () => {
    const subscriber = new Redis(REDIS_URL);
    const received: { channel: string; message: string }[] = [];
    subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => {
      received.push({ channel, message });
    });
    await subscriber.psubscribe(keys.key('te:*'));
    // Its own connection for the pub/sub side, so the spy sees no BullMQ traffic.
    const pubRedis = new Redis(REDIS_URL);
    const pipelines = vi.spyOn(pubRedis, 'pipeline');
    try {
      const events = publisher({ redis: pubRedis });
      await events.init();
      // An order's acceptance and its fill's follow-ups are emitted in one run of the kernel.
      for (let i = 0; i < 4; i++) events.publish(log(`burst ${String(i)}`));
      expect(await events.drained()).toBe(true);
      expect(pipelines).toHaveBeenCalledTimes(1);
      const deadline = Date.now() + 5000;
      while (received.length < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(received.map((r) => r.channel)).toEqual(Array.from({ length: 4 }, () => keys.key('te:bot-log:e1')));
      expect(received.map((r) => (JSON.parse(r.message) as { payload: { message: string } }).payload.message)).toEqual(['burst 0', 'burst 1', 'burst 2', 'burst 3']);

      // A later run is a pipeline of its own.
      events.publish(log('later'));
      expect(await events.drained()).toBe(true);
      expect(pipelines).toHaveBeenCalledTimes(2);
      events.close();
      await queue.obliterate({ force: true });
    } finally {
      pipelines.mockRestore();
      pubRedis.disconnect();
      subscriber.disconnect();
    }
  });
});
