/** Pre-trade: price × quantity × contract value must not exceed maxOrderNotional (market orders use the reference price). */
import type { PreTradeCheck } from '../types.js';

export const maxOrderNotional: PreTradeCheck = ({ order, limits, instrument, referencePrice }) => {
  const limit = limits.maxOrderNotional;
  const price = order.price ?? referencePrice;
  if (limit === null || price === null) return null;
  const notional = price.mul(order.quantity).mul(instrument.contractValue);
  if (notional.lte(limit)) return null;
  return {
    rule: 'max-order-notional',
    message: `order notional ${notional.toFixed()} exceeds the max order notional ${limit.toFixed()}`,
    limit: limit.toFixed(),
    value: notional.toFixed(),
  };
};
