/**
 * Intents: what a strategy asks for, as plain data. Every intent passes the risk engine and then the execution
 * engine; a refusal comes back to the strategy as an `order-denied` event naming the rule.
 */
import type { Decimal } from 'decimal.js';
import type { MarginMode, OrderSide, OrderType, Outcome } from '@trading/shared-types';
import type { InstrumentId } from '../ports/instruments.js';

export interface PlaceOrderIntent {
  type: 'place-order';
  instrumentId: InstrumentId;
  side: OrderSide;
  orderType: OrderType;
  /** Required except for MARKET. */
  price?: Decimal;
  /** In the venue's order unit (contracts, base, shares). */
  quantity: Decimal;
  /** Optional: give one (ctx.newClientOrderId()) to cancel or amend the order later; else the engine assigns one. */
  clientOrderId?: string;
  reduceOnly?: boolean;
  marginMode?: MarginMode;
  outcome?: Outcome;
  /** Free text that shows up in the bot log (why the strategy placed it). */
  tag?: string;
}

export interface CancelOrderIntent {
  type: 'cancel-order';
  instrumentId: InstrumentId;
  clientOrderId: string;
}

export interface AmendOrderIntent {
  type: 'amend-order';
  instrumentId: InstrumentId;
  clientOrderId: string;
  price?: Decimal;
  quantity?: Decimal;
}

export interface CancelAllIntent {
  type: 'cancel-all';
  /** Omit to cancel every open order of the bot. */
  instrumentId?: InstrumentId;
}

export interface SetLeverageIntent {
  type: 'set-leverage';
  instrumentId: InstrumentId;
  leverage: number;
  marginMode: MarginMode;
}

export type Intent =
  PlaceOrderIntent | CancelOrderIntent | AmendOrderIntent | CancelAllIntent | SetLeverageIntent;
export type IntentType = Intent['type'];
