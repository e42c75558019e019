/**
 * The backtest runner trades like the engine: the same committed data replayed through the engine itself
 * (kernel.ts: TradingEngine + a paper bot on an in-memory feed, simulated clock) gives the same fills, fees and
 * PnL as the runner. Grid (resting orders, re-arming on fills) and DCA (timers, market orders) cover both paths.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RiskLimits } from '@trading/shared-types';
import { createKernel } from '../kernel.js';
import { MemoryEventSink } from '../core/bus.js';
import { SimulatedClock } from '../core/sim-clock.js';
import { InMemoryMarketData } from '../engines/in-memory-market-data.js';
import { StaticInstruments } from '../engines/static-instruments.js';
import { eventTime, parseRecordedData } from './recorded-data.js';
import { parseBacktestSpec } from './backtest-spec.js';
import { runFileBacktest } from './backtest-files.js';
import { COMMITTED_BACKTESTS, DATA_DIR } from './committed.js';
import { mergeBotConfig } from '../strategies/strategy-kit.js';

async function throughEngine(strategy: string, dataFile: string, specFile: string): Promise<{ fills: number; fees: string; pnl: string }> {
  const data = parseRecordedData(readFileSync(join(DATA_DIR, dataFile), 'utf8'));
  const spec = parseBacktestSpec(JSON.parse(readFileSync(join(DATA_DIR, specFile), 'utf8')) as unknown, data.instruments);
  const first = data.events[0];
  const clock = new SimulatedClock(first ? eventTime(first) : 0);
  const feed = new InMemoryMarketData(clock);
  const sink = new MemoryEventSink();
  const kernel = createKernel({ engineId: 'parity', clock, sink, venues: { okx: { instruments: new StaticInstruments(data.instruments), marketData: feed } }, paper: { latencyMs: spec.latencyMs } });
  kernel.engine.createBot({
    botId: 'parity',
    name: 'parity',
    exchange: 'okx',
    strategy,
    mode: 'paper',
    config: mergeBotConfig(spec.config, spec.exchangeConfig),
    exchangeConfig: { paperBalances: spec.initialBalances, leverage: spec.leverage },
    riskLimits: spec.riskLimits satisfies RiskLimits,
  });
  await kernel.engine.startBot('parity');
  for (const event of data.events) {
    if (event.type === 'signal') continue;
    feed.publish(event);
    // Live, each market message is its own task: let acknowledgements settle between events.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const figures = kernel.engine.figures('parity');
  kernel.close();
  return { fills: sink.ofType('order-filled').length, fees: figures.fees.toDecimalPlaces(6).toFixed(), pnl: figures.totalPnl.toDecimalPlaces(6).toFixed() };
}

describe('backtest runner vs the engine', () => {
  it.each(COMMITTED_BACKTESTS.filter((run) => run.strategy === 'grid' || run.strategy === 'dca').map((run) => [run.strategy, run] as const))(
    '%s: same fills, fees and PnL',
    async (_name, run) => {
      const engine = await throughEngine(run.strategy, run.data, run.spec);
      const runner = (await runFileBacktest({ strategy: run.strategy, dataPath: join(DATA_DIR, run.data), spec: join(DATA_DIR, run.spec) })).report.summary;
      expect(engine.fills).toBeGreaterThan(10);
      expect({ fills: runner.trades, fees: runner.fees, pnl: runner.totalPnl }).toEqual(engine);
    },
  );
});
