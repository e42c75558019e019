/**
 * npm run bench -w @trading/cms-backend
 * Figures of the CMS backend against real PostgreSQL and Redis on 127.0.0.1:
 *  - GET /api/bots and GET /api/orders?botId=… (autocannon, bounded runs) with 1,000,000 orders seeded by one
 *    INSERT … SELECT generate_series in a dedicated database (bench_cms, created and dropped here);
 *  - engine events persisted per second by the workers through BullMQ, with a zero-loss check.
 * The server runs as a child process (as with `npm start`), so the load generator does not share its thread.
 * Each figure is printed as the mean of several runs with the min–max spread.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { QUEUE_NAMES } from '@trading/shared-types';
import { bullPrefix } from '../src/services/engines/command-bus.js';
import { buildEventStream } from '../test/event-factory.js';
import { recordBenchFigures, summarize } from '../../../scripts/lib/bench-results.mjs';

interface AutocannonResult {
  requests: { average: number };
  latency: { p99: number; p50: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DB_NAME = 'bench_cms';
const DB_URL = ADMIN_URL.replace(/\/[^/]*$/, `/${DB_NAME}`);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ORDERS = Number(process.env.BENCH_ORDERS ?? 1_000_000);
const BOTS = 20;
const here = dirname(fileURLToPath(import.meta.url));

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

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  await client.query(sql);
  await client.end();
}

function stats(values: number[]): string {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return `${mean.toFixed(0)} (runs ${values.map((v) => v.toFixed(0)).join(', ')}; spread ${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)})`;
}

async function main(): Promise<void> {
  const prefix = `bench${randomBytes(3).toString('hex')}`;
  await admin(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${DB_NAME}`);
  const port = await freePort();
  let server: ChildProcess | null = null;
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const db = new pg.Client({ connectionString: DB_URL });
  try {
    // BENCH_SERVER_ARGS: extra node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it.
    const serverArgs = (process.env.BENCH_SERVER_ARGS ?? '').split(' ').filter((arg) => arg !== '');
    server = spawn(process.execPath, [...serverArgs, '--import', 'tsx', join(here, '..', 'src', 'server.ts')], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: DB_URL,
        REDIS_URL,
        REDIS_PREFIX: prefix,
        LOG_LEVEL: 'warn',
        RATE_LIMIT_PER_MINUTE: '1000000000',
        WORKERS: 'on',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i += 1) {
      const ok = await fetch(`${base}/api/system/health`).then((r) => r.ok, () => false);
      if (ok) break;
      if (i > 300) throw new Error('server did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
    await db.connect();
    const seedStart = performance.now();
    await db.query(
      `INSERT INTO bots (bot_id, name, exchange, strategy, mode, status, config, exchange_config, risk_limits)
       SELECT 'bench-bot-' || g, 'bench ' || g, CASE WHEN g % 2 = 0 THEN 'okx' ELSE 'polymarket' END, 'market-making', 'paper', 'RUNNING',
              '{"spread":"0.01","orderSize":"1"}', '{}', '{"maxDailyLoss":"1","maxDrawdown":1,"maxPositionSize":"1"}'
       FROM generate_series(0, ${BOTS - 1}) g`,
    );
    await db.query(
      `INSERT INTO orders (order_id, client_order_id, exchange, bot_id, instrument_id, side, type, price, quantity, filled_quantity, status, source, mode, created_at, updated_at)
       SELECT 'o' || g, 'o' || g, CASE WHEN g % ${BOTS} % 2 = 0 THEN 'okx' ELSE 'polymarket' END, 'bench-bot-' || (g % ${BOTS}),
              CASE WHEN g % ${BOTS} % 2 = 0 THEN 'okx:BTC-USDT-SWAP' ELSE 'polymarket:0xabc' END,
              CASE WHEN g % 2 = 0 THEN 'BUY' ELSE 'SELL' END, 'LIMIT', 100 + (g % 1000) / 100.0, 1, CASE WHEN g % 3 = 0 THEN 1 ELSE 0 END,
              (ARRAY['OPEN','FILLED','CANCELLED'])[1 + g % 3], 'strategy', 'paper',
              now() - (g || ' seconds')::interval, now() - (g || ' seconds')::interval
       FROM generate_series(1, ${ORDERS}) g`,
    );
    // What autovacuum does soon after a bulk load: the visibility map lets counts use index-only scans.
    await db.query('VACUUM ANALYZE');
    process.stdout.write(`seeded ${ORDERS} orders across ${BOTS} bots in ${((performance.now() - seedStart) / 1000).toFixed(1)} s\n`);

    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: process.env.ADMIN_EMAIL ?? 'admin@example.com', password: process.env.ADMIN_PASSWORD ?? 'your-password' }) });
    const { token } = (await login.json()) as { token: string };
    const headers = { authorization: `Bearer ${token}` };

    const parts = (process.env.BENCH_PARTS ?? 'http,events').split(',');
    for (const [label, path] of parts.includes('http') ? ([
      ['GET /api/bots', '/api/bots'],
      ['GET /api/orders?botId=…', '/api/orders?botId=bench-bot-3'],
    ] as const) : []) {
      await autocannon({ url: `${base}${path}`, headers, connections: 20, duration: 1 }); // warm-up
      const rps: number[] = [];
      const p99: number[] = [];
      let bad = 0;
      for (let run = 0; run < RUNS; run += 1) {
        const r = await autocannon({ url: `${base}${path}`, headers, connections: 20, duration: SECONDS });
        rps.push(r.requests.average);
        p99.push(r.latency.p99);
        bad += r.non2xx + r.errors;
      }
      process.stdout.write(`${label}: req/s ${stats(rps)}; p99 ms ${stats(p99)}; non-2xx/errors ${bad}\n`);
      // Machine-readable copy for the baseline comparison at the end of `npm run bench` (scripts/bench-compare.mjs).
      recordBenchFigures('cms-backend', [
        { name: `${label} req/s`, unit: 'req/s', ...summarize(rps), higherIsBetter: true },
        { name: `${label} p99`, unit: 'ms', ...summarize(p99), higherIsBetter: false },
      ]);
    }

    const queue = new Queue(QUEUE_NAMES.engineEvents, { connection: redis, prefix: bullPrefix(prefix) });
    const rates: number[] = [];
    // Run -1 is a warm-up (JIT, PostgreSQL and Redis caches, worker connections), as the HTTP part has: not counted.
    for (let run = -1; run < (parts.includes('events') ? RUNS : -1); run += 1) {
      const events = Array.from({ length: 10 }, (_, b) =>
        buildEventStream({ botId: `bench-bot-${b}`, engineId: 'te-bench', filledOrders: 200, cancelledOrders: 150, pnlTicks: 50, prefix: `r${run}b${b}-` }).events,
      ).flat();
      const [{ n: before }] = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM processed_events')).rows as [{ n: number }];
      const t0 = performance.now();
      for (let i = 0; i < events.length; i += 2000) {
        await queue.addBulk(events.slice(i, i + 2000).map((e) => ({ name: e.type, data: e, opts: { jobId: e.eventId, removeOnComplete: true } })));
      }
      let after = before;
      while (after - before < events.length) {
        await new Promise((r) => setTimeout(r, 50));
        after = ((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM processed_events')).rows[0] as { n: number }).n;
        if (performance.now() - t0 > 180_000) throw new Error(`only ${after - before}/${events.length} events persisted after 180 s`);
      }
      const seconds = (performance.now() - t0) / 1000;
      const failed = (await queue.getJobCounts('failed')).failed ?? 0;
      if (after - before !== events.length || failed !== 0) throw new Error(`loss: persisted ${after - before}/${events.length}, failed ${failed}`);
      if (run >= 0) rates.push(events.length / seconds);
      process.stdout.write(`  ${run < 0 ? 'warm-up' : `run ${run + 1}`}: ${events.length} events persisted in ${seconds.toFixed(2)} s, 0 lost\n`);
    }
    await queue.close();
    if (rates.length > 0) {
      process.stdout.write(`engine events persisted/s (enqueue → committed, BullMQ + PostgreSQL): ${stats(rates)}; zero loss\n`);
      recordBenchFigures('cms-backend', [{ name: 'engine events persisted/s', unit: 'events/s', ...summarize(rates), higherIsBetter: true }]);
    }
  } finally {
    server?.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1000));
    await db.end().catch(() => undefined);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
    await admin(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
