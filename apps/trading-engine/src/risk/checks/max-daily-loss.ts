/** Continuous: the day's PnL (realized + unrealized − fees + funding since the UTC day began) ≥ −maxDailyLoss. */
import type { ContinuousCheck } from '../continuous.js';

export const maxDailyLoss: ContinuousCheck = ({ figures, limits }) => {
  const loss = figures.dailyPnl.neg();
  if (loss.lt(limits.maxDailyLoss)) return null;
  return {
    rule: 'max-daily-loss',
    message: `daily loss ${loss.toFixed()} ${figures.currency} reached the limit ${limits.maxDailyLoss.toFixed()}`,
    limit: limits.maxDailyLoss.toFixed(),
    value: loss.toFixed(),
  };
};
