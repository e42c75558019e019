/** Sensible default risk limits for a new bot, per exchange (Polymarket sizes are shares, OKX contracts/base). */
import type { Exchange } from '@trading/shared-types/browser';

export interface RiskFormValues {
  maxDailyLoss: string;
  maxDrawdown: string;
  maxPositionSize: string;
  maxOrderSize: string;
  maxOrdersPerMinute: string;
  maxLeverage: string;
}

export function defaultRiskLimits(exchange: Exchange): RiskFormValues {
  return exchange === 'polymarket'
    ? { maxDailyLoss: '100', maxDrawdown: '10', maxPositionSize: '1000', maxOrderSize: '100', maxOrdersPerMinute: '60', maxLeverage: '' }
    : { maxDailyLoss: '100', maxDrawdown: '10', maxPositionSize: '1', maxOrderSize: '0.1', maxOrdersPerMinute: '60', maxLeverage: '3' };
}
