/** Decimal helpers shared by risk, paper and portfolio (exact arithmetic only; decimal.js). */
import { Decimal } from 'decimal.js';

export const ZERO = new Decimal(0);
export const ONE = new Decimal(1);

/** True when `value` is a whole multiple of `step` (step > 0). */
export function isMultipleOf(value: Decimal, step: Decimal): boolean {
  if (step.lte(0)) return true;
  return value.mod(step).isZero();
}

/** Rounds down (towards zero) to a multiple of `step`. */
export function floorToStep(value: Decimal, step: Decimal): Decimal {
  if (step.lte(0)) return value;
  return value.div(step).toDecimalPlaces(0, Decimal.ROUND_DOWN).mul(step);
}

export function decimalString(value: Decimal): string {
  return value.toFixed();
}

export function minDecimal(a: Decimal, b: Decimal): Decimal {
  return a.lt(b) ? a : b;
}

/**
 * `a.cmp(b)` without allocating: decimal.js copies its argument into a new Decimal on every comparison (cmp, eq,
 * lt, gt, ...), and in the per-book-update loops of the paper matcher and the backtest those copies were most of
 * the garbage. Same answer as `a.cmp(b)`, read from the digits/exponent/sign fields decimal.js declares public;
 * NaN and ±Infinity go to decimal.js itself.
 */
export function compareDecimals(a: Decimal, b: Decimal): number {
  if (a === b) return a.isNaN() ? NaN : 0;
  if (!a.isFinite() || !b.isFinite()) return a.cmp(b);
  return compareFinite(a, a.s, b, b.s);
}

/** `|a|` against `|b|` (`a.abs().cmp(b.abs())`), without allocating. */
export function compareMagnitudes(a: Decimal, b: Decimal): number {
  if (!a.isFinite() || !b.isFinite()) return a.abs().cmp(b.abs());
  return compareFinite(a, 1, b, 1);
}

/** decimal.js's comparedTo on finite values, with the signs given (1 to compare magnitudes). */
function compareFinite(a: Decimal, as: number, b: Decimal, bs: number): number {
  const ad = a.d;
  const bd = b.d;
  // Either zero? (decimal.js keeps zero as d = [0], whatever its sign.)
  if (ad[0] === 0 || bd[0] === 0) return ad[0] !== 0 ? as : bd[0] !== 0 ? -bs : 0;
  if (as !== bs) return as;
  if (a.e !== b.e) return a.e > b.e !== as < 0 ? 1 : -1;
  const shorter = Math.min(ad.length, bd.length);
  for (let i = 0; i < shorter; i += 1) {
    const x = ad[i] ?? 0;
    const y = bd[i] ?? 0;
    if (x !== y) return x > y !== as < 0 ? 1 : -1;
  }
  return ad.length === bd.length ? 0 : ad.length > bd.length !== as < 0 ? 1 : -1;
}

/** `value > 0` without allocating (decimal.js parses the literal 0 into a new Decimal on every `gt(0)`). */
export function isPositive(value: Decimal): boolean {
  return value.s > 0 && value.isFinite() ? value.d[0] !== 0 : value.gt(ZERO);
}
