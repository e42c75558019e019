/** The allocation-free comparisons must answer exactly as decimal.js's own cmp / abs().cmp / gt(0). */
import { describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { compareDecimals, compareMagnitudes, isMultipleOf, isPositive, lastDigitExponent, scaledInteger } from './decimal.js';
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

/** decimal.js's answer, which isMultipleOf's integer fast path must reproduce. */
function multipleByMod(value: Decimal, step: Decimal): boolean {
  return step.lte(0) ? true : value.mod(step).isZero();
}

describe('isMultipleOf', () => {
  it('agrees with decimal.js mod on zeros, signs, word boundaries, NaN and infinities', () => {
    const wrong: string[] = [];
    for (const value of EDGE)
      for (const step of EDGE)
        if (isMultipleOf(value, step) !== multipleByMod(value, step)) wrong.push(`${value.toString()} / ${step.toString()}`);
    expect(wrong).toEqual([]);
  });

  it('agrees with decimal.js mod on multiples, near-multiples and digits past the safe-integer range', () => {
    const rng = new SeededRandom(12);
    const steps = ['0.1', '0.01', '0.5', '0.25', '0.001', '0.00000001', '1', '5', '100', '0.0001', '0.3', '7', '1e-12', '1e9'];
    const wrong: string[] = [];
    let multiples = 0;
    for (let i = 0; i < 20_000; i += 1) {
      const step = new Decimal(steps[rng.int(0, steps.length - 1)] ?? '1');
      const k = new Decimal(rng.int(-2_000_000, 2_000_000)).mul(10 ** rng.int(0, 10));
      const roll = rng.next();
      // Exact multiples, a multiple off by a digit at some power of ten, and free-form values with many digits.
      const value =
        roll < 0.4
          ? k.mul(step)
          : roll < 0.8
            ? k.mul(step).add(new Decimal(rng.int(-9, 9)).mul(new Decimal(10).pow(rng.int(-20, 12))))
            : new Decimal((rng.next() - 0.5) * 10 ** rng.int(-6, 18)).toDecimalPlaces(rng.int(0, 20));
      const expected = multipleByMod(value, step);
      if (expected) multiples += 1;
      if (isMultipleOf(value, step) !== expected) wrong.push(`${value.toString()} / ${step.toString()}`);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    // Both answers are exercised.
    expect(multiples).toBeGreaterThan(5_000);
    expect(multiples).toBeLessThan(15_000);
  });
});

describe('scaledInteger', () => {
  it('gives x as an exact count of 10^exponent, or undefined past 2^51, finer digits, NaN and infinities', () => {
    const rng = new SeededRandom(13);
    const wrong: string[] = [];
    let defined = 0;
    for (let i = 0; i < 20_000; i += 1) {
      const x = new Decimal((rng.next() - 0.5) * 10 ** rng.int(-6, 18)).toDecimalPlaces(rng.int(0, 12));
      const exponent = rng.int(-14, 4);
      const n = scaledInteger(x, exponent);
      // Representable: a whole number of 10^exponent, with |n| < 2^51.
      const count = x.div(new Decimal(10).pow(exponent));
      const fits = count.isInteger() && count.abs().lt(2 ** 51);
      if (n === undefined) {
        if (fits) wrong.push(`undefined for ${x.toString()} at ${String(exponent)}`);
        continue;
      }
      defined += 1;
      if (!fits || !new Decimal(n).eq(count)) wrong.push(`${String(n)} for ${x.toString()} at ${String(exponent)}`);
    }
    for (const x of EDGE) {
      const n = scaledInteger(x, -30);
      if (!x.isFinite() && n !== undefined) wrong.push(`defined for ${x.toString()}`);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(defined).toBeGreaterThan(2_000);
    expect(scaledInteger(new Decimal('95000.15'), -2)).toBe(9_500_015);
    expect(scaledInteger(new Decimal('-0.5'), -3)).toBe(-500);
    expect(scaledInteger(new Decimal('95000.15'), -1)).toBeUndefined();
    expect(scaledInteger(new Decimal(2 ** 51), 0)).toBeUndefined();
    expect(lastDigitExponent(new Decimal('95000.150'))).toBe(-2);
    expect(lastDigitExponent(new Decimal('1200'))).toBe(2);
  });
});
