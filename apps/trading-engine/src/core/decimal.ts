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
