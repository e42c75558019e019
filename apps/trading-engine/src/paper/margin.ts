/**
 * OKX-style margin arithmetic for linear contracts (USDT-settled swaps/futures), exact decimals. Documented with
 * worked examples in docs/paper-trading.md; tested in test/engine/okx-margin.test.ts.
 *
 *   q = |position| × contractValue (base units)
 *   initial margin = q × price / leverage
 *   maintenance margin = q × mark × mmr
 *   liquidation when  margin + upl  ≤  q × mark × (mmr + fee)    (fee = taker rate: the liquidation fee)
 *   long:  liqPx = (avgPx − margin / q) / (1 − mmr − fee)
 *   short: liqPx = (avgPx + margin / q) / (1 + mmr + fee)
 * Isolated: `margin` is the position's own margin. Cross: `margin` is the account's free equity for this position:
 * cash + Σ over the other cross positions of (upl − q·mark·(mmr + fee)).
 */
import { Decimal } from 'decimal.js';
import { ONE, ZERO, compareDecimals } from '../core/decimal.js';

export interface LiquidationInput {
  /** Signed position in contracts. */
  quantity: Decimal;
  contractValue: Decimal;
  averageEntryPrice: Decimal;
  /** Isolated margin, or the cross free equity backing this position. */
  margin: Decimal;
  maintenanceMarginRate: Decimal;
  /** Liquidation fee rate (OKX: the taker fee rate). */
  liquidationFeeRate: Decimal;
}

/** Estimated liquidation price; null when flat; 0 when the margin covers any fall (long can't be liquidated). */
export function liquidationPrice(input: LiquidationInput): Decimal | null {
  if (input.quantity.isZero()) return null;
  const q = input.quantity.abs().mul(input.contractValue);
  const perUnit = input.margin.div(q);
  const buffer = input.maintenanceMarginRate.add(input.liquidationFeeRate);
  if (input.quantity.isPos()) {
    const price = input.averageEntryPrice.sub(perUnit).div(ONE.sub(buffer));
    return price.isNeg() ? ZERO : price;
  }
  return input.averageEntryPrice.add(perUnit).div(ONE.add(buffer));
}

export function initialMargin(
  quantity: Decimal,
  contractValue: Decimal,
  price: Decimal,
  leverage: number,
): Decimal {
  return quantity.abs().mul(contractValue).mul(price).div(leverage);
}

export function maintenanceMargin(
  quantity: Decimal,
  contractValue: Decimal,
  mark: Decimal,
  mmr: Decimal,
): Decimal {
  return quantity.abs().mul(contractValue).mul(mark).mul(mmr);
}

/** True when the mark has reached the liquidation price. */
export function isLiquidatable(quantity: Decimal, mark: Decimal, liqPx: Decimal | null): boolean {
  if (liqPx === null || quantity.isZero()) return false;
  // Checked on every mark change: compareDecimals answers as lte/gte without copying the operand.
  const diff = compareDecimals(mark, liqPx);
  return quantity.isPos() ? diff <= 0 : diff >= 0;
}

/**
 * Funding payment to the holder (positive = received): −position × contractValue × mark × rate. With a positive
 * rate longs pay and shorts receive.
 */
export function fundingPayment(
  quantity: Decimal,
  contractValue: Decimal,
  mark: Decimal,
  rate: Decimal,
): Decimal {
  return quantity.mul(contractValue).mul(mark).mul(rate).neg();
}
