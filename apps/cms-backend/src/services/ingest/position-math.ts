/**
 * Net position arithmetic from fills, in Decimal: average entry on increases, realized PnL on reductions, a flip
 * re-opens at the fill price. Fees accumulate separately (realized PnL here is gross of fees).
 */
import { Decimal } from 'decimal.js';

export interface PositionState {
  quantity: Decimal;
  averageEntryPrice: Decimal;
  realizedPnl: Decimal;
  fees: Decimal;
}

export function applyFill(state: PositionState, side: 'BUY' | 'SELL', quantity: Decimal, price: Decimal, fee: Decimal): PositionState {
  const signed = side === 'BUY' ? quantity : quantity.negated();
  const q = state.quantity;
  const next = q.plus(signed);
  let average = state.averageEntryPrice;
  let realized = state.realizedPnl;
  if (q.isZero() || q.isPositive() === signed.isPositive()) {
    average = next.isZero() ? new Decimal(0) : q.abs().times(average).plus(signed.abs().times(price)).dividedBy(next.abs());
  } else {
    const closed = Decimal.min(signed.abs(), q.abs());
    realized = realized.plus(closed.times(price.minus(average)).times(q.isPositive() ? 1 : -1));
    if (next.isZero()) average = new Decimal(0);
    else if (next.isPositive() !== q.isPositive()) average = price;
  }
  return { quantity: next, averageEntryPrice: average, realizedPnl: realized, fees: state.fees.plus(fee) };
}

export function positionSide(quantity: Decimal): 'LONG' | 'SHORT' | 'FLAT' {
  return quantity.isZero() ? 'FLAT' : quantity.isPositive() ? 'LONG' : 'SHORT';
}
