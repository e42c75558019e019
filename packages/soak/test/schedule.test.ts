import { describe, expect, it } from 'vitest';
import { buildSchedule, describeStep, FAULT_KINDS } from '../src/schedule.js';

describe('fault schedule', () => {
  it('is a function of the seed: same seed same schedule, another seed another one', () => {
    const a = buildSchedule({ seed: 42, windowMs: 120_000 });
    expect(buildSchedule({ seed: 42, windowMs: 120_000 })).toEqual(a);
    expect(buildSchedule({ seed: 43, windowMs: 120_000 })).not.toEqual(a);
  });

  it('injects every kind at least once, in order, inside the window minus lead and tail', () => {
    for (const seed of [1, 2, 3, 99, 123_456]) {
      const steps = buildSchedule({ seed, windowMs: 60_000, leadMs: 8_000, tailMs: 12_000 });
      expect(new Set(steps.map((s) => s.kind))).toEqual(new Set(FAULT_KINDS));
      const times = steps.map((s) => s.atMs);
      expect(times).toEqual([...times].sort((x, y) => x - y));
      expect(Math.min(...times)).toBeGreaterThanOrEqual(8_000);
      expect(Math.max(...times)).toBeLessThanOrEqual(48_000);
    }
  });

  it('scales with the window: about perMinute faults a minute', () => {
    expect(buildSchedule({ seed: 5, windowMs: 10 * 60_000, perMinute: 6 })).toHaveLength(60);
    expect(buildSchedule({ seed: 5, windowMs: 60_000, perMinute: 6 })).toHaveLength(FAULT_KINDS.length);
  });

  it('a recovery fits in its slot: Redis is back and the engine restarted before the next fault', () => {
    const steps = buildSchedule({ seed: 7, windowMs: 5 * 60_000 });
    steps.forEach((step, i) => {
      const next = steps[i + 1]?.atMs ?? Infinity;
      if (step.kind === 'redis-stop') expect(step.atMs + step.downMs).toBeLessThan(next);
      if (step.kind === 'engine-kill') expect(step.atMs + step.restartAfterMs).toBeLessThan(next);
    });
  });

  it('refuses a window with no room for faults, naming it', () => {
    expect(() => buildSchedule({ seed: 1, windowMs: 15_000 })).toThrow(/windowMs: 15000 ms leaves no room/);
  });

  it('describes each step with its offset', () => {
    const [first] = buildSchedule({ seed: 7, windowMs: 60_000 });
    expect(first && describeStep(first)).toMatch(/^t\+\d+\.\ds /);
  });
});
