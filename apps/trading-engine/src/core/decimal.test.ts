/** The allocation-free comparisons must answer exactly as decimal.js's own cmp / abs().cmp / gt(0). */
import { describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { compareDecimals, compareMagnitudes, isPositive } from './decimal.js';
import { SeededRandom } from '../backtest/synthetic-data.js';

const EDGE = [
  '0',
  '-0',
  '1',
  '-1',
  '0.1',
  '0.10000001',
  '95000.1',
  '95000.10',
  '95000.2',
  '-95000.2',
  '1e-30',
  '-1e-30',
  '1234567.1234567',
  '1234567.12345671',
  '12345678',
  '9999999',
  '10000000',
  '0.5',
  '0.50000000000000000001',
  '100',
  '99.99999999999999',
  'NaN',
  'Infinity',
  '-Infinity',
].map((text) => new Decimal(text));

function same(actual: number, expected: number): boolean {
  return actual === expected || (Number.isNaN(actual) && Number.isNaN(expected));
}

describe('allocation-free decimal comparisons', () => {
  it('agree with decimal.js on zeros, signs, word boundaries, trailing digits, NaN and infinities', () => {
    const wrong: string[] = [];
    for (const a of EDGE) {
      for (const b of EDGE) {
        if (!same(compareDecimals(a, b), a.cmp(b))) wrong.push(`cmp ${a.toString()} ${b.toString()}`);
        if (!same(compareMagnitudes(a, b), a.abs().cmp(b.abs())))
          wrong.push(`mag ${a.toString()} ${b.toString()}`);
      }
      if (isPositive(a) !== a.gt(0)) wrong.push(`pos ${a.toString()}`);
    }
    expect(wrong).toEqual([]);
  });

  it('agree with decimal.js on random prices and sizes, including near-equal pairs', () => {
    const rng = new SeededRandom(11);
    const wrong: string[] = [];
    for (let i = 0; i < 20_000; i += 1) {
      const scale = 10 ** rng.int(-8, 9);
      const a = new Decimal((rng.next() - 0.5) * scale).toDecimalPlaces(rng.int(0, 12));
      const b =
        rng.next() < 0.4
          ? a.add(new Decimal(rng.int(-1, 1)).div(10 ** rng.int(0, 14)))
          : new Decimal((rng.next() - 0.5) * scale).toDecimalPlaces(rng.int(0, 12));
      if (compareDecimals(a, b) !== a.cmp(b)) wrong.push(`cmp ${a.toString()} ${b.toString()}`);
      if (compareMagnitudes(a, b) !== a.abs().cmp(b.abs())) wrong.push(`mag ${a.toString()} ${b.toString()}`);
      if (isPositive(a) !== a.gt(0)) wrong.push(`pos ${a.toString()}`);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });
});
