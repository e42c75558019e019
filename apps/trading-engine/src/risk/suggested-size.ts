/**
 * The order size a strategy may use at a price: the tightest of max order size, max order notional, and the room
 * left under max position on that side (open orders included), rounded down to the lot; zero below the min size.
 */
import type { Decimal } from 'decimal.js';
import type { OrderSide } from '@trading/shared-types';
import type { Instrument } from '../ports/instruments.js';
import { floorToStep, ZERO } from '../core/decimal.js';
import type { ParsedRiskLimits } from './limits.js';

export function suggestedOrderSize(
  instrument: Instrument,
  limits: ParsedRiskLimits,
  side: OrderSide,
  price: Decimal,
  position: Decimal,
  openSameSide: Decimal,
): Decimal {
  const signedExisting = position.add(openSameSide);
  const room =
    side === 'BUY' ? limits.maxPositionSize.sub(signedExisting) : limits.maxPositionSize.add(signedExisting);
  let size = room;
  if (limits.maxOrderSize !== null && limits.maxOrderSize.lt(size)) size = limits.maxOrderSize;
  if (limits.maxOrderNotional !== null && price.gt(0)) {
    const byNotional = limits.maxOrderNotional.div(price.mul(instrument.contractValue));
    if (byNotional.lt(size)) size = byNotional;
  }
  const step =
    instrument.exchange === 'polymarket' && instrument.lotSize.lt(1)
      ? instrument.lotSize.ceil()
      : instrument.lotSize;
  const rounded = floorToStep(size, step);
  return rounded.lt(instrument.minSize) || rounded.lte(0) ? ZERO : rounded;
}
