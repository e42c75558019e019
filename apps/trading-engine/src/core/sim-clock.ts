/**
 * Simulated clock for backtests and tests: time only moves when told to. Paper matching latency and timers run on
 * it, so a replay is deterministic and never waits on the wall clock.
 */
import type { Clock } from '../ports/clock.js';

export class SimulatedClock implements Clock {
  constructor(private current = 0) {}

  now(): number {
    return this.current;
  }

  /** Moves to `time`; never backwards. */
  set(time: number): void {
    if (time > this.current) this.current = time;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
