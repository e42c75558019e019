/**
 * Sentinel mode against a real Redis Sentinel (redis-server --sentinel on a spare port, monitoring the test Redis
 * at 127.0.0.1:6379): with REDIS_SENTINELS + REDIS_SENTINEL_MASTER the backend's connections find the master
 * through the sentinel, and an unknown master name fails instead of silently using REDIS_URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config/env.js';
import { createRedis, redisOptions } from './redis.js';

const MASTER = `cms-test-${randomBytes(3).toString('hex')}`;
let sentinel: ChildProcess;
let dir: string;
let port = 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

beforeAll(async () => {
  port = await freePort();
  dir = mkdtempSync(join(tmpdir(), 'cms-sentinel-'));
  const file = join(dir, 'sentinel.conf');
  writeFileSync(file, `port ${port}\nbind 127.0.0.1\ndir ${dir}\nsentinel monitor ${MASTER} 127.0.0.1 6379 1\n`);
  sentinel = spawn('redis-server', [file, '--sentinel'], { stdio: 'ignore' });
  for (let i = 0; ; i += 1) {
    const probe = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => undefined);
    const up = await probe.connect().then(
      () => true,
      () => false,
    );
    probe.disconnect();
    if (up) break;
    if (i > 50) throw new Error('sentinel did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
});

afterAll(() => {
  sentinel.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

describe('Redis connections', () => {
  it('without sentinels connect to REDIS_URL', () => {
    const options = redisOptions(loadConfig({ REDIS_URL: 'redis://:s3cret@10.1.2.3:6380/2' }));
    expect(options).toMatchObject({ host: '10.1.2.3', port: 6380, db: 2, password: 's3cret' });
    expect(options.sentinels).toBeUndefined();
  });

  it('with REDIS_SENTINELS + REDIS_SENTINEL_MASTER find the master through the sentinel', async () => {
    const config = loadConfig({ REDIS_SENTINELS: `127.0.0.1:${port}`, REDIS_SENTINEL_MASTER: MASTER, REDIS_URL: 'redis://10.255.255.1:1' });
    expect(config.redisSentinel).toEqual({ sentinels: [{ host: '127.0.0.1', port }], name: MASTER });
    const viaSentinel = createRedis(config, { maxRetriesPerRequest: 1 });
    const direct = new Redis('redis://127.0.0.1:6379');
    const key = `${MASTER}:probe`;
    try {
      await viaSentinel.set(key, 'through-sentinel', 'EX', 30);
      expect(await direct.get(key)).toBe('through-sentinel');
    } finally {
      await direct.del(key);
      viaSentinel.disconnect();
      direct.disconnect();
    }
  });

  it('an unknown master name fails rather than falling back to REDIS_URL', async () => {
    const config = loadConfig({ REDIS_SENTINELS: `127.0.0.1:${port}`, REDIS_SENTINEL_MASTER: 'no-such-master' });
    const client = createRedis(config, { maxRetriesPerRequest: 0, lazyConnect: true, sentinelRetryStrategy: () => null });
    client.on('error', () => undefined);
    await expect(client.connect()).rejects.toThrow();
    client.disconnect();
  });
});
