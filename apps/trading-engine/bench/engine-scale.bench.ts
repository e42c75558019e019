/**
 * 1 000 paper bots on 100 instruments in one process (10 simple-quoter bots per instrument, each with its own
 * paper account on a shared paper venue), fed in real time: every instrument's book moves every 100 ms (1 000 book
 * events/s in total) and prints a trade every second (which fills resting quotes). Reports RSS and heap after the
 * run, event-loop lag p50/p99/max (perf_hooks.monitorEventLoopDelay), and throughput. Targets: < 1 GB RSS,
 * event-loop lag p99 < 10 ms.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { EngineEvent } from '@trading/shared-types';
import type { EventSink } from '../src/core/bus.js';
import { systemClock } from '../src/ports/clock.js';
import { InMemoryMarketData } from '../src/engines/in-memory-market-data.js';
import { StaticInstruments } from '../src/engines/static-instruments.js';
import { createKernel } from '../src/kernel.js';
import { botSpec, bookAround, rng, swap, tradeAt } from './engine-harness.js';
import { recordFigure } from './record.js';

const INSTRUMENTS = 100;
const BOTS = 1_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const BOOK_INTERVAL_MS = Number(process.env.BENCH_BOOK_INTERVAL_MS ?? 100);

class CountingSink implements EventSink {
  readonly counts = new Map<string, number>();
  publish(event: EngineEvent): void {
    this.counts.set(event.type, (this.counts.get(event.type) ?? 0) + 1);
  }
}

const instruments = Array.from({ length: INSTRUMENTS }, (_, index) => swap(index));
const feed = new InMemoryMarketData();
const sink = new CountingSink();
const kernel = createKernel({
  engineId: 'bench-scale',
  clock: systemClock,
  sink,
  venues: { okx: { instruments: new StaticInstruments(instruments), marketData: feed } },
  paper: { latencyMs: 0 },
});
const random = rng(42);
const mids = instruments.map(() => 10_000); // ticks of 0.1 → 1 000.0
let sequence = 0;
for (const [index, instrument] of instruments.entries())
  feed.publish(bookAround(instrument.id, mids[index] ?? 10_000, Date.now(), ++sequence));

const rssBefore = process.memoryUsage().rss;
for (let b = 0; b < BOTS; b += 1) {
  const instrument = instruments[b % INSTRUMENTS];
  if (!instrument) throw new Error('no instrument');
  kernel.engine.createBot(botSpec(`bot${String(b)}`, instrument.id, 3 + (b % 5)));
}
for (const id of kernel.engine.botIds()) await kernel.engine.startBot(id);
const stopTimers = kernel.startTimers(100);
const rssAfterStart = process.memoryUsage().rss;

const lag = monitorEventLoopDelay({ resolution: 1 });
lag.enable();
let events = 0;
let trades = 0;
const started = Date.now();
// Every 10 ms a tenth of the instruments move, so each instrument moves every 100 ms.
const slices = BOOK_INTERVAL_MS / 10;
let slice = 0;
let maxRss = 0;
const cpuBefore = process.cpuUsage();
await new Promise<void>((resolve) => {
  const handle = setInterval(() => {
    const now = Date.now();
    // One slice per tick; when ticks come late the offered rate drops (reported), rather than piling up.
    publishSlice();
    if (now - started >= SECONDS * 1000) {
      clearInterval(handle);
      resolve();
    }
  }, 10);
});
const cpu = process.cpuUsage(cpuBefore);

function publishSlice(): void {
  {
    for (let index = slice; index < INSTRUMENTS; index += slices) {
      const instrument = instruments[index];
      if (!instrument) continue;
      const mid = (mids[index] ?? 10_000) + (random() < 0.5 ? -1 : 1);
      mids[index] = mid;
      const withTrade = random() < 0.1;
      const side = random() < 0.5 ? 'SELL' : 'BUY';
      // Like a WebSocket feed: every message is its own event-loop task.
      setImmediate(() => {
        feed.publish(bookAround(instrument.id, mid, Date.now(), ++sequence));
        events += 1;
      });
      if (withTrade) {
        // A trade through one side: reaches the resting quotes of the bots on this instrument.
        setImmediate(() => {
          feed.publish(tradeAt(instrument.id, side === 'SELL' ? mid - 25 : mid + 25, side, Date.now(), ++sequence));
          trades += 1;
        });
      }
    }
    slice = (slice + 1) % slices;
    if (slice === 0) maxRss = Math.max(maxRss, process.memoryUsage.rss());
  }
}
lag.disable();
stopTimers();
const elapsed = (Date.now() - started) / 1000;
const memory = process.memoryUsage();
(globalThis as { gc?: () => void }).gc?.();
const retained = process.memoryUsage().heapUsed;
const ms = (ns: number): string => (ns / 1e6).toFixed(2);
const states = new Map<string, number>();
for (const id of kernel.engine.botIds())
  states.set(kernel.engine.bot(id).state, (states.get(kernel.engine.bot(id).state) ?? 0) + 1);

console.log(
  `${String(BOTS)} paper bots on ${String(INSTRUMENTS)} instruments, each book moving every ${String(BOOK_INTERVAL_MS)} ms, ${elapsed.toFixed(1)} s:`,
);
console.log(
  `  market events ${String(events)} books + ${String(trades)} trades (${(events / elapsed).toFixed(0)} books/s)`,
);
console.log(
  `  engine events: ${[...sink.counts.entries()].map(([type, count]) => `${type} ${String(count)}`).join(', ')}`,
);
console.log(
  `  bots: ${[...states.entries()].map(([state, count]) => `${state} ${String(count)}`).join(', ')}`,
);
console.log(
  `  RSS ${(memory.rss / 2 ** 20).toFixed(0)} MiB at the end, ${(maxRss / 2 ** 20).toFixed(0)} MiB peak (before bots ${(rssBefore / 2 ** 20).toFixed(0)} MiB, after start ${(rssAfterStart / 2 ** 20).toFixed(0)} MiB); heap used ${(memory.heapUsed / 2 ** 20).toFixed(0)} MiB, ${(retained / 2 ** 20).toFixed(0)} MiB live after a full GC   (target < 1 GB RSS)`,
);
const cpuMs = (cpu.user + cpu.system) / 1000;
console.log(
  `  CPU ${cpuMs.toFixed(0)} ms for ${elapsed.toFixed(1)} s (${((cpuMs / 1000 / elapsed) * 100).toFixed(0)}% of one core), ${((cpuMs * 1000) / (events + trades)).toFixed(0)} µs CPU per market event (10 bots each)`,
);
console.log(
  `  event-loop lag p50 ${ms(lag.percentile(50))} ms, p99 ${ms(lag.percentile(99))} ms, max ${ms(lag.max)} ms   (target p99 < 10 ms)`,
);
// One long run: median = min = max (its spread is the lag distribution above, not run-to-run).
recordFigure('engine scale: peak RSS', 'MiB', [maxRss / 2 ** 20], false);
recordFigure('engine scale: CPU per market event', 'µs', [(cpuMs * 1000) / (events + trades)], false);
recordFigure('engine scale: event-loop lag p99', 'ms', [lag.percentile(99) / 1e6], false);
kernel.close();
process.exit(0);
