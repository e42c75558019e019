/**
 * Pre-trade: the position after this order and the bot's other open orders on the same side must stay within
 * maxPositionSize. An order that reduces the absolute position is always allowed.
 */
import { compareDecimals, compareMagnitudes } from '../../core/decimal.js';
import type { PreTradeCheck } from '../types.js';

// Runs for every order placed: position − q is position + (−q) without the negated copy, and the comparisons do
// not copy their operands (core/decimal.ts); the same decisions as abs()/lte().
export const maxPosition: PreTradeCheck = ({ order, limits, position, openSameSide }) => {
  const after = order.side === 'BUY' ? position.add(order.quantity) : position.sub(order.quantity);
  if (compareMagnitudes(after, position) <= 0) return null;
  const projected = after.add(openSameSide).abs();
  if (compareDecimals(projected, limits.maxPositionSize) <= 0) return null;
  return {
    rule: 'max-position',
    message: `position would reach ${projected.toFixed()} (open orders included), above the max position ${limits.maxPositionSize.toFixed()}`,
    limit: limits.maxPositionSize.toFixed(),
    value: projected.toFixed(),
  };
};
