/**
 * The backtest spec file (`--config`): the bot as the API would create it, minus what a backtest does not need.
 *
 *   { "config": { "spread": 0.03, "orderSize": 10 },          strategy config (numbers allowed for decimals)
 *     "exchangeConfig": { "marketId": "0x..", "tokenId": ".." },  merged under config
 *     "riskLimits": { "maxDailyLoss": 100, "maxDrawdown": 20, "maxPositionSize": 500 },
 *     "initialBalances": { "USDC": "1000" }, "leverage": 3, "latencyMs": 50 }
 *
 * A file without a `config` key is taken as the strategy config itself, with permissive risk limits and 10 000 of
 * the first instrument's settle currency.
 */
import { assertValid, toPlainDecimal, type RiskLimits } from '@trading/shared-types';
import type { Instrument } from '../ports/instruments.js';

export interface BacktestSpec {
  config: Record<string, unknown>;
  exchangeConfig: Record<string, unknown>;
  riskLimits: RiskLimits;
  initialBalances: Record<string, string>;
  leverage: number;
  latencyMs: number;
}

const DECIMAL_LIMITS = ['maxDailyLoss', 'maxPositionSize', 'maxOrderSize', 'maxOrderNotional', 'maxExposure'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decimalString(value: unknown, what: string): string {
  if (typeof value === 'number') return toPlainDecimal(value);
  if (typeof value === 'string') return value;
  throw new Error(`${what} must be a decimal string or number`);
}

export function parseBacktestSpec(json: unknown, instruments: readonly Instrument[]): BacktestSpec {
  if (!isRecord(json)) throw new Error('the backtest config must be a JSON object');
  const full = isRecord(json.config);
  const config = full ? (json.config as Record<string, unknown>) : json;
  const rawLimits: Record<string, unknown> = full && isRecord(json.riskLimits) ? { ...json.riskLimits } : { maxDailyLoss: '1000000', maxDrawdown: 100, maxPositionSize: '1000000' };
  for (const key of DECIMAL_LIMITS) if (rawLimits[key] !== undefined) rawLimits[key] = decimalString(rawLimits[key], `riskLimits.${key}`);
  const currency = instruments[0]?.settleCurrency ?? 'USDT';
  const balances = full && isRecord(json.initialBalances) ? json.initialBalances : { [currency]: '10000' };
  return {
    config,
    exchangeConfig: full && isRecord(json.exchangeConfig) ? json.exchangeConfig : {},
    riskLimits: assertValid('RiskLimits', rawLimits),
    initialBalances: Object.fromEntries(Object.entries(balances).map(([key, value]) => [key, decimalString(value, `initialBalances.${key}`)])),
    leverage: full && typeof json.leverage === 'number' ? json.leverage : 1,
    latencyMs: full && typeof json.latencyMs === 'number' ? json.latencyMs : 50,
  };
}
