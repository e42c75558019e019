/** Time source: the wall clock live, a simulated clock in backtests and tests. Strategies only see this. */
export interface Clock {
  /** Epoch ms. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
