/**
 * Fail-closed on Redis loss, against a private redis-server this test kills: no order leaves any engine more than
 * 1 s after Redis died, every bot is PAUSED with reason redis-unavailable, events wait in the buffer; when Redis is
 * back the engines re-register, re-validate their leases, flush the buffer, and bots stay paused (default) or
 * resume (AUTO_RESUME_AFTER_REDIS).
 */
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeySpace } from '../../src/bridge/redis-connection.js';
import { StandaloneKernel } from '../../src/bridge/standalone-kernel.js';
import {
  CommandSender,
  EventRecorder,
  botSpec,
  freePort,
  randomPrefix,
  startEngine,
  startRedisServer,
  waitFor,
  type TestEngine,
} from './helpers.js';

const prefix = randomPrefix();
const keys = new KeySpace(prefix);
let port: number;
let url: string;
let server: ChildProcess;
let redis: Redis;
let sender: CommandSender;
let recorder: EventRecorder;
let stay: TestEngine;
let resume: TestEngine;
let slow: TestEngine | undefined;

beforeAll(async () => {
  port = await freePort();
  url = `redis://127.0.0.1:${String(port)}`;
  server = await startRedisServer(port);
  redis = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
  redis.on('error', () => undefined);
  sender = new CommandSender(redis, keys);
  recorder = new EventRecorder(url, keys, redis);
  await recorder.start();
  stay = await startEngine('fc-stay', { redisPrefix: prefix, redisUrl: url });
  resume = await startEngine('fc-resume', { redisPrefix: prefix, redisUrl: url, autoResumeAfterRedis: true });
});

class SlowPauseKernel extends StandaloneKernel {
  override async pauseAllForFailClosed(reason: string): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, SLOW_PAUSE_MS));
    await super.pauseAllForFailClosed(reason);
  }
}
const SLOW_PAUSE_MS = 4000;

afterAll(async () => {
  await stay.service.stop();
  await resume.service.stop();
  await slow?.service.stop();
  await sender.close();
  await recorder.close();
  redis.disconnect();
  server.kill('SIGKILL');
});

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else
      child.once('exit', () => {
        resolve();
      });
  });

describe('fail-closed on Redis loss', () => {
  it('stops orders within 1 s, pauses bots, and recovers by the configured rule', async () => {
    const starts = await Promise.all([
      sender.startBot('fc-stay', botSpec('s1', 'okx', 20)),
      sender.startBot('fc-stay', botSpec('s2', 'polymarket', 20)),
      sender.startBot('fc-resume', botSpec('r1', 'okx', 20)),
    ]);
    await waitFor('bots accepted', () =>
      starts.every((id) => recorder.acks(id)[0]?.payload.accepted === true),
    );
    await waitFor('orders flowing', () => stay.sent.length > 5 && resume.sent.length > 5);

    server.kill('SIGKILL');
    const killedAt = Date.now();
    await exited(server);
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const late = [...stay.sent, ...resume.sent].filter((order) => order.at > killedAt + 1000);
    expect(late, 'orders sent more than 1 s after Redis died').toEqual([]);
    for (const engine of [stay, resume]) {
      expect(engine.service.canTrade).toBe(false);
      expect(engine.service.healthReport()).toMatchObject({ status: 'degraded', redis: 'down' });
      for (const bot of engine.kernel.listBots()) expect(bot.state).toBe('PAUSED');
      expect(engine.service.events.buffered).toBeGreaterThan(0);
    }

    const stayCount = stay.sent.length;
    server = await startRedisServer(port);
    const backAt = Date.now();
    await waitFor(
      'both engines re-registered',
      async () => (await redis.zcard(keys.key('te:registry'))) === 2,
      10_000,
      100,
    );
    await waitFor('trading allowed again', () => stay.service.canTrade && resume.service.canTrade, 10_000);
    await waitFor('auto-resume bot trades again', () => resume.sent.some((order) => order.at > backAt), 5000);
    expect(resume.kernel.listBots().every((bot) => bot.state === 'RUNNING')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stay.kernel.listBots().map((bot) => bot.state)).toEqual(['PAUSED', 'PAUSED']);
    expect(stay.sent.length).toBe(stayCount);
    // Leases were re-validated on the fresh (empty) Redis: held again, by their engines.
    expect(await redis.get(keys.key('te:lease:bot:s1'))).toMatch(/^fc-stay#/);

    // The outage's events were buffered and flushed in order: the pause with its reason is persisted.
    await stay.service.events.drained();
    const persisted = await recorder.persisted();
    const pauses = persisted.filter(
      (event) =>
        event.type === 'bot-state-changed' && event.engineId === 'fc-stay' && event.payload.to === 'PAUSED',
    );
    expect(pauses.map((event) => (event.type === 'bot-state-changed' ? event.payload.reason : ''))).toEqual([
      'redis-unavailable',
      'redis-unavailable',
    ]);
    const seqs = persisted.filter((event) => event.engineId === 'fc-stay').map((event) => event.seq ?? 0);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    // Redis came back empty, yet the events persisted before the kill are queued again (replay window): the bots'
    // starts, from the engine's first seq on.
    const started = persisted.filter(
      (event) =>
        event.type === 'bot-state-changed' && event.engineId === 'fc-stay' && event.payload.to === 'RUNNING',
    );
    expect(started.map((event) => event.botId).sort()).toEqual(['s1', 's2']);
    expect(seqs[0]).toBe(1_000_000_000);
  });

  it('an outage shorter than the fail-closed pause: the pause finishes first, then the bot resumes', async () => {
    // A kernel whose fail-closed pause takes longer than the outage (a live kernel cancelling at a slow venue).
    slow = await startEngine('fc-slow', { redisPrefix: prefix, redisUrl: url, autoResumeAfterRedis: true }, (id, log) => new SlowPauseKernel(id, log));
    const engine = slow;
    const start = await sender.startBot('fc-slow', botSpec('w1', 'okx', 20));
    await waitFor('start ack', () => recorder.acks(start)[0], 10_000);
    await waitFor('orders flowing', () => engine.sent.length > 3, 10_000);
    server.kill('SIGKILL');
    await exited(server);
    await waitFor('fail-closed', () => !engine.service.canTrade, 5000);
    server = await startRedisServer(port);
    const backAt = Date.now();
    await waitFor('trading allowed again', () => engine.service.canTrade, 10_000);
    // Without waiting for the pause, the resume came first and the late pause left the bot PAUSED for good.
    await waitFor('the bot trades again after the pause finished', () => engine.sent.some((order) => order.at > backAt + SLOW_PAUSE_MS), 20_000);
    expect(engine.kernel.listBots().map((bot) => bot.state)).toEqual(['RUNNING']);
  }, 40_000);
});
