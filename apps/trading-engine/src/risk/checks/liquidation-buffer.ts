/** Continuous (OKX): the mark must stay more than liquidationBufferPct away from the liquidation price. */
import { Decimal } from 'decimal.js';
import type { ContinuousCheck } from '../continuous.js';

const HUNDRED = new Decimal(100);

export const liquidationBuffer: ContinuousCheck = ({ limits, liquidation }) => {
  const buffer = limits.liquidationBufferPct;
  if (buffer === null) return null;
  for (const { instrumentId, markPrice, liquidationPrice } of liquidation) {
    if (markPrice.isZero()) continue;
    const distance = markPrice.sub(liquidationPrice).abs().div(markPrice).mul(HUNDRED);
    if (distance.gt(buffer)) continue;
    return {
      rule: 'liquidation-buffer',
      message: `${instrumentId}: mark ${markPrice.toFixed()} is ${distance.toDecimalPlaces(4).toFixed()}% from the liquidation price ${liquidationPrice.toFixed()}, within the ${buffer.toFixed()}% buffer`,
      limit: buffer.toFixed(),
      value: distance.toFixed(),
    };
  }
  return null;
};
