/**
 * Venue order rules, checked the way the venue checks them: tick size, lot size, min size, and Polymarket's price
 * range and whole shares. Used by the risk engine (pre-trade, so an order that would bounce never leaves) and by
 * the paper executor (so paper rejects what the venue would reject, with the venue's error code).
 */
import type { Decimal } from 'decimal.js';
import type { OrderType } from '@trading/shared-types';
import type { Instrument } from '../ports/instruments.js';
import { compareDecimals, isMultipleOf, ONE, ZERO } from '../core/decimal.js';

export interface VenueViolation {
  /** Engine rule name: venue-tick-size, venue-lot-size, venue-min-size, venue-price-range. */
  rule: string;
  /** What the venue answers (Polymarket error code; OKX sCode). */
  venueCode: string;
  message: string;
}

export interface VenueOrder {
  type: OrderType;
  price?: Decimal | undefined;
  quantity: Decimal;
}

export function checkVenueRules(instrument: Instrument, order: VenueOrder): VenueViolation | null {
  // Comparisons via compareDecimals (same answers as lte/lt, NaN included): decimal.js copies the operand of each.
  const polymarket = instrument.exchange === 'polymarket';
  if (compareDecimals(order.quantity, ZERO) <= 0) {
    return {
      rule: 'venue-lot-size',
      venueCode: polymarket ? 'INVALID_ORDER_ERROR' : '51000',
      message: 'quantity must be positive',
    };
  }
  if (order.type !== 'MARKET') {
    const price = order.price;
    if (price === undefined || compareDecimals(price, ZERO) <= 0) {
      return {
        rule: 'venue-tick-size',
        venueCode: polymarket ? 'INVALID_ORDER_MIN_TICK_SIZE' : '51000',
        message: 'a limit order needs a positive price',
      };
    }
    if (!isMultipleOf(price, instrument.tickSize)) {
      return {
        rule: 'venue-tick-size',
        venueCode: polymarket ? 'INVALID_ORDER_MIN_TICK_SIZE' : '51000',
        message: `price ${price.toFixed()} is not a multiple of the tick size ${instrument.tickSize.toFixed()}`,
      };
    }
    if (polymarket && (price.lt(instrument.tickSize) || price.gt(ONE.sub(instrument.tickSize)))) {
      return {
        rule: 'venue-price-range',
        venueCode: 'INVALID_ORDER_MIN_TICK_SIZE',
        message: `price ${price.toFixed()} outside [${instrument.tickSize.toFixed()}, ${ONE.sub(instrument.tickSize).toFixed()}]`,
      };
    }
  }
  if (polymarket && !order.quantity.isInteger()) {
    return {
      rule: 'venue-lot-size',
      venueCode: 'INVALID_ORDER_ERROR',
      message: `Polymarket trades whole shares; got ${order.quantity.toFixed()}`,
    };
  }
  if (!isMultipleOf(order.quantity, instrument.lotSize)) {
    return {
      rule: 'venue-lot-size',
      venueCode: polymarket ? 'INVALID_ORDER_ERROR' : '51121',
      message: `quantity ${order.quantity.toFixed()} is not a multiple of the lot size ${instrument.lotSize.toFixed()}`,
    };
  }
  // Polymarket enforces min_order_size on resting (GTC/GTD) orders; OKX on every order.
  const minApplies = !polymarket || order.type === 'LIMIT' || order.type === 'POST_ONLY';
  if (minApplies && compareDecimals(order.quantity, instrument.minSize) < 0) {
    return {
      rule: 'venue-min-size',
      venueCode: polymarket ? 'INVALID_ORDER_MIN_SIZE' : '51020',
      message: `quantity ${order.quantity.toFixed()} is below the minimum ${instrument.minSize.toFixed()}`,
    };
  }
  return null;
}
