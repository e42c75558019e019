/**
 * Backtest throughput: market events per second through the whole backtest loop (strategy + pre-trade and
 * continuous risk + paper matching engine + ledger), single core, for market-making on a generated BTC-USDT-SWAP
 * stream of 200k events (5-level book snapshots every 10 ms, the touch moving a tick on one update in five, a trade
 * every 10th event; quotes ±0.5 USDT around the mid, 2 levels, requote on a 0.5 USDT move or a fill). The stream is
 * generated before timing. A second figure times the same stream from a recorded JSONL file (written to a temp
 * directory before timing): read line by line + parse + rebuild each book + backtest, end to end. Throughput is per CPU second of this process (robust on a shared machine) and per wall
 * second; median (min–max) over 5 runs after a warm-up run. Target ≥ 150k book events/s.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBacktest, type BacktestOptions } from '../src/backtest/runner.js';
import { toInstrument, toJsonl, type RecordedLevel, type RecordedLine } from '../src/backtest/recorded-data.js';
import { openRecordedFile } from '../src/backtest/recorded-file.js';
import { benchmarkBookStream, BTC_SWAP } from '../src/backtest/synthetic-data.js';
import type { BookEvent, BookLevel, TradeEvent } from '../src/ports/market-data.js';
import { marketMaking } from '../src/strategies/market-making.js';
import type { AnyStrategy } from '../src/strategies/types.js';
import { recordFigure } from './record.js';

const EVENTS = 200_000;
const RUNS = 5;

function spread(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
  return `${median.toFixed(0)} (runs ${(sorted[0] ?? NaN).toFixed(0)}–${(sorted[sorted.length - 1] ?? NaN).toFixed(0)})`;
}

interface Measured {
  cpuRates: number[];
  wallRates: number[];
  summary: string;
}

/** Times `RUNS` backtests after a warm-up one; `events()` is called inside the timing (a file read is part of it). */
async function measure(events: () => BacktestOptions['events'], books: number): Promise<Measured> {
  const cpuRates: number[] = [];
  const wallRates: number[] = [];
  let summary = '';
  for (let run = 0; run <= RUNS; run += 1) {
    (globalThis as { gc?: () => void }).gc?.();
    const wall = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    const result = await runBacktest({
      strategy: marketMaking as unknown as AnyStrategy,
      config: { instId: 'BTC-USDT-SWAP', spread: 1, orderSize: 1, levels: 2, refreshThreshold: 0.5, inventorySkew: 0.05, maxInventory: 20 },
      riskLimits: { maxDailyLoss: '1000000', maxDrawdown: 100, maxPositionSize: '1000' },
      initialBalances: { USDT: '1000000' },
      leverage: 10,
      latencyMs: 20,
      instruments: [instrument],
      events: events(),
    });
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    const wallSeconds = Number(process.hrtime.bigint() - wall) / 1e9;
    summary = `${String(result.orders.placed)} orders, ${String(result.fills.length)} fills, PnL ${result.figures.totalPnl.toDecimalPlaces(2).toFixed()} USDT`;
    if (run === 0) continue; // JIT warm-up
    cpuRates.push(books / cpuSeconds);
    wallRates.push(books / wallSeconds);
  }
  return { cpuRates, wallRates, summary };
}

/** The generated stream as recorded JSONL lines (each book a full snapshot, as generated). */
function toRecordedLines(events: readonly (BookEvent | TradeEvent)[]): RecordedLine[] {
  const levels = (side: readonly BookLevel[]): RecordedLevel[] => side.map((level) => [level[0].toFixed(), level[1].toFixed()]);
  const lines: RecordedLine[] = [BTC_SWAP];
  for (const event of events) {
    if (event.type === 'book') lines.push({ type: 'book', ts: event.book.timestamp, instrumentId: event.book.instrumentId, bids: levels(event.book.bids), asks: levels(event.book.asks) });
    else lines.push({ type: 'trade', ts: event.timestamp, instrumentId: event.instrumentId, tradeId: event.tradeId, side: event.side, price: event.price.toFixed(), quantity: event.quantity.toFixed() });
  }
  return lines;
}

const instrument = toInstrument(BTC_SWAP);
const dir = mkdtempSync(join(tmpdir(), 'backtest-bench-'));
const file = join(dir, 'book-stream.jsonl');

/**
 * The in-memory figure, then the stream written as JSONL. In a function so the stream (about 600 MB of objects) is
 * garbage before the JSONL runs: a replay from a file never holds it, and while it stayed reachable every
 * young-generation collection of those runs took about four times as long (3.5 ms instead of 0.8 ms, --trace-gc).
 */
async function inMemory(): Promise<number> {
  const events = benchmarkBookStream(EVENTS);
  const books = events.filter((event) => event.type === 'book').length;
  const memory = await measure(() => events, books);
  console.log(`backtest throughput: market-making over ${String(EVENTS)} market events (${String(books)} book events), ${String(RUNS)} runs, single core`);
  console.log(`  book events / CPU second   ${spread(memory.cpuRates)}   (target ≥ 150000)`);
  console.log(`  book events / wall second  ${spread(memory.wallRates)}`);
  console.log(`  all market events / CPU s  ${spread(memory.cpuRates.map((rate) => (rate * EVENTS) / books))}`);
  console.log(`  per run: ${memory.summary}`);
  recordFigure('backtest: book events per CPU second', 'events/s', memory.cpuRates, true);
  recordFigure('backtest: book events per wall second', 'events/s', memory.wallRates, true);
  // The same stream from a recorded JSONL file: read + parse (books rebuilt line by line) + backtest, end to end.
  writeFileSync(file, toJsonl(toRecordedLines(events)));
  return books;
}

const books = await inMemory();
const megabytes = statSync(file).size / 1e6;
const recorded = await measure(() => {
  const opened = openRecordedFile(file);
  if (opened.stream === null) throw new Error('the benchmark file holds no events');
  return opened.stream;
}, books);
rmSync(dir, { recursive: true, force: true });
console.log(`from recorded JSONL (${megabytes.toFixed(1)} MB, written once before timing): read + parse + backtest, end to end`);
console.log(`  book events / CPU second   ${spread(recorded.cpuRates)}   (target ≥ 150000)`);
console.log(`  book events / wall second  ${spread(recorded.wallRates)}`);
console.log(`  per run: ${recorded.summary}`);
recordFigure('backtest from recorded JSONL: book events per CPU second', 'events/s', recorded.cpuRates, true);
recordFigure('backtest from recorded JSONL: book events per wall second', 'events/s', recorded.wallRates, true);
