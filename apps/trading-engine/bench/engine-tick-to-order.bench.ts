/**
 * Tick-to-order latency inside the engine: market event in (InMemoryMarketData.publish) → order request out (the
 * execution port's createOrder is called), after the strategy and every pre-trade risk check. One paper bot
 * running simple-quoter with requoteBps 0 (it requotes on every mid change: cancel-all + 2 orders), events
 * alternating between two mids. Reports p50 / p99 / p99.9 in µs, median [min–max] over runs. Target p99 ≤ 100 µs.
 */
import { nullSink } from '../src/core/bus.js';
import { SimulatedClock } from '../src/core/sim-clock.js';
import { InMemoryMarketData } from '../src/engines/in-memory-market-data.js';
import { StaticInstruments } from '../src/engines/static-instruments.js';
import { TradingEngine } from '../src/engines/trading-engine.js';
import { PaperVenue } from '../src/paper/paper-venue.js';
import { PaperExecution } from '../src/paper/paper-execution.js';
import { defaultStrategies } from '../src/strategies/index.js';
import type { ExecutionPort, OrderRequest } from '../src/ports/execution.js';
import { Decimal } from 'decimal.js';
import { botSpec, bookAround, percentile, spread, swap } from './engine-harness.js';
import { recordFigure } from './record.js';

const RUNS = 5;
const WARMUP = 3_000;
const EVENTS = 20_000;

async function run(): Promise<{ p50: number; p99: number; p999: number; perEvent: number }> {
  const instrument = swap(0);
  const clock = new SimulatedClock(1_000);
  const feed = new InMemoryMarketData(clock);
  const instruments = new StaticInstruments([instrument]);
  const venue = new PaperVenue(feed, instruments, clock, { latencyMs: 0 });
  let firstOrderAt = 0n;
  const engine = new TradingEngine({
    engineId: 'bench',
    clock,
    sink: nullSink,
    strategies: defaultStrategies(),
    venues: {
      okx: {
        exchange: 'okx',
        instruments,
        marketData: feed,
        executionFor: (spec) => {
          const account = new PaperExecution(venue, {
            accountId: spec.botId,
            initialBalances: { USDT: new Decimal(1_000_000) },
            defaultLeverage: 10,
          });
          // Time-stamps the first order request of each event, then hands it to the paper account unchanged.
          const port: ExecutionPort = Object.create(account) as ExecutionPort;
          port.createOrder = (request: OrderRequest) => {
            if (firstOrderAt === 0n) firstOrderAt = process.hrtime.bigint();
            return account.createOrder(request);
          };
          return {
            port,
            exclusive: true,
            startingEquity: new Decimal(1_000_000),
            currency: 'USDT',
            prepare: (ids) => {
              venue.watch(ids);
            },
          };
        },
      },
    },
  });
  feed.publish(bookAround(instrument.id, 1_000_000, 1_000, 1));
  engine.createBot(botSpec('b0', instrument.id, 0));
  await engine.startBot('b0');
  const samples: number[] = [];
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  let busy = 0n;
  for (let i = 0; i < WARMUP + EVENTS; i += 1) {
    const event = bookAround(instrument.id, i % 2 === 0 ? 1_000_010 : 1_000_000, 1_001 + i * 20, i + 2);
    firstOrderAt = 0n;
    const t0 = process.hrtime.bigint();
    feed.publish(event);
    busy += process.hrtime.bigint() - t0;
    if (firstOrderAt === 0n)
      throw new Error(`no order for event ${String(i)}: bot ${engine.bot('b0').state}`);
    if (i >= WARMUP) samples.push(Number(firstOrderAt - t0) / 1000);
    // Live, every market message is its own event-loop task: let acks and callbacks run between events.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const elapsed = Number(busy) / 1000;
  samples.sort((a, b) => a - b);
  return {
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    p999: percentile(samples, 99.9),
    perEvent: elapsed / (WARMUP + EVENTS),
  };
}

const results = [];
for (let r = 0; r < RUNS; r += 1) results.push(await run());
console.log(
  `tick-to-order (market event in → first order request out, after risk), ${String(EVENTS)} events × ${String(RUNS)} runs:`,
);
console.log(`  p50   ${spread(results.map((r) => r.p50))} µs`);
console.log(`  p99   ${spread(results.map((r) => r.p99))} µs   (target ≤ 100 µs)`);
console.log(`  p99.9 ${spread(results.map((r) => r.p999))} µs`);
console.log(
  `  whole synchronous handling of one event (strategy, cancel-all, 2 orders, risk, paper matching, events): ${spread(results.map((r) => r.perEvent))} µs`,
);
recordFigure('tick-to-order p50', 'µs', results.map((r) => r.p50), false);
recordFigure('tick-to-order p99', 'µs', results.map((r) => r.p99), false);
recordFigure('tick-to-order p99.9', 'µs', results.map((r) => r.p999), false);
recordFigure('tick-to-order: one event handled', 'µs', results.map((r) => r.perEvent), false);
