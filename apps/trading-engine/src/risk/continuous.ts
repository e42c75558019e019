/** Continuous risk rules: evaluated whenever a bot's figures change (fills, marks, funding). */
import type { Decimal } from 'decimal.js';
import type { InstrumentId } from '../ports/instruments.js';
import type { LedgerFigures } from '../portfolio/bot-ledger.js';
import type { ParsedRiskLimits } from './limits.js';
import type { RiskViolation } from './types.js';
import { maxDailyLoss } from './checks/max-daily-loss.js';
import { maxDrawdown } from './checks/max-drawdown.js';
import { liquidationBuffer } from './checks/liquidation-buffer.js';

export interface ContinuousInput {
  figures: LedgerFigures;
  limits: ParsedRiskLimits;
  /** Open derivative positions with a known liquidation price. */
  liquidation: readonly { instrumentId: InstrumentId; markPrice: Decimal; liquidationPrice: Decimal }[];
}

export type ContinuousCheck = (input: ContinuousInput) => RiskViolation | null;

export const CONTINUOUS_CHECKS: readonly ContinuousCheck[] = [maxDailyLoss, maxDrawdown, liquidationBuffer];

export function firstContinuousViolation(input: ContinuousInput): RiskViolation | null {
  for (const check of CONTINUOUS_CHECKS) {
    const violation = check(input);
    if (violation) return violation;
  }
  return null;
}
