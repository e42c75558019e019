/**
 * After a Redis outage no engine is judged dead before every engine had one TTL to register again: registry entries
 * and leases all expire during a long enough outage, and the engine that reconnects first must not take the bots of
 * one that reconnects a moment later (a soak under load lost 15 leases this way and left 30 bots paused). The test
 * freezes a private redis-server (SIGSTOP: keys expire meanwhile), lets the engine recover, then offers its reaper
 * an orphan (assigned to an engine that is not registered): it is adopted only after the hold.
 */
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssignmentStore } from '../../src/bridge/assignments.js';
import { EngineRegistry } from '../../src/bridge/registry.js';
import { KeySpace } from '../../src/bridge/redis-connection.js';
import { botSpec, freePort, randomPrefix, startEngine, startRedisServer, waitFor, type TestEngine } from './helpers.js';

const ENGINE_TTL_MS = 4000;
const prefix = randomPrefix();
let server: ChildProcess;
let redis: Redis;
let engine: TestEngine;

beforeAll(async () => {
  const port = await freePort();
  const url = `redis://127.0.0.1:${String(port)}`;
  server = await startRedisServer(port);
  redis = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
  redis.on('error', () => undefined);
  engine = await startEngine('hold-a', { redisPrefix: prefix, redisUrl: url, engineTtlMs: ENGINE_TTL_MS, leaseTtlMs: ENGINE_TTL_MS, heartbeatMs: 200 });
});

afterAll(async () => {
  await engine.service.stop();
  redis.disconnect();
  if (server.pid !== undefined) {
    try {
      process.kill(server.pid, 'SIGCONT');
    } catch {
      // gone
    }
  }
  server.kill('SIGKILL');
});

describe('reaper after a Redis outage', () => {
  it('hands nothing over for one engine TTL after the recovery, then adopts the orphan', async () => {
    const pid = server.pid ?? 0;
    process.kill(pid, 'SIGSTOP');
    await waitFor('fail-closed', () => !engine.service.canTrade, 5000);
    process.kill(pid, 'SIGCONT');
    await waitFor('recovered', () => engine.service.canTrade, 10_000);
    const recoveredAt = Date.now();
    // An orphan as the outage leaves it: its engine's last heartbeat is older than the TTL, its lease gone.
    const keys = new KeySpace(prefix);
    await new EngineRegistry(redis, keys, ENGINE_TTL_MS).write({ ...engine.service.info(), engineId: 'hold-gone', botIds: ['orphan1'], heartbeatAt: Date.now() - 60_000 });
    const assignments = new AssignmentStore(redis, keys);
    await assignments.put({ botId: 'orphan1', engineId: 'hold-gone', fence: 1, desired: 'running', spec: botSpec('orphan1'), updatedAt: Date.now() - 60_000 });
    // Half the hold: the reaper sweeps every heartbeat (200 ms) and would have handed it over by now.
    await new Promise((resolve) => setTimeout(resolve, ENGINE_TTL_MS / 2 - (Date.now() - recoveredAt)));
    expect((await assignments.get('orphan1'))?.engineId).toBe('hold-gone');
    expect(engine.kernel.listBots().some((bot) => bot.botId === 'orphan1')).toBe(false);
    // After the hold it is adopted as any orphan is.
    await waitFor('the orphan adopted', () => engine.kernel.listBots().some((bot) => bot.botId === 'orphan1'), 15_000);
    expect((await assignments.get('orphan1'))?.engineId).toBe('hold-a');
    expect(Date.now() - recoveredAt).toBeGreaterThanOrEqual(ENGINE_TTL_MS - 500);
  }, 40_000);
});
