/** Sensible default risk limits for a new bot, per exchange (Polymarket sizes are shares, OKX contracts/base). */
import type { Exchange } from '@trading/shared-types/browser';
import type { FormField } from '@/lib/schema-form';

/** The risk-limit fields of the bot and backtest forms (RiskLimits in schemas/), validated as they are edited. */
export const RISK_FIELDS: FormField[] = [
  { name: 'maxDailyLoss', label: 'Max daily loss', kind: 'decimal', positive: true, required: true, description: 'Stops the bot when today’s loss reaches this (quote currency).' },
  { name: 'maxDrawdown', label: 'Max drawdown %', kind: 'number', exclusiveMinimum: 0, maximum: 100, required: true },
  { name: 'maxPositionSize', label: 'Max position size', kind: 'decimal', positive: true, required: true },
  { name: 'maxOrderSize', label: 'Max order size', kind: 'decimal', positive: true, required: false },
  { name: 'maxOrdersPerMinute', label: 'Max orders / minute', kind: 'integer', minimum: 1, maximum: 10000, required: false },
  { name: 'maxLeverage', label: 'Max leverage (OKX)', kind: 'integer', minimum: 1, maximum: 125, required: false },
];

/** The risk fields that apply on these exchanges (leverage only where OKX is traded). */
export function riskFieldsFor(exchanges: readonly Exchange[]): FormField[] {
  return RISK_FIELDS.filter((f) => f.name !== 'maxLeverage' || exchanges.includes('okx'));
}

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
