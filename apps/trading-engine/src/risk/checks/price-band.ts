/** Pre-trade fat-finger check: a limit price must lie within priceBandPct of the mark (or mid). */
import { Decimal } from 'decimal.js';
import type { PreTradeCheck } from '../types.js';

const HUNDRED = new Decimal(100);

export const priceBand: PreTradeCheck = ({ order, limits, referencePrice }) => {
  const band = limits.priceBandPct;
  if (band === null || order.price === null || referencePrice === null || referencePrice.isZero())
    return null;
  const distance = order.price.sub(referencePrice).abs().div(referencePrice).mul(HUNDRED);
  if (distance.lte(band)) return null;
  return {
    rule: 'price-band',
    message: `price ${order.price.toFixed()} is ${distance.toDecimalPlaces(4).toFixed()}% from the reference ${referencePrice.toFixed()}, outside the ${band.toFixed()}% band`,
    limit: band.toFixed(),
    value: distance.toFixed(),
  };
};
