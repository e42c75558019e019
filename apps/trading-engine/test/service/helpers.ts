/**
 * Test helpers for the engine service: a random Redis prefix per test, a command sender (BullMQ, like the CMS), an
 * event recorder (psubscribe te:* like the CMS relay, plus the persisted engine-events jobs), a private
 * redis-server on a spare port, and a poller.
 */
import { tmpdir } from 'node:os';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import {
  QUEUE_NAMES,
  REDIS_CHANNELS,
  REDIS_KEYS,
  formatName,
  type BotSpec,
  type EngineCommand,
  type EngineEvent,
} from '@trading/shared-types';
import { KeySpace } from '../../src/bridge/redis-connection.js';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function randomPrefix(): string {
  return `t${randomBytes(5).toString('hex')}`;
}

export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  timeoutMs = 10_000,
  everyMs = 50,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export function botSpec(
  botId: string,
  exchange: 'okx' | 'polymarket' = 'okx',
  orderIntervalMs = 100,
): BotSpec {
  return {
    botId,
    name: botId,
    exchange,
    strategy: 'demo',
    mode: 'paper',
    config: { orderIntervalMs },
    exchangeConfig: {},
    riskLimits: { maxDailyLoss: '100', maxDrawdown: 10, maxPositionSize: '10' },
  };
}

/**
 * Sends commands the way the CMS does: queue engine-commands.<engineId>, job id = commandId, and a command of a bot
 * numbered from INCR te:command-seq:bot:<botId> (`seq`; an explicit one wins). `sendRaw` adds the data as given.
 */
export class CommandSender {
  private readonly queues = new Map<string, Queue>();
  private counter = 0;
  constructor(
    private readonly redis: Redis,
    private readonly keys: KeySpace,
  ) {}

  async sendRaw(engineId: string, data: unknown, jobId: string): Promise<void> {
    let queue = this.queues.get(engineId);
    if (!queue) {
      queue = new Queue(formatName(QUEUE_NAMES.engineCommands, { engineId }), {
        connection: this.redis,
        prefix: this.keys.bullPrefix,
      });
      this.queues.set(engineId, queue);
    }
    await queue.add('command', data, { jobId });
  }

  async send(
    command: Omit<EngineCommand, 'commandId' | 'issuedAt'> & { commandId?: string },
  ): Promise<string> {
    const commandId = command.commandId ?? `cmd-${String(++this.counter)}-${randomBytes(3).toString('hex')}`;
    const seq =
      command.seq ??
      (command.botId === null
        ? undefined
        : await this.redis.incr(this.keys.key(formatName(REDIS_KEYS.botCommandSeq, { botId: command.botId }))));
    await this.sendRaw(
      command.engineId,
      { ...command, commandId, issuedAt: Date.now(), ...(seq !== undefined ? { seq } : {}) },
      commandId,
    );
    return commandId;
  }

  async startBot(engineId: string, spec: BotSpec, commandId?: string): Promise<string> {
    return this.send({
      engineId,
      botId: spec.botId,
      issuedBy: 'test',
      type: 'start-bot',
      payload: { bot: spec },
      ...(commandId ? { commandId } : {}),
    } as never);
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }
}

/** Everything engines publish on pub/sub, in arrival order, and the persisted queue on demand. */
export class EventRecorder {
  readonly realtime: EngineEvent[] = [];
  private readonly sub: Redis;
  private readonly queue: Queue;

  constructor(
    url: string,
    private readonly keys: KeySpace,
    connection: Redis,
  ) {
    this.sub = new Redis(url);
    this.sub.on('error', () => undefined);
    this.queue = new Queue(QUEUE_NAMES.engineEvents, { connection, prefix: keys.bullPrefix });
  }

  async start(): Promise<void> {
    this.sub.on('pmessage', (_pattern: string, _channel: string, message: string) => {
      this.realtime.push(JSON.parse(message) as EngineEvent);
    });
    await this.sub.psubscribe(this.keys.key(REDIS_CHANNELS.engineEventPattern));
  }

  acks(commandId: string): Extract<EngineEvent, { type: 'command-acknowledged' }>[] {
    return this.realtime.filter(
      (event): event is Extract<EngineEvent, { type: 'command-acknowledged' }> =>
        event.type === 'command-acknowledged' && event.payload.commandId === commandId,
    );
  }

  /** Every persisted event in enqueue order (nobody consumes the queue in these tests, so all jobs wait). */
  async persisted(): Promise<EngineEvent[]> {
    const jobs = await this.queue.getJobs(['waiting'], 0, -1, true);
    return jobs.map((job) => job.data as EngineEvent);
  }

  async close(): Promise<void> {
    this.sub.disconnect();
    await this.queue.close();
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** A private redis-server (no persistence) the test may kill. */
export async function startRedisServer(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    // --dir: a replica's sync or a shutdown must not leave dump.rdb in the package.
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpdir()],
    { stdio: 'ignore' },
  );
  const probe = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    retryStrategy: () => 50,
    maxRetriesPerRequest: 0,
  });
  probe.on('error', () => undefined);
  try {
    await waitFor(
      'redis-server to answer',
      async () => {
        try {
          if (probe.status !== 'ready') await probe.connect().catch(() => undefined);
          await probe.ping();
          return true;
        } catch {
          return false;
        }
      },
      10_000,
      50,
    );
  } finally {
    probe.disconnect();
  }
  return child;
}

import { pino } from 'pino';
import { EngineService, type ServiceConfig } from '../../src/bridge/engine-service.js';
import type { EngineConfig } from '../../src/service/config.js';

type ServiceEndpoints = EngineConfig['endpoints'];
import { StandaloneKernel, type PaperOrderLog } from '../../src/bridge/standalone-kernel.js';
import { createMetrics, type EngineMetrics } from '../../src/service/metrics.js';

export interface TestEngine {
  service: EngineService;
  kernel: StandaloneKernel;
  metrics: EngineMetrics;
  sent: { clientOrderId: string; botId: string; fence: number; at: number }[];
}

/** A service config with the fast timings the service tests use; overrides win. */
export function testServiceConfig(
  engineId: string,
  overrides: Partial<ServiceConfig> & { redisPrefix: string },
): ServiceConfig {
  return {
    engineId,
    redisUrl: REDIS_URL,
    sentinel: null,
    redisPassword: undefined,
    supportedExchanges: ['okx', 'polymarket'],
    capacity: 10,
    commandConcurrency: 8,
    heartbeatMs: 200,
    engineTtlMs: 1500,
    leaseTtlMs: 1500,
    redisPingMs: 100,
    eventBufferMax: 10_000,
    autoResumeAfterRedis: false,
    version: 'test',
    ...overrides,
  };
}

export async function startEngine(
  engineId: string,
  overrides: Partial<ServiceConfig> & { redisPrefix: string },
  makeKernel: (engineId: string, orderLog: PaperOrderLog) => StandaloneKernel = (id, log) => new StandaloneKernel(id, log),
): Promise<TestEngine> {
  const sent: TestEngine['sent'] = [];
  const orderLog: PaperOrderLog = { sent: (order) => sent.push(order) };
  const kernel = makeKernel(engineId, orderLog);
  const metrics = createMetrics(false);
  const config = testServiceConfig(engineId, { capacity: 100, ...overrides });
  const service = new EngineService(
    config,
    kernel,
    pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    metrics,
  );
  await service.start();
  return { service, kernel, metrics, sent };
}

/** The engine's venue endpoints on an exchange simulator at these base URLs (REST http://…, WebSocket ws://…). */
export function simulatorEndpoints(restUrl: string, wsUrl: string): ServiceEndpoints {
  return {
    okxRestUrl: restUrl,
    okxWsPublicUrl: `${wsUrl}/ws/v5/public`,
    okxWsPrivateUrl: `${wsUrl}/ws/v5/private`,
    okxWsBusinessUrl: `${wsUrl}/ws/v5/business`,
    polymarketClobUrl: `${restUrl}/polymarket`,
    polymarketWsUrl: `${wsUrl}/polymarket/ws`,
  };
}


/** A test's own key space on the shared Redis, with a command sender and an event recorder on it. */
export interface CommandHarness {
  prefix: string;
  keys: KeySpace;
  redis: Redis;
  sender: CommandSender;
  recorder: EventRecorder;
  /** Closes the sender and recorder and deletes every key of the prefix. */
  close(): Promise<void>;
}

export async function openCommandHarness(redisUrl = REDIS_URL): Promise<CommandHarness> {
  const prefix = randomPrefix();
  const keys = new KeySpace(prefix);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const sender = new CommandSender(redis, keys);
  const recorder = new EventRecorder(redisUrl, keys, redis);
  await recorder.start();
  return {
    prefix,
    keys,
    redis,
    sender,
    recorder,
    async close() {
      await sender.close();
      await recorder.close();
      const leftovers = await redis.keys(`${prefix}:*`);
      if (leftovers.length > 0) await redis.del(...leftovers);
      redis.disconnect();
    },
  };
}
