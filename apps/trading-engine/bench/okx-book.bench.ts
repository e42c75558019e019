/**
 * OKX `books` replica throughput: one recorded stream (~50k OKX messages from the simulator's seeded generator,
 * written to a JSONL file in the OS temp dir on first run) applied to our OkxOrderBook with sequence AND checksum
 * checks on, and the same stream through ccxt's OKX order-book handler (4.5.x, float levels, sequence check only)
 * in the same process. Per message: JSON.parse + validate + apply. Reported over ≥3 runs with their spread.
 */
import { cpus, loadavg } from 'node:os';
import ccxt from 'ccxt';
import { OkxOrderBook } from '../src/exchanges/okx/order-book.js';
import { parseBooksPush } from '../src/exchanges/okx/parse.js';
import { fmt, percentile, spread } from './okx-bench-stats.js';
import { loadOkxBooksStream } from './okx-books-stream.js';
import { recordFigure } from './record.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 50_000);
const RUNS = Math.max(3, Number(process.env.BENCH_RUNS ?? 5));
const SEED = 1;

interface RunResult {
  /** Messages per second of this process's CPU time (robust when other processes share the cores). */
  perSecond: number;
  /** Messages per wall-clock second. */
  perWallSecond: number;
  p50: number;
  p99: number;
}

function timeRun<T>(lines: T[], apply: (line: T) => void): RunResult {
  const samples = new Float64Array(lines.length);
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < lines.length; i++) {
    const t0 = process.hrtime.bigint();
    apply(lines[i] as T);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  const totalSec = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  const cpuSec = (used.user + used.system) / 1e6;
  samples.sort();
  return { perSecond: lines.length / cpuSec, perWallSecond: lines.length / totalSec, p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

/** `raw`: JSON text (JSON.parse included); otherwise objects already parsed by the transport, as okx-api emits them. */
function ours(lines: string[] | unknown[], raw: boolean): RunResult {
  const book = new OkxOrderBook('okx:BTC-USDT-SWAP');
  let failures = 0;
  const result = timeRun<unknown>(lines, (line) => {
    const push = parseBooksPush(raw ? JSON.parse(line as string) : line);
    if (!push) {
      failures++;
      return;
    }
    const r = push.action === 'snapshot' ? book.applySnapshot(push.data) : book.applyUpdate(push.data);
    if (r !== 'ok') failures++;
  });
  if (failures > 0) throw new Error(`our book rejected ${String(failures)} messages (sequence/checksum)`);
  return result;
}

interface CcxtOkxBooks {
  handleOrderBook(client: unknown, message: unknown): void;
  orderbooks: Record<string, { bids: unknown[] } | undefined>;
}

function viaCcxt(lines: string[] | unknown[], raw: boolean): RunResult {
  const exchange = new ccxt.pro.okx() as unknown as CcxtOkxBooks;
  let rejected = 0;
  const client = {
    // ccxt keeps going only while the subscription is registered: every messageHash is.
    subscriptions: new Proxy({}, { has: () => true, deleteProperty: () => true }),
    resolve: () => undefined,
    reject: () => { rejected++; },
  };
  const result = timeRun<unknown>(lines, (line) => { exchange.handleOrderBook(client, raw ? JSON.parse(line as string) : line); });
  if (rejected > 0) throw new Error(`ccxt rejected ${String(rejected)} messages`);
  return result;
}

async function run(): Promise<void> {
  const lines = loadOkxBooksStream(SEED, MESSAGES);
  console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${String(cpus().length)} cores (timings are per message, wall clock)`);
  console.log(`stream: ${String(lines.length)} messages (1 snapshot of 400 levels + updates), ${String(RUNS)} runs each, node ${process.version}`);
  const parsed: unknown[] = lines.map((l) => JSON.parse(l) as unknown);
  ours(parsed.slice(0, 5000), false);
  viaCcxt(parsed.slice(0, 5000), false);
  const a: RunResult[] = [];
  const b: RunResult[] = [];
  const aRaw: RunResult[] = [];
  const bRaw: RunResult[] = [];
  for (let r = 0; r < RUNS; r++) {
    a.push(ours(parsed, false));
    b.push(viaCcxt(parsed, false));
    aRaw.push(ours(lines, true));
    bRaw.push(viaCcxt(lines, true));
    await new Promise((resolve) => setImmediate(resolve));
  }
  const per = (x: RunResult[]) => fmt(spread(x.map((y) => y.perSecond)));
  const wall = (x: RunResult[]) => fmt(spread(x.map((y) => y.perWallSecond)));
  const ratio = (x: RunResult[], y: RunResult[]) => fmt(spread(x.map((v, i) => v.perSecond / (y[i]?.perSecond ?? NaN))), 2);
  const pct = (x: RunResult[], k: 'p50' | 'p99') => fmt(spread(x.map((v) => v[k])), 2);
  console.log('A) from messages as the WS client delivers them (okx-api and ccxt both JSON.parse before the book sees them):');
  console.log(`   ours (validate + seq + CRC32 checksum + apply): ${per(a)} updates per CPU-second; wall ${wall(a)}/s`);
  console.log(`   ccxt okx handleOrderBook (seq only, floats):    ${per(b)} updates per CPU-second; wall ${wall(b)}/s`);
  console.log(`   ratio ours/ccxt: ${ratio(a, b)}×   (target ≥ 2×)`);
  console.log(`   ours per message p50 ${pct(a, 'p50')} µs, p99 ${pct(a, 'p99')} µs   (target p99 ≤ 15 µs)`);
  console.log(`   ccxt per message p50 ${pct(b, 'p50')} µs, p99 ${pct(b, 'p99')} µs`);
  console.log('B) from raw JSON text (JSON.parse included, same cost for both):');
  console.log(`   ours ${per(aRaw)} vs ccxt ${per(bRaw)} updates per CPU-second; ratio ${ratio(aRaw, bRaw)}×`);
  console.log(`   ours JSON.parse+parse+apply p50 ${pct(aRaw, 'p50')} µs, p99 ${pct(aRaw, 'p99')} µs; ccxt p50 ${pct(bRaw, 'p50')} µs, p99 ${pct(bRaw, 'p99')} µs`);
  recordFigure('okx book updates per CPU second', 'updates/s', a.map((x) => x.perSecond), true);
  recordFigure('okx book ours/ccxt ratio', '×', a.map((x, i) => x.perSecond / (b[i]?.perSecond ?? NaN)), true);
  recordFigure('okx book per message p99', 'µs', a.map((x) => x.p99), false);
}

await run();
