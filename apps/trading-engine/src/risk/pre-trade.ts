/**
 * Pre-trade risk: every order (and amend) runs these rules, in this order, before it leaves the engine. The first
 * violation rejects the order; its rule name is what the strategy and the dashboard see.
 */
import type { PreTradeCheck, PreTradeInput, RiskViolation } from './types.js';
import { venueRules } from './checks/venue-rules.js';
import { maxOrderSize } from './checks/max-order-size.js';
import { maxOrderNotional } from './checks/max-order-notional.js';
import { maxPosition } from './checks/max-position.js';
import { maxExposure } from './checks/max-exposure.js';
import { maxLeverage } from './checks/max-leverage.js';
import { priceBand } from './checks/price-band.js';
import { orderRate } from './checks/order-rate.js';

export const PRE_TRADE_CHECKS: readonly PreTradeCheck[] = [
  venueRules,
  maxOrderSize,
  maxOrderNotional,
  maxPosition,
  maxExposure,
  maxLeverage,
  priceBand,
  orderRate,
];

export function firstPreTradeViolation(
  input: PreTradeInput,
  checks: readonly PreTradeCheck[] = PRE_TRADE_CHECKS,
): RiskViolation | null {
  for (const check of checks) {
    const violation = check(input);
    if (violation) return violation;
  }
  return null;
}
