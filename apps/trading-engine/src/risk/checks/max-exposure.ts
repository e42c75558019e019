/** Pre-trade: an order that adds to a position must keep the bot's total notional exposure within maxExposure. */
import type { PreTradeCheck } from '../types.js';

export const maxExposure: PreTradeCheck = ({
  order,
  limits,
  instrument,
  position,
  referencePrice,
  exposure,
}) => {
  const limit = limits.maxExposure;
  const price = order.price ?? referencePrice;
  if (limit === null || price === null) return null;
  const signed = order.side === 'BUY' ? order.quantity : order.quantity.neg();
  if (position.add(signed).abs().lte(position.abs())) return null;
  const after = exposure.add(price.mul(order.quantity).mul(instrument.contractValue));
  if (after.lte(limit)) return null;
  return {
    rule: 'max-exposure',
    message: `exposure would reach ${after.toFixed()}, above the max exposure ${limit.toFixed()}`,
    limit: limit.toFixed(),
    value: after.toFixed(),
  };
};
