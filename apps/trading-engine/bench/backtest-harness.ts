/**
 * What the backtest benchmarks share: the market-making run they time, the generated stream as recorded JSONL
 * lines, and the timing protocol.
 *
 * Protocol: WARMUPS untimed runs, then RUNS timed ones, in one process, with no forced GC in between. An earlier
 * version called `gc()` before each run; every forced full GC killed the previous run's objects that optimized code
 * had embedded as constants, and V8 threw that code away ("weak objects", 277 deoptimizations in 5 runs with
 * `--trace-deopt`), so each timed run was partly a warm-up again (≈200k book events/CPU-s instead of ≈300k at the
 * same hour). No real backtest forces a GC. A replay in a fresh process pays its JIT warm-up once; the JSONL
 * benchmark reports that figure separately (backtest-jsonl-once.ts).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { runBacktest, type BacktestOptions } from '../src/backtest/runner.js';
import { toInstrument, toJsonl, type RecordedLevel, type RecordedLine } from '../src/backtest/recorded-data.js';
import { BENCHMARK_MARKET_MAKING, BTC_SWAP, benchmarkBookEvents } from '../src/backtest/synthetic-data.js';
import type { BookEvent, BookLevel, TradeEvent } from '../src/ports/market-data.js';
import { marketMaking } from '../src/strategies/market-making.js';
import type { AnyStrategy } from '../src/strategies/types.js';

export const EVENTS = 200_000;
export const WARMUPS = 3;
export const RUNS = 5;

const instrument = toInstrument(BTC_SWAP);

export function spread(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `${median(sorted).toFixed(0)} (runs ${(sorted[0] ?? NaN).toFixed(0)}–${(sorted[sorted.length - 1] ?? NaN).toFixed(0)})`;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

export interface TimedRun {
  cpuSeconds: number;
  wallSeconds: number;
  /** Orders, fills and PnL: the same in every run, or the benchmark timed different work. */
  summary: string;
}

/** One market-making backtest over `events`, timed per CPU second of this process and per wall second. */
export async function timeBacktest(events: BacktestOptions['events']): Promise<TimedRun> {
  const wall = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const result = await runBacktest({
    strategy: marketMaking as unknown as AnyStrategy,
    ...BENCHMARK_MARKET_MAKING,
    instruments: [instrument],
    events,
  });
  const used = process.cpuUsage(cpu);
  return {
    cpuSeconds: (used.user + used.system) / 1e6,
    wallSeconds: Number(process.hrtime.bigint() - wall) / 1e9,
    summary: `${String(result.orders.placed)} orders, ${String(result.fills.length)} fills, PnL ${result.figures.totalPnl.toDecimalPlaces(2).toFixed()} USDT`,
  };
}

export interface Measured {
  cpuRates: number[];
  wallRates: number[];
  summary: string;
}

/** WARMUPS + RUNS backtests; `events()` is called inside the timing (a file read is part of it). */
export async function measure(events: () => BacktestOptions['events'], books: number): Promise<Measured> {
  const cpuRates: number[] = [];
  const wallRates: number[] = [];
  const summaries = new Set<string>();
  for (let run = 0; run < WARMUPS + RUNS; run += 1) {
    const timed = await timeBacktest(events());
    summaries.add(timed.summary);
    if (run < WARMUPS) continue;
    cpuRates.push(books / timed.cpuSeconds);
    wallRates.push(books / timed.wallSeconds);
  }
  if (summaries.size !== 1) throw new Error(`the runs differ: ${[...summaries].join(' | ')}`);
  return { cpuRates, wallRates, summary: [...summaries][0] ?? '' };
}

function toRecordedLine(event: BookEvent | TradeEvent): RecordedLine {
  const levels = (side: readonly BookLevel[]): RecordedLevel[] => side.map((level) => [level[0].toFixed(), level[1].toFixed()]);
  if (event.type === 'book') return { type: 'book', ts: event.book.timestamp, instrumentId: event.book.instrumentId, bids: levels(event.book.bids), asks: levels(event.book.asks) };
  return { type: 'trade', ts: event.timestamp, instrumentId: event.instrumentId, tradeId: event.tradeId, side: event.side, price: event.price.toFixed(), quantity: event.quantity.toFixed() };
}

/**
 * Writes benchmarkBookEvents(count) as a recorded JSONL file (the instrument, then each book as a full snapshot, as
 * generated), a batch at a time so no stream is ever held whole. Returns the number of book events.
 */
export function writeBenchmarkFile(path: string, count: number): number {
  const fd = openSync(path, 'w');
  let books = 0;
  try {
    let batch: RecordedLine[] = [BTC_SWAP];
    for (const event of benchmarkBookEvents(count)) {
      if (event.type === 'book') books += 1;
      batch.push(toRecordedLine(event));
      if (batch.length === 10_000) {
        writeSync(fd, toJsonl(batch));
        batch = [];
      }
    }
    if (batch.length > 0) writeSync(fd, toJsonl(batch));
  } finally {
    closeSync(fd);
  }
  return books;
}
