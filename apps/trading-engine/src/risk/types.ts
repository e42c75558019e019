/** Shapes shared by the risk rules: what a pre-trade check sees, and what a violation reports. */
import type { Decimal } from 'decimal.js';
import type { OrderSide, OrderType } from '@trading/shared-types';
import type { Instrument } from '../ports/instruments.js';
import type { ParsedRiskLimits } from './limits.js';

/** An order about to leave the engine (a new order, or an amended one). */
export interface PreTradeOrder {
  side: OrderSide;
  type: OrderType;
  price: Decimal | null;
  quantity: Decimal;
  reduceOnly: boolean;
}

export interface PreTradeInput {
  order: PreTradeOrder;
  instrument: Instrument;
  limits: ParsedRiskLimits;
  /** Signed position now. */
  position: Decimal;
  /** Signed remaining quantity of the bot's other open orders on this instrument that would add on this side. */
  openSameSide: Decimal;
  /** Mark price, else mid, else null. */
  referencePrice: Decimal | null;
  /** Bot's total exposure now (notional in the settle currency). */
  exposure: Decimal;
  /** Leverage the bot set for this instrument, if any. */
  leverage: number | null;
  /** Orders the bot sent in the last 60 s. */
  ordersLastMinute: number;
}

export interface RiskViolation {
  /** Rule name (max-order-size, price-band, ...): what the strategy and the dashboard see. */
  rule: string;
  message: string;
  limit: string;
  value: string;
}

export type PreTradeCheck = (input: PreTradeInput) => RiskViolation | null;
