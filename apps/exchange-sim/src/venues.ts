/**
 * Registration of the venues other than OKX (explicit registry, no folder scanning). src/polymarket/ is owned by
 * the Polymarket work; this is the one line that wires it in.
 */
import type { SimContext } from './venue.js';
import { createPolymarketVenue, type PolymarketVenue, type PolymarketVenueOptions } from './polymarket/index.js';

export type { PolymarketVenue, PolymarketVenueOptions };

export function registerPolymarketVenue(ctx: SimContext, options?: PolymarketVenueOptions): PolymarketVenue {
  return createPolymarketVenue(ctx, options);
}
