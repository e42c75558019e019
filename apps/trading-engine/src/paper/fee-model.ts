/**
 * Fee models per venue, in the instrument's settle currency; positive = paid, negative = rebate.
 * - OKX (and any notional-fee venue): fee = price × quantity × contractValue × rate (maker or taker rate).
 * - Polymarket: taker fee = C × feeRate × p × (1 − p) (C shares at price p); makers pay nothing and receive a
 *   rebate of `makerRebateShare` of the taker fee their fill generated.
 */
import { Decimal } from 'decimal.js';
import type { FillRole } from '@trading/shared-types';
import type { Instrument } from '../ports/instruments.js';
import { ONE } from '../core/decimal.js';

export interface FeeModel {
  fee(instrument: Instrument, role: FillRole, price: Decimal, quantity: Decimal): Decimal;
}

export interface FeeRates {
  maker: Decimal;
  taker: Decimal;
}

/** OKX-style notional fees. `overrides` replace the instrument's rates (e.g. a VIP tier). */
export class NotionalFeeModel implements FeeModel {
  constructor(private readonly overrides?: Partial<FeeRates>) {}

  fee(instrument: Instrument, role: FillRole, price: Decimal, quantity: Decimal): Decimal {
    const rate =
      role === 'maker'
        ? (this.overrides?.maker ?? instrument.makerFeeRate)
        : (this.overrides?.taker ?? instrument.takerFeeRate);
    return price.mul(quantity).mul(instrument.contractValue).mul(rate);
  }
}

/** Polymarket's curve: C·feeRate·p·(1−p) for takers, a rebate share of it for makers. */
export class PolymarketFeeModel implements FeeModel {
  constructor(
    private readonly makerRebateShare: Decimal = new Decimal('0.2'),
    private readonly feeRateOverride?: Decimal,
  ) {}

  takerFee(feeRate: Decimal, price: Decimal, shares: Decimal): Decimal {
    return shares.mul(feeRate).mul(price).mul(ONE.sub(price));
  }

  fee(instrument: Instrument, role: FillRole, price: Decimal, quantity: Decimal): Decimal {
    const taker = this.takerFee(this.feeRateOverride ?? instrument.takerFeeRate, price, quantity);
    return role === 'taker' ? taker : taker.mul(this.makerRebateShare).neg();
  }
}

export function defaultFeeModel(instrument: Instrument): FeeModel {
  return instrument.exchange === 'polymarket' ? new PolymarketFeeModel() : new NotionalFeeModel();
}
