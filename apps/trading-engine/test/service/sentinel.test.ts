/**
 * Redis Sentinel failover survived with the fail-closed rules: a private master + replica + one Sentinel
 * (redis-server --sentinel); the engine connects through the Sentinel, the master is SIGKILLed, the Sentinel promotes
 * the replica, and the engine — after pausing with reason redis-unavailable — re-registers on the new master,
 * re-validates its lease there and (auto-resume on) trades again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeySpace } from '../../src/bridge/redis-connection.js';
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
const dir = mkdtempSync(join(tmpdir(), 'te-sentinel-'));
const processes: ChildProcess[] = [];
let masterPort: number;
let replicaPort: number;
let sentinelPort: number;
let master: ChildProcess;
let engine: TestEngine;

beforeAll(async () => {
  [masterPort, replicaPort, sentinelPort] = [await freePort(), await freePort(), await freePort()];
  master = await startRedisServer(masterPort);
  processes.push(master);
  const replica = spawn(
    'redis-server',
    [
      '--port',
      String(replicaPort),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--replicaof',
      '127.0.0.1',
      String(masterPort),
    ],
    { stdio: 'ignore' },
  );
  processes.push(replica);
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(
    conf,
    [
      `port ${String(sentinelPort)}`,
      'bind 127.0.0.1',
      `sentinel monitor mm 127.0.0.1 ${String(masterPort)} 1`,
      'sentinel down-after-milliseconds mm 1000',
      'sentinel failover-timeout mm 5000',
      '',
    ].join('\n'),
  );
  processes.push(spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' }));
  const sentinel = new Redis({ port: sentinelPort, host: '127.0.0.1', retryStrategy: () => 100 });
  sentinel.on('error', () => undefined);
  await waitFor(
    'sentinel sees the replica',
    async () => {
      try {
        const replicas = (await sentinel.call('SENTINEL', 'REPLICAS', 'mm')) as unknown[];
        return replicas.length === 1;
      } catch {
        return false;
      }
    },
    20_000,
    100,
  );
  sentinel.disconnect();
  engine = await startEngine('sn-1', {
    redisPrefix: prefix,
    redisUrl: 'redis://unused:1',
    sentinel: { name: 'mm', sentinels: [{ host: '127.0.0.1', port: sentinelPort }] },
    autoResumeAfterRedis: true,
    leaseTtlMs: 5000,
    engineTtlMs: 5000,
  });
});

afterAll(async () => {
  await engine.service.stop();
  for (const child of processes) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('Redis Sentinel failover', () => {
  it('pauses on master loss and trades again on the promoted replica', async () => {
    const admin = new Redis({
      sentinels: [{ host: '127.0.0.1', port: sentinelPort }],
      name: 'mm',
      maxRetriesPerRequest: null,
    });
    admin.on('error', () => undefined);
    const sender = new CommandSender(admin, keys);
    const recorder = new EventRecorder(`redis://127.0.0.1:${String(masterPort)}`, keys, admin);
    await recorder.start();
    try {
      const start = await sender.startBot('sn-1', botSpec('sn-bot', 'okx', 20));
      await waitFor(
        'bot accepted and trading',
        () => recorder.acks(start).length === 1 && engine.sent.length > 3,
        10_000,
      );
      // The lease reached the replica before the master dies (asynchronous replication).
      const replica = new Redis({ port: replicaPort, host: '127.0.0.1' });
      await waitFor(
        'lease replicated',
        async () => (await replica.exists(keys.key('te:lease:bot:sn-bot'))) === 1,
        5000,
      );

      master.kill('SIGKILL');
      const killedAt = Date.now();
      await waitFor('fail-closed', () => !engine.service.canTrade, 2000, 10);
      await waitFor('paused', () => engine.kernel.listBots()[0]?.state === 'PAUSED', 2000, 10);
      const closedAt = Date.now();

      await waitFor(
        'replica promoted',
        async () => ((await replica.info('replication')).includes('role:master') ? true : false),
        15_000,
        100,
      );
      await waitFor('engine recovered', () => engine.service.canTrade, 15_000, 50);
      await waitFor('bot trades again', () => engine.sent.some((order) => order.at > closedAt), 5000);
      // Nothing left the engine from 1 s after the master died until it re-validated on the new master.
      const recoveredAt = engine.service.lastRecoveredAt ?? 0;
      expect(recoveredAt).toBeGreaterThan(killedAt);
      expect(engine.sent.filter((order) => order.at > killedAt + 1000 && order.at < recoveredAt)).toEqual([]);
      expect(await replica.zscore(keys.key('te:registry'), 'sn-1')).not.toBeNull();
      expect(await replica.get(keys.key('te:lease:bot:sn-bot'))).toMatch(/^sn-1#/);
      replica.disconnect();
    } finally {
      await sender.close();
      await recorder.close();
      admin.disconnect();
    }
  });
});
