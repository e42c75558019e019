/**
 * Strategy registry: the explicit list of strategies the engine can run (no folder scanning). Add a strategy by
 * importing it here; its name must match schemas/strategies/<name>.json.
 */
import type { AnyStrategy, StrategyDefinition } from './types.js';
import { simpleQuoter } from './simple-quoter.js';

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
  return new StrategyRegistry().register(simpleQuoter);
}

export * from './types.js';
export { simpleQuoter } from './simple-quoter.js';
