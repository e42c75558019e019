/**
 * Pre-trade: the position after this order and the bot's other open orders on the same side must stay within
 * maxPositionSize. An order that reduces the absolute position is always allowed.
 */
import type { PreTradeCheck } from '../types.js';

export const maxPosition: PreTradeCheck = ({ order, limits, position, openSameSide }) => {
  const signed = order.side === 'BUY' ? order.quantity : order.quantity.neg();
  const after = position.add(signed);
  if (after.abs().lte(position.abs())) return null;
  const projected = after.add(openSameSide).abs();
  if (projected.lte(limits.maxPositionSize)) return null;
  return {
    rule: 'max-position',
    message: `position would reach ${projected.toFixed()} (open orders included), above the max position ${limits.maxPositionSize.toFixed()}`,
    limit: limits.maxPositionSize.toFixed(),
    value: projected.toFixed(),
  };
};
