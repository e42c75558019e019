/** Continuous: equity must stay within maxDrawdown percent of its peak. */
import type { ContinuousCheck } from '../continuous.js';

export const maxDrawdown: ContinuousCheck = ({ figures, limits }) => {
  if (figures.drawdownPct.lt(limits.maxDrawdownPct)) return null;
  return {
    rule: 'max-drawdown',
    message: `drawdown ${figures.drawdownPct.toDecimalPlaces(4).toFixed()}% (equity ${figures.equity.toFixed()}, peak ${figures.peakEquity.toFixed()}) reached the limit ${limits.maxDrawdownPct.toFixed()}%`,
    limit: limits.maxDrawdownPct.toFixed(),
    value: figures.drawdownPct.toFixed(),
  };
};
