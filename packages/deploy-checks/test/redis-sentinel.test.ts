// The Redis entrypoints of docker/database/redis run for real with the Debian redis-server: a password-protected
// master, a replica and three Sentinels on free local ports. The Sentinels promote the replica when the master
// dies, a restarted old master (started with role "master", as compose does) asks the Sentinels and rejoins as
// a replica instead of becoming a second master, and neither Redis nor the Sentinels answer without the password.
// A client configured like the apps (ioredis with sentinels + name + password + sentinelPassword, i.e.
// REDIS_SENTINELS / REDIS_SENTINEL_MASTER / REDIS_PASSWORD) follows the failover by itself.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoPath } from '../src/index.js';

const run = promisify(execFile);
const scripts = repoPath('docker', 'database', 'redis');
const password = randomBytes(12).toString('hex');
const masterName = `deploy-checks-${randomBytes(3).toString('hex')}`;
const root = mkdtempSync(join(tmpdir(), 'deploy-checks-redis-'));
const children: ChildProcess[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

async function cli(port: number, args: string[], auth = true): Promise<string> {
  try {
    const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], {
      env: { ...process.env, ...(auth ? { REDISCLI_AUTH: password } : {}) },
      timeout: 3000,
    });
    return stdout.trim();
  } catch (error) {
    return `error: ${error instanceof Error ? error.message : String(error)}`;
  }
}

async function until<T>(what: string, probe: () => Promise<T>, ok: (value: T) => boolean, seconds = 20): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < seconds * 5; i++) {
    last = await probe();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what}: still ${JSON.stringify(last)} after ${seconds} s`);
}

function start(script: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn('sh', [join(scripts, script), ...args], { env: { ...process.env, ...env }, stdio: 'ignore' });
  children.push(child);
  return child;
}

let masterPort = 0;
let replicaPort = 0;
const sentinelPorts: number[] = [];
let master: ChildProcess;
let common: Record<string, string> = {};

function startNode(role: 'master' | 'replica', port: number, dir: string): ChildProcess {
  return start('redis-entrypoint.sh', [role], { ...common, REDIS_PORT: String(port), REDIS_DATA_DIR: dir, REDIS_SELF_HOST: '127.0.0.1' });
}

beforeAll(async () => {
  masterPort = await freePort();
  replicaPort = await freePort();
  for (let i = 0; i < 3; i++) sentinelPorts.push(await freePort());
  common = {
    REDIS_PASSWORD: password,
    REDIS_SENTINEL_MASTER: masterName,
    SENTINEL_HOSTS: sentinelPorts.map((p) => `127.0.0.1:${p}`).join(' '),
    REDIS_MASTER_HOST: '127.0.0.1',
    REDIS_MASTER_PORT: String(masterPort),
    REDIS_MAXMEMORY: '64mb',
  };
  master = startNode('master', masterPort, mkdtempSync(join(root, 'm-')));
  await until('master up', () => cli(masterPort, ['ping']), (v) => v === 'PONG');
  startNode('replica', replicaPort, mkdtempSync(join(root, 'r-')));
  // The replica is in sync before the Sentinels start, so their first INFO of the master already lists it
  // (Sentinel polls INFO only every 10 s outside a failover).
  await until('replica in sync', () => cli(replicaPort, ['info', 'replication']), (v) => v.includes('master_link_status:up'));
  for (const [i, port] of sentinelPorts.entries()) {
    start('sentinel-entrypoint.sh', [], {
      ...common,
      SENTINEL_PORT: String(port),
      SENTINEL_DATA_DIR: mkdtempSync(join(root, `s${i}-`)),
      SENTINEL_DOWN_AFTER_MS: '1000',
      SENTINEL_FAILOVER_TIMEOUT_MS: '3000',
    });
  }
  await until('sentinels see each other and the replica', () => cli(sentinelPorts[0] ?? 0, ['sentinel', 'master', masterName]), (v) => {
    const lines = v.split('\n');
    const field = (name: string): string => lines[lines.indexOf(name) + 1] ?? '';
    return field('num-other-sentinels') === '2' && field('num-slaves') === '1';
  });
}, 60_000);

let client: Redis | undefined;

afterAll(() => {
  client?.disconnect(false);
  for (const child of children) if (child.exitCode === null && child.pid !== undefined) child.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

describe('Redis master, replica and Sentinels (docker/database/redis)', () => {
  it('require the password on the data nodes and on the Sentinels', async () => {
    expect(await cli(masterPort, ['ping'], false)).toMatch(/NOAUTH/);
    expect(await cli(sentinelPorts[1] ?? 0, ['ping'], false)).toMatch(/NOAUTH/);
    expect(await cli(sentinelPorts[1] ?? 0, ['sentinel', 'get-master-addr-by-name', masterName])).toBe(`127.0.0.1\n${masterPort}`);
    expect(await cli(masterPort, ['config', 'get', 'maxmemory-policy'])).toBe('maxmemory-policy\nnoeviction');
  });

  it('fail over to the replica when the master dies, and the old master rejoins as a replica', async () => {
    client = new Redis({
      sentinels: sentinelPorts.map((port) => ({ host: '127.0.0.1', port })),
      name: masterName,
      password,
      sentinelPassword: password,
      maxRetriesPerRequest: null,
    });
    // Connection errors are expected while the master is down; the command retries are what the test checks.
    client.on('error', () => undefined);
    await client.set('deploy-checks:key', 'kept');
    await until('write replicated', () => cli(replicaPort, ['get', 'deploy-checks:key']), (v) => v === 'kept');
    master.kill('SIGKILL');
    await until(
      'sentinels promote the replica',
      () => cli(sentinelPorts[2] ?? 0, ['sentinel', 'get-master-addr-by-name', masterName]),
      (v) => v === `127.0.0.1\n${replicaPort}`,
      30,
    );
    expect(await cli(replicaPort, ['info', 'replication'])).toContain('role:master');
    expect(await cli(replicaPort, ['get', 'deploy-checks:key'])).toBe('kept');
    // The Sentinel client reconnects to the new master on its own and can write again.
    await until('client follows the failover', async () => client?.set('deploy-checks:after', 'written').catch(() => 'no'), (v) => v === 'OK');
    expect(await cli(replicaPort, ['get', 'deploy-checks:after'])).toBe('written');

    // Compose restarts the old master with its first-boot role "master": it must not become a second master.
    startNode('master', masterPort, mkdtempSync(join(root, 'm2-')));
    const info = await until('old master rejoins', () => cli(masterPort, ['info', 'replication']), (v) => v.includes('master_link_status:up'));
    expect(info).toContain('role:slave');
    expect(info).toContain(`master_port:${replicaPort}`);
    expect(await cli(masterPort, ['get', 'deploy-checks:key'])).toBe('kept');
  }, 60_000);
});
