/** Pre-trade: the leverage in use (or being set) must not exceed maxLeverage (OKX). */
import type { PreTradeCheck } from '../types.js';

export function leverageViolation(
  leverage: number | null,
  maxLeverage: number | null,
): ReturnType<PreTradeCheck> {
  if (leverage === null || maxLeverage === null || leverage <= maxLeverage) return null;
  return {
    rule: 'max-leverage',
    message: `leverage ${String(leverage)}x exceeds the max leverage ${String(maxLeverage)}x`,
    limit: String(maxLeverage),
    value: String(leverage),
  };
}

export const maxLeverage: PreTradeCheck = ({ leverage, limits }) =>
  leverageViolation(leverage, limits.maxLeverage);
