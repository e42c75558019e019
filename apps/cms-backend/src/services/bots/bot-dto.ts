/** The API view of a bot row (Bot entity), and config normalisation (numbers → exact decimal strings). */
import { toPlainDecimal, validate, type Bot, type BotState, type Exchange, type RiskLimits, type TradingMode } from '@trading/shared-types';
import type { bots } from '../../db/schema.js';
import { unprocessable } from '../../errors.js';
import { strategySchemaName } from '../strategies/catalogue.js';

export type BotRow = typeof bots.$inferSelect;

export function toBot(row: BotRow): Bot {
  return {
    botId: row.botId,
    name: row.name,
    ...(row.description !== null ? { description: row.description } : {}),
    exchange: row.exchange as Exchange,
    strategy: row.strategy,
    mode: row.mode as TradingMode,
    status: row.status as BotState,
    statusReason: row.statusReason,
    walletId: row.walletId,
    config: row.config,
    exchangeConfig: row.exchangeConfig,
    riskLimits: row.riskLimits as unknown as RiskLimits,
    assignedEngineId: row.assignedEngineId,
    tags: row.tags,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function decimalize(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? toPlainDecimal(value) : value;
  if (Array.isArray(value)) return value.map(decimalize);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decimalize(v)]));
  return value;
}

/**
 * A strategy config: validated by its schemas/strategies/ schema when there is one (which converts numbers where
 * decimals are expected); otherwise every JSON number becomes its exact decimal string ("spread": 0.03 → "0.03").
 */
export function normalizeConfig(strategy: string, config: Record<string, unknown>): Record<string, unknown> {
  const schemaName = strategySchemaName(strategy);
  if (schemaName === null) return decimalize(config) as Record<string, unknown>;
  const result = validate(schemaName, config);
  if (!result.ok) {
    throw unprocessable(
      `invalid config for ${strategy}: ${result.issues.map((i) => i.message).join('; ')}`,
      result.issues.map((i) => ({ field: `config.${i.field}`, rule: i.rule, message: `config.${i.message}` })),
    );
  }
  return result.value as Record<string, unknown>;
}
