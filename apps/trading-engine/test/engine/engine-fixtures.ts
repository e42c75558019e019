/** An engine on in-memory feeds, paper execution and a simulated clock, plus small test strategies. */
import { validate, type BotSpec, type EngineEvent, type RiskLimits } from '@trading/shared-types';
import { expect } from 'vitest';
import { createKernel, type Kernel } from '../../src/kernel.js';
import { MemoryEventSink } from '../../src/core/bus.js';
import { SimulatedClock } from '../../src/core/sim-clock.js';
import { InMemoryMarketData } from '../../src/engines/in-memory-market-data.js';
import { StaticInstruments } from '../../src/engines/static-instruments.js';
import { StrategyRegistry, defineStrategy, simpleQuoter, type Intent } from '../../src/strategies/index.js';
import type { InstrumentId } from '../../src/ports/instruments.js';
import type { PortfolioLimits } from '../../src/risk/portfolio-limits.js';
import { BTC_SWAP, ETH_SWAP, PM_NO, PM_YES, d } from './fixtures.js';

export interface EngineRig extends Kernel {
  clock: SimulatedClock;
  okxFeed: InMemoryMarketData;
  pmFeed: InMemoryMarketData;
  sink: MemoryEventSink;
  spec(botId: string, overrides?: Partial<BotSpec> & { limits?: Partial<RiskLimits> }): BotSpec;
  states(botId: string): string[];
}

/** Throws on the Nth book event after quoting once: the error-isolation test strategy. */
export const thrower = defineStrategy<{ instrumentId: InstrumentId }, { books: number }>({
  name: 'thrower',
  description: 'test: quotes, then throws',
  exchanges: ['okx', 'polymarket'],
  configSchema: 'SimpleQuoterConfig',
  parseConfig: (raw) => ({ instrumentId: raw.instrumentId as InstrumentId }),
  subscriptions: (config) => [{ instrumentId: config.instrumentId, channels: ['book'] }],
  timerIntervalMs: () => null,
  initialState: () => ({ books: 0 }),
  onBook: (state, _event, ctx, config) => {
    const books = state.books + 1;
    if (books === 2) throw new Error('boom in onBook');
    const bid = ctx.bestBid(config.instrumentId);
    if (bid === null) return { state: { books }, intents: [] };
    return {
      state: { books },
      intents: [
        {
          type: 'place-order',
          instrumentId: config.instrumentId,
          side: 'BUY',
          orderType: 'LIMIT',
          price: bid,
          quantity: d(1),
        },
      ],
    };
  },
});

/** Sends whatever intents the test queued, on the next book event; records what it saw. */
export const scripted = (() => {
  const pending = new Map<string, Intent[]>();
  const seen = new Map<string, string[]>();
  const strategy = defineStrategy<{ instrumentId: InstrumentId }, null>({
    name: 'scripted',
    description: 'test: sends queued intents',
    exchanges: ['okx', 'polymarket'],
    configSchema: 'SimpleQuoterConfig',
    parseConfig: (raw) => ({ instrumentId: raw.instrumentId as InstrumentId }),
    subscriptions: (config) => [{ instrumentId: config.instrumentId, channels: ['book', 'trade'] }],
    timerIntervalMs: () => 1000,
    initialState: () => null,
    onBook: (state, _event, ctx) => {
      const intents = pending.get(ctx.botId) ?? [];
      pending.delete(ctx.botId);
      return { state, intents };
    },
    onTimer: (state, event, ctx) => {
      seen.set(ctx.botId, [...(seen.get(ctx.botId) ?? []), `timer@${String(event.timestamp)}`]);
      return { state, intents: [] };
    },
    onFill: (state, event, ctx) => {
      seen.set(ctx.botId, [
        ...(seen.get(ctx.botId) ?? []),
        `fill:${event.fill.clientOrderId}:${event.fill.quantity.toFixed()}`,
      ]);
      return { state, intents: [] };
    },
    onOrderDenied: (state, event, ctx) => {
      seen.set(ctx.botId, [...(seen.get(ctx.botId) ?? []), `denied:${event.source}:${event.rule}`]);
      return { state, intents: [] };
    },
  });
  return {
    strategy,
    queue: (botId: string, ...intents: Intent[]) =>
      pending.set(botId, [...(pending.get(botId) ?? []), ...intents]),
    seen: (botId: string) => seen.get(botId) ?? [],
  };
})();

export function engineRig(
  options: { latencyMs?: number; portfolioLimits?: PortfolioLimits } = {},
): EngineRig {
  const clock = new SimulatedClock(1_000);
  const okxFeed = new InMemoryMarketData(clock);
  const pmFeed = new InMemoryMarketData(clock);
  const sink = new MemoryEventSink();
  const strategies = new StrategyRegistry()
    .register(simpleQuoter)
    .register(thrower)
    .register(scripted.strategy);
  const kernel = createKernel({
    engineId: 'test-engine',
    clock,
    sink,
    strategies,
    venues: {
      okx: { instruments: new StaticInstruments([BTC_SWAP, ETH_SWAP]), marketData: okxFeed },
      polymarket: { instruments: new StaticInstruments([PM_YES, PM_NO]), marketData: pmFeed },
    },
    paper: { latencyMs: options.latencyMs ?? 0 },
    ...(options.portfolioLimits ? { portfolioLimits: options.portfolioLimits } : {}),
  });
  return {
    ...kernel,
    clock,
    okxFeed,
    pmFeed,
    sink,
    spec: (botId, overrides = {}) => {
      const { limits, ...rest } = overrides;
      return {
        botId,
        name: botId,
        exchange: 'okx',
        strategy: 'simple-quoter',
        mode: 'paper',
        config: { instrumentId: BTC_SWAP.id, spreadBps: 10, quantity: '1' },
        exchangeConfig: { paperBalances: { USDT: '100000' }, leverage: 10 },
        riskLimits: { maxDailyLoss: '1000', maxDrawdown: 50, maxPositionSize: '10', ...limits },
        ...rest,
      };
    },
    states: (botId) =>
      sink
        .ofType('bot-state-changed')
        .filter((event) => event.botId === botId)
        .map((event) => event.payload.to),
  };
}

/** Every event the engine emitted must match the EngineEvent schema. */
export function expectSchemaValid(events: readonly EngineEvent[]): void {
  for (const event of events) {
    const result = validate('EngineEvent', event);
    if (!result.ok)
      expect.fail(
        `${event.type} does not match the schema: ${result.issues.map((issue) => issue.message).join('; ')}`,
      );
  }
}

/** Lets promise callbacks (acks, cancels) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
}
