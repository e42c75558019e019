/**
 * The command bus numbers each bot's commands (`seq`) from a counter in Redis, so the order survives a CMS restart and
 * two CMS instances sending commands of one bot; the engine executes one bot's commands in this order. Real Redis,
 * own key prefix.
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES, formatName, type EngineCommand } from '@trading/shared-types';
import { bullPrefix, createCommandBus } from '../src/services/engines/command-bus.js';
import { REDIS_URL } from './helpers.js';

const prefix = `test-bus-${randomBytes(4).toString('hex')}`;
let redis: Redis;

beforeAll(() => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
});

afterAll(async () => {
  const leftovers = await redis.keys(`${prefix}:*`);
  if (leftovers.length > 0) await redis.del(...leftovers);
  redis.disconnect();
});

async function queued(engineId: string): Promise<EngineCommand[]> {
  const queue = new Queue(formatName(QUEUE_NAMES.engineCommands, { engineId }), { connection: redis, prefix: bullPrefix(prefix) });
  const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
  await queue.close();
  return jobs.map((job) => job.data as EngineCommand).sort((a, b) => a.issuedAt - b.issuedAt || (a.seq ?? 0) - (b.seq ?? 0));
}

describe('command bus sequence numbers', () => {
  it('numbers one bot’s commands 1, 2, 3… across two CMS instances and a restart; engine-wide commands carry none', async () => {
    const first = createCommandBus(redis, prefix);
    const second = createCommandBus(redis, prefix);
    const pause = { engineId: 'e1', botId: 'bot-a', issuedBy: 'test', type: 'pause-bot', payload: {} } as const;
    const resume = { engineId: 'e1', botId: 'bot-a', issuedBy: 'test', type: 'resume-bot', payload: {} } as const;
    const seqs: (number | undefined)[] = [];
    seqs.push((await first.send(pause)).seq, (await second.send(resume)).seq);
    // Two sends at once from both instances: distinct numbers, none reused.
    const together = await Promise.all([first.send(pause), second.send(resume)]);
    seqs.push(...together.map((command) => command.seq));
    await first.close();
    // A restarted CMS (a new bus, nothing in memory) continues the bot's count.
    const restarted = createCommandBus(redis, prefix);
    seqs.push((await restarted.send(pause)).seq);
    // Another bot has its own count; an engine-wide command has none.
    const other = await restarted.send({ ...pause, botId: 'bot-b' });
    const drain = await second.send({ engineId: 'e1', botId: null, issuedBy: 'test', type: 'drain-engine', payload: {} });
    await Promise.all([second.close(), restarted.close()]);

    expect([...seqs].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([1, 2, 3, 4, 5]);
    expect(seqs.slice(0, 2)).toEqual([1, 2]);
    expect(seqs[4]).toBe(5);
    expect(other.seq).toBe(1);
    expect(drain.seq).toBeUndefined();
    // The numbers are on the queued jobs, where the engine reads them.
    const jobs = await queued('e1');
    expect(jobs.filter((job) => job.botId === 'bot-a').map((job) => job.seq).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(jobs.find((job) => job.type === 'drain-engine')).not.toHaveProperty('seq');
  });
});
