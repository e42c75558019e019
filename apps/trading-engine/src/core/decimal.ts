/** Decimal helpers shared by risk, paper and portfolio (exact arithmetic only; decimal.js). */
import { Decimal } from 'decimal.js';

export const ZERO = new Decimal(0);
export const ONE = new Decimal(1);

/**
 * True when `value` is a whole multiple of `step` (step > 0). Every order is checked against its tick and lot
 * twice (pre-trade risk, then the paper venue), and decimal.js's mod is a division: on finite values whose digits
 * fit a safe integer the answer comes from exact integer arithmetic instead (decimal.test.ts holds it to mod's).
 */
export function isMultipleOf(value: Decimal, step: Decimal): boolean {
  if (value.isFinite() && step.isFinite()) {
    if (!isPositive(step)) return true;
    const exact = multipleOfExact(value, step);
    if (exact !== undefined) return exact;
  }
  if (step.lte(0)) return true;
  return value.mod(step).isZero();
}

/** Set by integerDigits: the power of ten its digits are scaled by. Module state, so the hot path allocates nothing. */
let digitsExponent = 0;

/** 10^0 … 10^7: the widths of one base-1e7 word of decimal.js. */
const WORD_POWERS = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000];

/** Decimal digits of a word 1 ≤ w < 1e7. */
function wordWidth(w: number): number {
  return w < 1_000 ? (w < 10 ? 1 : w < 100 ? 2 : 3) : w < 100_000 ? (w < 10_000 ? 4 : 5) : w < 1_000_000 ? 6 : 7;
}

/**
 * |x| (finite) as an integer `digits` times 10^digitsExponent, trailing zeros moved into the exponent (so the last
 * digit is non-zero unless x is zero); undefined when the digits exceed Number.MAX_SAFE_INTEGER. Read from
 * decimal.js's public fields: `d` holds the digits in base-1e7 words (the first word without leading zeros, no
 * trailing zero words) and `e` is the power of ten of the first digit.
 */
function integerDigits(x: Decimal): number | undefined {
  const words = x.d;
  const first = words[0] ?? 0;
  if (first === 0) {
    digitsExponent = 0;
    return 0;
  }
  const count = wordWidth(first);
  const last = words.length - 1;
  let digits = 0;
  let trailing = 0;
  for (let index = 0; index <= last; index += 1) {
    let word = words[index] ?? 0;
    let width = index === 0 ? count : 7;
    if (index === last) {
      while (word % 10 === 0) {
        word /= 10;
        width -= 1;
        trailing += 1;
      }
    }
    digits = digits * (WORD_POWERS[width] ?? 10 ** width) + word;
    if (digits > Number.MAX_SAFE_INTEGER) return undefined;
  }
  digitsExponent = x.e - (count + 7 * last) + 1 + trailing;
  return digits;
}

/** isMultipleOf on finite values with step > 0 by integer arithmetic; undefined when it does not fit. */
function multipleOfExact(value: Decimal, step: Decimal): boolean | undefined {
  const stepDigits = integerDigits(step);
  if (stepDigits === undefined) return undefined;
  const stepExponent = digitsExponent;
  const valueDigits = integerDigits(value);
  if (valueDigits === undefined) return undefined;
  if (valueDigits === 0) return true;
  const shift = digitsExponent - stepExponent;
  // The value's last non-zero digit is finer than any digit of a multiple of the step.
  if (shift < 0) return false;
  if (shift > 15) return undefined;
  const scaled = valueDigits * 10 ** shift;
  if (scaled > Number.MAX_SAFE_INTEGER) return undefined;
  return scaled % stepDigits === 0;
}

/**
 * Below 2^51 a sum or difference of up to four such integers is still exact in a double, and the decimal it stands
 * for has at most 16 significant digits (exact within decimal.js's precision, when that is at least 16).
 */
const SCALED_LIMIT = 2 ** 51;

/**
 * `x` as an integer count of 10^exponent (x = n × 10^exponent), or undefined when x is not finite, has a digit
 * finer than 10^exponent, or |n| ≥ 2^51. Lets a hot comparison run on numbers instead of allocating decimals; the
 * caller must show that the decimal operations it replaces are exact on such values.
 */
export function scaledInteger(x: Decimal, exponent: number): number | undefined {
  if (!x.isFinite()) return undefined;
  const digits = integerDigits(x);
  if (digits === undefined) return undefined;
  if (digits === 0) return 0;
  const shift = digitsExponent - exponent;
  if (shift < 0 || shift > 15) return undefined;
  const scaled = digits * 10 ** shift;
  if (scaled >= SCALED_LIMIT) return undefined;
  return x.s < 0 ? -scaled : scaled;
}

/** The power of ten of x's last non-zero digit (0 for zero); undefined when x is not finite or too long. */
export function lastDigitExponent(x: Decimal): number | undefined {
  if (!x.isFinite()) return undefined;
  const digits = integerDigits(x);
  return digits === undefined ? undefined : digitsExponent;
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
