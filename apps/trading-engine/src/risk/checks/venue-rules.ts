/** Pre-trade: the venue's tick size, lot size, min size (and Polymarket price range / whole shares). */
import { checkVenueRules } from '../../paper/venue-rules.js';
import type { PreTradeCheck } from '../types.js';

export const venueRules: PreTradeCheck = ({ order, instrument }) => {
  const violation = checkVenueRules(instrument, {
    type: order.type,
    price: order.price ?? undefined,
    quantity: order.quantity,
  });
  if (!violation) return null;
  const limit =
    violation.rule === 'venue-tick-size' || violation.rule === 'venue-price-range'
      ? instrument.tickSize.toFixed()
      : violation.rule === 'venue-min-size'
        ? instrument.minSize.toFixed()
        : instrument.lotSize.toFixed();
  return {
    rule: violation.rule,
    message: violation.message,
    limit,
    value:
      violation.rule === 'venue-tick-size' || violation.rule === 'venue-price-range'
        ? (order.price?.toFixed() ?? 'none')
        : order.quantity.toFixed(),
  };
};
