/** RiskLimits (schemas/entities/risk-limits.json) parsed into exact decimals once, when a bot is created. */
import { Decimal } from 'decimal.js';
import type { RiskLimits } from '@trading/shared-types';

export interface ParsedRiskLimits {
  maxDailyLoss: Decimal;
  maxDrawdownPct: Decimal;
  maxPositionSize: Decimal;
  maxOrderSize: Decimal | null;
  maxOrderNotional: Decimal | null;
  maxExposure: Decimal | null;
  maxOrdersPerMinute: number | null;
  maxLeverage: number | null;
  priceBandPct: Decimal | null;
  liquidationBufferPct: Decimal | null;
  flattenOnStop: boolean;
}

const optional = (value: string | number | undefined): Decimal | null =>
  value === undefined ? null : new Decimal(value);

export function parseRiskLimits(limits: RiskLimits): ParsedRiskLimits {
  return {
    maxDailyLoss: new Decimal(limits.maxDailyLoss),
    // Percentages arrive as JSON numbers; String() gives their shortest exact decimal.
    maxDrawdownPct: new Decimal(String(limits.maxDrawdown)),
    maxPositionSize: new Decimal(limits.maxPositionSize),
    maxOrderSize: optional(limits.maxOrderSize),
    maxOrderNotional: optional(limits.maxOrderNotional),
    maxExposure: optional(limits.maxExposure),
    maxOrdersPerMinute: limits.maxOrdersPerMinute ?? null,
    maxLeverage: limits.maxLeverage ?? null,
    priceBandPct: limits.priceBandPct === undefined ? null : new Decimal(String(limits.priceBandPct)),
    liquidationBufferPct:
      limits.liquidationBufferPct === undefined ? null : new Decimal(String(limits.liquidationBufferPct)),
    flattenOnStop: limits.flattenOnStop ?? false,
  };
}
