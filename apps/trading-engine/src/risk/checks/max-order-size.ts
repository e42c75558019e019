/** Pre-trade: a single order's quantity must not exceed maxOrderSize. */
import type { PreTradeCheck } from '../types.js';

export const maxOrderSize: PreTradeCheck = ({ order, limits }) => {
  const limit = limits.maxOrderSize;
  if (limit === null || order.quantity.lte(limit)) return null;
  return {
    rule: 'max-order-size',
    message: `order quantity ${order.quantity.toFixed()} exceeds the max order size ${limit.toFixed()}`,
    limit: limit.toFixed(),
    value: order.quantity.toFixed(),
  };
};
