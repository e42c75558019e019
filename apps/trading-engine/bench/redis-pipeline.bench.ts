/**
 * The engine's Redis path, measured against the real Redis (REDIS_URL, default 127.0.0.1:6379), random key prefix:
 *  1. sustained events/s: one engine's EventPublisher publishes N events as fast as the producer can pace them;
 *     a pub/sub subscriber and the persisted BullMQ queue are counted — nothing may be lost (persisted == N);
 *  2. delivery latency at 1k events/s: publish() call → pub/sub subscriber receipt, p50/p99 in ms;
 *  3. commands/s acknowledged: M commands enqueued (BullMQ, like the CMS) → all command-acknowledged events seen.
 * Each figure is the median over RUNS runs with the min–max spread. Targets: ≥ 5k events/s with nothing lost;
 * p99 ≤ 10 ms at 1k events/s.
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { QUEUE_NAMES, REDIS_CHANNELS, formatName, type EngineEvent } from '@trading/shared-types';
import { EngineService } from '../src/bridge/engine-service.js';
import { EventPublisher } from '../src/bridge/event-publisher.js';
import { KeySpace } from '../src/bridge/redis-connection.js';
import { StandaloneKernel } from '../src/bridge/standalone-kernel.js';
import { createMetrics } from '../src/service/metrics.js';
import { fmt, spread } from './okx-bench-stats.js';
import { recordFigure } from './record.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUNS = 3;
const SUSTAINED_EVENTS = 30_000;
const LATENCY_RATE = 1000;
const LATENCY_SECONDS = 4;
const COMMANDS = 1000;
const silent = pino({ level: 'silent' });

function logEvent(engineId: string, i: number, sentAt: number): EngineEvent {
  return {
    eventId: 'x',
    engineId,
    exchange: 'okx',
    botId: 'bench-bot',
    timestamp: Date.now(),
    seq: 0,
    type: 'bot-log',
    payload: { level: 'info', message: `bench event ${String(i)}`, context: { sentAt } },
  };
}

async function withPublisher<T>(
  fn: (p: {
    publisher: EventPublisher;
    sub: Redis;
    keys: KeySpace;
    queue: Queue;
    engineId: string;
  }) => Promise<T>,
): Promise<T> {
  const keys = new KeySpace(`bench${randomBytes(4).toString('hex')}`);
  const engineId = 'bench-engine';
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const sub = new Redis(REDIS_URL);
  const queue = new Queue(QUEUE_NAMES.engineEvents, {
    connection: redis,
    prefix: keys.bullPrefix,
    defaultJobOptions: { removeOnComplete: true },
  });
  const publisher = new EventPublisher({
    engineId,
    redis,
    queue,
    keys,
    bufferMax: 1_000_000,
    metrics: createMetrics(false),
    log: silent,
    isRedisUp: () => true,
  });
  await publisher.init();
  try {
    return await fn({ publisher, sub, keys, queue, engineId });
  } finally {
    publisher.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    const leftovers = await redis.keys(`${keys.prefix}:*`);
    if (leftovers.length > 0) await redis.del(...leftovers);
    sub.disconnect();
    redis.disconnect();
  }
}

async function sustained(): Promise<{ rate: number; received: number; persisted: number }> {
  return withPublisher(async ({ publisher, sub, keys, queue, engineId }) => {
    let received = 0;
    sub.on('message', () => {
      received += 1;
    });
    await sub.subscribe(keys.key(formatName(REDIS_CHANNELS.engineEvent, { type: 'bot-log', engineId })));
    const start = performance.now();
    // Produce in slices of 500 per macrotask, as a busy engine would between I/O.
    for (let i = 0; i < SUSTAINED_EVENTS; i += 500) {
      for (let j = i; j < Math.min(SUSTAINED_EVENTS, i + 500); j++)
        publisher.publish(logEvent(engineId, j, performance.now()));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await publisher.drained(120_000);
    const seconds = (performance.now() - start) / 1000;
    const deadline = Date.now() + 5000;
    while (received < SUSTAINED_EVENTS && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const persisted = await queue.count();
    return { rate: SUSTAINED_EVENTS / seconds, received, persisted };
  });
}

async function latency(): Promise<{ p50: number; p99: number; lost: number }> {
  return withPublisher(async ({ publisher, sub, keys, engineId }) => {
    const samples: number[] = [];
    sub.on('message', (_channel: string, message: string) => {
      const event = JSON.parse(message) as Extract<EngineEvent, { type: 'bot-log' }>;
      const sentAt = event.payload.context?.sentAt;
      if (typeof sentAt === 'number') samples.push(performance.now() - sentAt);
    });
    await sub.subscribe(keys.key(formatName(REDIS_CHANNELS.engineEvent, { type: 'bot-log', engineId })));
    const total = LATENCY_RATE * LATENCY_SECONDS;
    const start = performance.now();
    // Paced: event i is due at start + i ms.
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / LATENCY_RATE;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      publisher.publish(logEvent(engineId, i, performance.now()));
    }
    await publisher.drained(10_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const sorted = [...samples].sort((a, b) => a - b);
    const at = (p: number) =>
      sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
    return { p50: at(50), p99: at(99), lost: total - samples.length };
  });
}

async function commands(): Promise<{ rate: number }> {
  const prefix = `bench${randomBytes(4).toString('hex')}`;
  const keys = new KeySpace(prefix);
  const engineId = 'bench-cmd';
  const kernel = new StandaloneKernel(engineId);
  const service = new EngineService(
    {
      engineId,
      redisUrl: REDIS_URL,
      sentinel: null,
      redisPassword: undefined,
      redisPrefix: prefix,
      supportedExchanges: ['okx'],
      capacity: 0,
      heartbeatMs: 1000,
      engineTtlMs: 5000,
      leaseTtlMs: 5000,
      redisPingMs: 200,
      eventBufferMax: 100_000,
      autoResumeAfterRedis: false,
      version: 'bench',
    },
    kernel,
    silent,
    createMetrics(false),
  );
  await service.start();
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const sub = new Redis(REDIS_URL);
  const queue = new Queue(formatName(QUEUE_NAMES.engineCommands, { engineId }), {
    connection: redis,
    prefix: keys.bullPrefix,
  });
  try {
    let acks = 0;
    sub.on('message', () => {
      acks += 1;
    });
    await sub.subscribe(
      keys.key(formatName(REDIS_CHANNELS.engineEvent, { type: 'command-acknowledged', engineId })),
    );
    const bot = {
      botId: 'cmd-bot',
      name: 'cmd-bot',
      exchange: 'okx' as const,
      strategy: 'demo',
      mode: 'paper' as const,
      config: { orderIntervalMs: 60_000 },
      exchangeConfig: {},
      riskLimits: { maxDailyLoss: '1', maxDrawdown: 1, maxPositionSize: '1' },
    };
    await queue.add(
      'start-bot',
      {
        commandId: 'start',
        engineId,
        botId: 'cmd-bot',
        issuedAt: Date.now(),
        issuedBy: 'bench',
        type: 'start-bot',
        payload: { bot },
      },
      { jobId: 'start' },
    );
    while (acks < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    const jobs = Array.from({ length: COMMANDS }, (_, i) => {
      const commandId = `c${String(i)}`;
      const data = {
        commandId,
        engineId,
        botId: 'cmd-bot',
        issuedAt: Date.now(),
        issuedBy: 'bench',
        type: 'update-bot-config',
        payload: { config: { orderIntervalMs: 60_000, n: i } },
      };
      return { name: 'update-bot-config', data, opts: { jobId: commandId } };
    });
    const start = performance.now();
    await queue.addBulk(jobs);
    while (acks < COMMANDS + 1) await new Promise((resolve) => setTimeout(resolve, 5));
    return { rate: COMMANDS / ((performance.now() - start) / 1000) };
  } finally {
    await service.stop();
    await queue.close();
    const leftovers = await redis.keys(`${prefix}:*`);
    if (leftovers.length > 0) await redis.del(...leftovers);
    sub.disconnect();
    redis.disconnect();
  }
}

const sustainedRuns: Awaited<ReturnType<typeof sustained>>[] = [];
const latencyRuns: Awaited<ReturnType<typeof latency>>[] = [];
const commandRuns: Awaited<ReturnType<typeof commands>>[] = [];
for (let run = 0; run < RUNS; run++) {
  sustainedRuns.push(await sustained());
  latencyRuns.push(await latency());
  commandRuns.push(await commands());
}
const lostSustained = sustainedRuns.map((r) => SUSTAINED_EVENTS - r.persisted);
console.log(
  `events/s through Redis (pub/sub + BullMQ job per event), ${String(SUSTAINED_EVENTS)} events: ${fmt(spread(sustainedRuns.map((r) => r.rate)))}`,
);
console.log(
  `  persisted jobs lost: ${lostSustained.join(', ')} (must be 0); pub/sub received: ${sustainedRuns.map((r) => r.received).join(', ')} of ${String(SUSTAINED_EVENTS)}`,
);
console.log(
  `delivery latency at ${String(LATENCY_RATE)} events/s (publish() → subscriber), ms: p50 ${fmt(spread(latencyRuns.map((r) => r.p50)), 2)}, p99 ${fmt(spread(latencyRuns.map((r) => r.p99)), 2)}; lost ${latencyRuns.map((r) => r.lost).join(', ')}`,
);
console.log(
  `commands/s acknowledged (update-bot-config, ${String(COMMANDS)} queued at once): ${fmt(spread(commandRuns.map((r) => r.rate)))}`,
);
recordFigure('redis pipeline events per second', 'events/s', sustainedRuns.map((r) => r.rate), true);
recordFigure('redis delivery latency p99', 'ms', latencyRuns.map((r) => r.p99), false);
recordFigure('redis commands acknowledged per second', 'commands/s', commandRuns.map((r) => r.rate), true);
if (lostSustained.some((lost) => lost !== 0)) process.exitCode = 1;
