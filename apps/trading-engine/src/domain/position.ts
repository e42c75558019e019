/**
 * Net position accounting for one instrument: signed quantity, average entry, realized PnL. Pure functions on
 * immutable values so the portfolio, the paper account and tests share one exact (decimal.js) implementation.
 *
 * Rules: adding to a position moves the average entry to the quantity-weighted mean; reducing realizes
 * (exit − entry) × closed × contractValue (sign flipped for shorts) and keeps the average; crossing through zero
 * realizes the closed part and opens the rest at the fill price.
 */
import { Decimal } from 'decimal.js';
import type { OrderSide } from '@trading/shared-types';
import type { InstrumentId } from '../ports/instruments.js';

export interface PositionView {
  instrumentId: InstrumentId;
  /** Signed: positive long, negative short. */
  quantity: Decimal;
  /** 0 when flat. */
  averageEntryPrice: Decimal;
  realizedPnl: Decimal;
  unrealizedPnl: Decimal;
  /** Fees paid (negative = rebates received). Not included in realizedPnl. */
  fees: Decimal;
  /** Funding received (positive) or paid (negative). Not included in realizedPnl. */
  funding: Decimal;
  markPrice: Decimal | null;
}

const ZERO = new Decimal(0);

export function flatPosition(instrumentId: InstrumentId): PositionView {
  return {
    instrumentId,
    quantity: ZERO,
    averageEntryPrice: ZERO,
    realizedPnl: ZERO,
    unrealizedPnl: ZERO,
    fees: ZERO,
    funding: ZERO,
    markPrice: null,
  };
}

export interface FillEffect {
  position: PositionView;
  /** PnL realized by this fill alone (before fees). */
  realized: Decimal;
}

/** Applies one fill (side, price, quantity in order units) to a position. */
export function applyFill(
  position: PositionView,
  side: OrderSide,
  price: Decimal,
  quantity: Decimal,
  fee: Decimal,
  contractValue: Decimal,
): FillEffect {
  const signed = side === 'BUY' ? quantity : quantity.neg();
  const current = position.quantity;
  let realized = ZERO;
  let average = position.averageEntryPrice;
  const next = current.add(signed);
  if (current.isZero() || current.isNeg() === signed.isNeg()) {
    // Opening or adding: weighted average entry.
    average = current.abs().mul(average).add(quantity.mul(price)).div(next.abs());
  } else {
    const closed = Decimal.min(current.abs(), quantity);
    const direction = current.isPos() ? 1 : -1;
    realized = price.sub(average).mul(closed).mul(contractValue).mul(direction);
    if (next.isZero()) average = ZERO;
    else if (next.isNeg() !== current.isNeg()) average = price; // flipped: the remainder opened at this price
  }
  const updated: PositionView = {
    ...position,
    quantity: next,
    averageEntryPrice: average,
    realizedPnl: position.realizedPnl.add(realized),
    fees: position.fees.add(fee),
  };
  updated.unrealizedPnl = unrealizedPnl(updated, updated.markPrice, contractValue);
  return { position: updated, realized };
}

export function unrealizedPnl(position: PositionView, mark: Decimal | null, contractValue: Decimal): Decimal {
  if (mark === null || position.quantity.isZero()) return ZERO;
  return mark.sub(position.averageEntryPrice).mul(position.quantity).mul(contractValue);
}

export function markPosition(position: PositionView, mark: Decimal, contractValue: Decimal): PositionView {
  const marked = { ...position, markPrice: mark };
  marked.unrealizedPnl = unrealizedPnl(marked, mark, contractValue);
  return marked;
}
