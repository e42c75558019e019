/**
 * Backtest throughput in memory: market events per second through the whole backtest loop (strategy + pre-trade and
 * continuous risk + paper matching engine + ledger), single core, for market-making on a generated BTC-USDT-SWAP
 * stream of 200k events (5-level book snapshots every 10 ms, the touch moving a tick on one update in five, a trade
 * every 10th event; quotes ±0.5 USDT around the mid, 2 levels, requote on a 0.5 USDT move or a fill). The stream is
 * generated before timing and held as objects (about 600 MB), so this times the loop without reading. The figure
 * the target is about, from a recorded JSONL file, is backtest-jsonl.bench.ts. Throughput per CPU second of
 * this process (robust on a shared machine) and per wall second; protocol in backtest-harness.ts.
 */
import { benchmarkBookStream } from '../src/backtest/synthetic-data.js';
import { EVENTS, RUNS, WARMUPS, measure, spread } from './backtest-harness.js';
import { recordFigure } from './record.js';

const events = benchmarkBookStream(EVENTS);
const books = events.filter((event) => event.type === 'book').length;
const memory = await measure(() => events, books);
console.log(`backtest throughput in memory: market-making over ${String(EVENTS)} market events (${String(books)} book events), ${String(WARMUPS)} warm-up + ${String(RUNS)} runs, single core`);
console.log(`  book events / CPU second   ${spread(memory.cpuRates)}`);
console.log(`  book events / wall second  ${spread(memory.wallRates)}`);
console.log(`  all market events / CPU s  ${spread(memory.cpuRates.map((rate) => (rate * EVENTS) / books))}`);
console.log(`  per run: ${memory.summary}`);
recordFigure('backtest: book events per CPU second', 'events/s', memory.cpuRates, true);
recordFigure('backtest: book events per wall second', 'events/s', memory.wallRates, true);
