/**
 * A bot an engine loses without handing it on is looked at again after one TTL, not at the reaper's slow sweep:
 * an adoption that fails on the adopter (a venue refusing the account for a moment), and a lease that expires under
 * its owner. With the slow sweep set to ten minutes, only the early look can bring the bot back.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotSpec } from '@trading/shared-types';
import { AssignmentStore } from '../../src/bridge/assignments.js';
import { KeySpace } from '../../src/bridge/redis-connection.js';
import { StandaloneKernel } from '../../src/bridge/standalone-kernel.js';
import { formatName, REDIS_KEYS } from '@trading/shared-types';
import { CommandSender, EventRecorder, REDIS_URL, botSpec, randomPrefix, startEngine, waitFor, type TestEngine } from './helpers.js';

/** Refuses each bot's first adoption, as a live account does when the venue answers 429 to its login. */
class FlakyAdoptionKernel extends StandaloneKernel {
  readonly attempts: string[] = [];

  override async adoptBot(spec: BotSpec, lease: { fence: number; resume: boolean; reason: string }): Promise<void> {
    this.attempts.push(spec.botId);
    if (this.attempts.filter((botId) => botId === spec.botId).length === 1)
      throw new Error(`live bot ${spec.botId}: the okx account could not connect: Too Many Requests`);
    await super.adoptBot(spec, lease);
  }
}

const prefix = randomPrefix();
const keys = new KeySpace(prefix);
let redis: Redis;
let engine: TestEngine | undefined;
let kernel: FlakyAdoptionKernel | undefined;

beforeAll(() => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
});

afterAll(async () => {
  await engine?.service.stop();
  const leftovers = await redis.keys(`${prefix}:*`);
  if (leftovers.length > 0) await redis.del(...leftovers);
  redis.disconnect();
});

describe('adoption retry', () => {
  it('adopts again after one TTL when the first adoption fails', async () => {
    const assignments = new AssignmentStore(redis, keys);
    // The bot of an engine that is gone (no registry entry, no lease), assigned long ago.
    await assignments.put({ botId: 'ar1', engineId: 'gone', fence: 3, desired: 'running', spec: botSpec('ar1', 'okx', 20), updatedAt: Date.now() - 60_000 });
    engine = await startEngine('ar-a', { redisPrefix: prefix, reaperFullSweepMs: 600_000 }, (id, log) => {
      kernel = new FlakyAdoptionKernel(id, log);
      return kernel;
    });
    const running = engine;
    await waitFor('the bot runs on the survivor', () => running.kernel.listBots().some((bot) => bot.botId === 'ar1' && bot.state === 'RUNNING'), 20_000);
    expect(kernel?.attempts).toEqual(['ar1', 'ar1']);
    const assignment = await assignments.get('ar1');
    expect(assignment).toMatchObject({ engineId: 'ar-a' });
    // Two adoptions, two new fences: each hand-over took a new lease.
    expect(assignment?.fence).toBeGreaterThanOrEqual(5);
  }, 30_000);

  it('runs a bot again after its lease expired under its owner', async () => {
    const running = engine;
    if (running === undefined) throw new Error('fixture: the engine of the first test');
    const fenceBefore = (await new AssignmentStore(redis, keys).get('ar1'))?.fence ?? 0;
    // The lease vanishes (as after a stall longer than the TTL): the owner's renewal fails and it drops the bot.
    await redis.del(keys.key(formatName(REDIS_KEYS.botLease, { botId: 'ar1' })));
    await waitFor('the owner dropped the bot', () => !running.kernel.listBots().some((bot) => bot.botId === 'ar1'), 10_000);
    await waitFor('the bot runs again', () => running.kernel.listBots().some((bot) => bot.botId === 'ar1' && bot.state === 'RUNNING'), 20_000);
    expect((await new AssignmentStore(redis, keys).get('ar1'))?.fence).toBeGreaterThan(fenceBefore);
  }, 40_000);

  it('a stop for a bot its engine lost removes the assignment: nobody adopts the stopped bot again', async () => {
    const running = engine;
    if (running === undefined) throw new Error('fixture: the engine of the first test');
    const sender = new CommandSender(redis, keys);
    const recorder = new EventRecorder(REDIS_URL, keys, redis);
    await recorder.start();
    try {
      await redis.del(keys.key(formatName(REDIS_KEYS.botLease, { botId: 'ar1' })));
      await waitFor('the owner dropped the bot', () => !running.kernel.listBots().some((bot) => bot.botId === 'ar1'), 10_000);
      // The user stops it before the reaper's early look (one TTL) brings it back.
      const stop = await sender.send({ engineId: 'ar-a', botId: 'ar1', issuedBy: 'test', type: 'stop-bot', payload: {} });
      const ack = await waitFor('stop acknowledged', () => recorder.acks(stop)[0], 10_000);
      expect(ack.payload).toMatchObject({ accepted: true });
      expect(ack.payload.reason).toContain('assignment removed');
      expect(await new AssignmentStore(redis, keys).get('ar1')).toBeNull();
      // Several TTLs (1.5 s) and heartbeats (200 ms) later the bot is still stopped.
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      expect(running.kernel.listBots().some((bot) => bot.botId === 'ar1')).toBe(false);
    } finally {
      await sender.close();
      await recorder.close();
    }
  }, 40_000);
});
