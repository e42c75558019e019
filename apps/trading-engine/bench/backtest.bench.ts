/**
 * Backtest throughput: market events per second through the whole backtest loop (strategy + pre-trade and
 * continuous risk + paper matching engine + ledger), single core, for market-making on a generated BTC-USDT-SWAP
 * stream of 200k events (5-level book snapshots every 10 ms, the touch moving a tick on one update in five, a trade
 * every 10th event; quotes ±0.5 USDT around the mid, 2 levels, requote on a 0.5 USDT move or a fill). The stream is
 * generated before timing. Throughput is per CPU second of this process (robust on a shared machine) and per wall
 * second; median (min–max) over 5 runs after a warm-up run. Target ≥ 150k book events/s.
 */
import { runBacktest } from '../src/backtest/runner.js';
import { benchmarkBookStream, BTC_SWAP } from '../src/backtest/synthetic-data.js';
import { toInstrument } from '../src/backtest/recorded-data.js';
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

const events = benchmarkBookStream(EVENTS);
const instrument = toInstrument(BTC_SWAP);
const books = events.filter((event) => event.type === 'book').length;
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
    events,
  });
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  const wallSeconds = Number(process.hrtime.bigint() - wall) / 1e9;
  summary = `${String(result.orders.placed)} orders, ${String(result.fills.length)} fills, PnL ${result.figures.totalPnl.toDecimalPlaces(2).toFixed()} USDT`;
  if (run === 0) continue; // JIT warm-up
  cpuRates.push(books / cpuSeconds);
  wallRates.push(books / wallSeconds);
}
console.log(`backtest throughput: market-making over ${String(EVENTS)} market events (${String(books)} book events), ${String(RUNS)} runs, single core`);
console.log(`  book events / CPU second   ${spread(cpuRates)}   (target ≥ 150000)`);
console.log(`  book events / wall second  ${spread(wallRates)}`);
console.log(`  all market events / CPU s  ${spread(cpuRates.map((rate) => (rate * EVENTS) / books))}`);
console.log(`  per run: ${summary}`);
recordFigure('backtest: book events per CPU second', 'events/s', cpuRates, true);
recordFigure('backtest: book events per wall second', 'events/s', wallRates, true);
