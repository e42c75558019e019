/** Pre-trade: at most maxOrdersPerMinute orders (new or amended) per rolling 60 s. */
import type { PreTradeCheck } from '../types.js';

export const orderRate: PreTradeCheck = ({ limits, ordersLastMinute }) => {
  const limit = limits.maxOrdersPerMinute;
  if (limit === null || ordersLastMinute < limit) return null;
  return {
    rule: 'order-rate',
    message: `${String(ordersLastMinute)} orders in the last minute; the limit is ${String(limit)}`,
    limit: String(limit),
    value: String(ordersLastMinute + 1),
  };
};
