/**
 * Strategy registry: the explicit list of strategies the engine can run (no folder scanning). Add a strategy by
 * importing it here; its name must match schemas/strategies/<name>.json.
 */
import type { AnyStrategy, StrategyDefinition } from './types.js';
import { simpleQuoter } from './simple-quoter.js';
import { marketMaking } from './market-making.js';
import { signalBased } from './signal-based.js';
import { arbitrage } from './arbitrage.js';
import { grid } from './grid.js';
import { fundingRateArb } from './funding-rate-arb.js';
import { dca } from './dca.js';

export class StrategyRegistry {
  private readonly strategies = new Map<string, AnyStrategy>();

  register<C, S>(strategy: StrategyDefinition<C, S>): this {
    if (this.strategies.has(strategy.name)) throw new Error(`strategy ${strategy.name} registered twice`);
    this.strategies.set(strategy.name, strategy as unknown as AnyStrategy);
    return this;
  }

  get(name: string): AnyStrategy | undefined {
    return this.strategies.get(name);
  }

  names(): string[] {
    return [...this.strategies.keys()].sort();
  }
}

/** The built-in strategies. */
export function defaultStrategies(): StrategyRegistry {
  return new StrategyRegistry()
    .register(simpleQuoter)
    .register(marketMaking)
    .register(signalBased)
    .register(arbitrage)
    .register(grid)
    .register(fundingRateArb)
    .register(dca);
}

export * from './types.js';
export { simpleQuoter } from './simple-quoter.js';
export { marketMaking } from './market-making.js';
export { signalBased } from './signal-based.js';
export { arbitrage } from './arbitrage.js';
export { grid } from './grid.js';
export { fundingRateArb } from './funding-rate-arb.js';
export { dca } from './dca.js';
export * from './signal-event.js';
