/**
 * Backtest throughput: market events per second through the whole backtest loop (strategy + pre-trade and
 * continuous risk + paper matching engine + ledger), single core, for market-making on a generated BTC-USDT-SWAP
 * book stream (200k events: 5-level book snapshots, a trade every 10th event). The stream is generated before
 * the clock starts. Prints median (min–max) over runs. Target ≥ 150k book events/s.
 */
import { Decimal } from 'decimal.js';
import { runBacktest } from '../src/backtest/runner.js';
import { benchmarkBookStream, BTC_SWAP } from '../src/backtest/synthetic-data.js';
import { toInstrument } from '../src/backtest/recorded-data.js';
import { marketMaking } from '../src/strategies/market-making.js';
import type { AnyStrategy } from '../src/strategies/types.js';

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
const rates: number[] = [];
const bookRates: number[] = [];
let summary = '';
for (let run = 0; run < RUNS + 1; run += 1) {
  (globalThis as { gc?: () => void }).gc?.();
  const started = process.hrtime.bigint();
  const result = await runBacktest({
    strategy: marketMaking as unknown as AnyStrategy,
    config: { instId: 'BTC-USDT-SWAP', spreadBps: 4, orderSize: 1, levels: 2, refreshThreshold: 0.5, inventorySkew: 0.05, maxInventory: 20 },
    riskLimits: { maxDailyLoss: '1000000', maxDrawdown: 100, maxPositionSize: '1000' },
    initialBalances: { USDT: '1000000' },
    leverage: 10,
    latencyMs: 20,
    instruments: [instrument],
    events,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  summary = `fills ${String(result.fills.length)}, orders ${String(result.orders.placed)}, PnL ${result.figures.totalPnl.toDecimalPlaces(2).toFixed()} USDT`;
  // Run 0 warms up the JIT and is not counted.
  if (run === 0) continue;
  rates.push(EVENTS / seconds);
  bookRates.push(books / seconds);
}
void Decimal;
console.log(`backtest throughput, market-making on ${String(EVENTS)} events (${String(books)} books), ${String(RUNS)} runs, single core:`);
console.log(`  all market events  ${spread(rates)} events/s`);
console.log(`  book events        ${spread(bookRates)} book events/s   (target ≥ 150000)`);
console.log(`  last run: ${summary}`);
