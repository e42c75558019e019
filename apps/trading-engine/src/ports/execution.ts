/**
 * Execution port: orders, account and positions. Live adapters and the paper executor both implement it, so a
 * bot cannot tell them apart. Every order carries a client order id; that id is how a timed-out placement is
 * reconciled before any retry, so a retry never doubles an order.
 */
import type { Decimal } from 'decimal.js';
import type { MarginMode, OrderSide, OrderStatus, OrderType, Outcome, FillRole } from '@trading/shared-types';
import type { InstrumentId } from './instruments.js';

export interface OrderRequest {
  /** 1–32 alphanumerics (OKX clOrdId rule); unique per order, reused on retry. */
  clientOrderId: string;
  instrumentId: InstrumentId;
  side: OrderSide;
  type: OrderType;
  /** Required except for MARKET. */
  price?: Decimal;
  /** In the venue's order unit (contracts, base, shares). */
  quantity: Decimal;
  reduceOnly?: boolean;
  marginMode?: MarginMode;
  outcome?: Outcome;
  /**
   * Called synchronously right before the request leaves for the venue (after rate-limit waits and any other
   * await of the adapter), for every attempt; throwing aborts the send. The order gate uses it so that nothing
   * leaves after the gate closed, however long the adapter took to get there.
   */
  beforeSend?: () => void;
}

export interface OrderState {
  clientOrderId: string;
  exchangeOrderId: string | null;
  instrumentId: InstrumentId;
  side: OrderSide;
  type: OrderType;
  price: Decimal | null;
  quantity: Decimal;
  filledQuantity: Decimal;
  averageFillPrice: Decimal | null;
  status: OrderStatus;
  /** Venue error code or reason for REJECTED / CANCELLED / FAILED. */
  reason?: string;
  /** Fees paid so far (negative = rebate). */
  fee: Decimal;
  feeCurrency: string;
  createdAt: number;
  updatedAt: number;
}

export interface FillReport {
  /** Unique per venue execution (OKX tradeId, Polymarket trade id): duplicates are dropped by it. */
  fillId: string;
  clientOrderId: string;
  exchangeOrderId: string | null;
  instrumentId: InstrumentId;
  side: OrderSide;
  price: Decimal;
  quantity: Decimal;
  fee: Decimal;
  feeCurrency: string;
  role: FillRole;
  timestamp: number;
}

export interface BalanceState {
  currency: string;
  total: Decimal;
  available: Decimal;
  frozen: Decimal;
}

export interface PositionState {
  instrumentId: InstrumentId;
  /** Signed: positive long, negative short (contracts / base / shares). */
  quantity: Decimal;
  averageEntryPrice: Decimal;
  markPrice: Decimal | null;
  leverage: number | null;
  marginMode: MarginMode;
  liquidationPrice: Decimal | null;
  unrealizedPnl: Decimal;
  margin: Decimal | null;
}

/** A funding settlement on a perpetual swap (positive = received, negative = paid). */
export interface FundingReport {
  /** Unique per settlement (duplicates are dropped by it). */
  fundingId: string;
  instrumentId: InstrumentId;
  rate: Decimal;
  /** Position (signed contracts) and mark the payment was computed on. */
  positionQuantity: Decimal;
  markPrice: Decimal;
  amount: Decimal;
  currency: string;
  timestamp: number;
}

export type ExecutionEvent =
  | { type: 'order'; order: OrderState }
  | { type: 'fill'; fill: FillReport }
  | { type: 'balance'; balance: BalanceState }
  | { type: 'position'; position: PositionState }
  | { type: 'funding'; funding: FundingReport };

export class OrderRejectedError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly clientOrderId: string,
  ) {
    super(message);
    this.name = 'OrderRejectedError';
  }
}

export interface ExecutionPort {
  /**
   * Places an order. Resolves with the acknowledged state; rejects with OrderRejectedError when the venue refused
   * it. A timeout is reconciled by client order id before this resolves or rejects.
   */
  createOrder(request: OrderRequest): Promise<OrderState>;
  amendOrder(
    instrumentId: InstrumentId,
    clientOrderId: string,
    changes: { price?: Decimal; quantity?: Decimal; beforeSend?: () => void },
  ): Promise<OrderState>;
  cancelOrder(instrumentId: InstrumentId, clientOrderId: string): Promise<OrderState>;
  /** Cancels every open order (of one instrument, or all); resolves with what was cancelled. */
  cancelAllOrders(instrumentId?: InstrumentId): Promise<OrderState[]>;
  fetchOpenOrders(instrumentId?: InstrumentId): Promise<OrderState[]>;
  fetchOrderByClientId(instrumentId: InstrumentId, clientOrderId: string): Promise<OrderState | null>;
  fetchBalances(): Promise<BalanceState[]>;
  fetchPositions(instrumentId?: InstrumentId): Promise<PositionState[]>;
  setLeverage(instrumentId: InstrumentId, leverage: number, marginMode: MarginMode): Promise<void>;
  /**
   * Live venues: the account's executions since `since` (ms), oldest first, optionally only of client order ids
   * starting with a prefix (a bot's). An adopting engine reports those of the dead run (fill id = venue trade id).
   */
  fetchFills?(options: { since: number; clientOrderIdPrefix?: string }): Promise<FillReport[]>;
  /** Private stream: order updates, fills, balances, positions. Returns an unsubscribe function. */
  onExecution(handler: (event: ExecutionEvent) => void): () => void;
}

/**
 * The state of a filled order known only from its fill (a liquidation, a recovered fill of a dead run): FILLED for
 * the fill's quantity at its price; `type` says what the order is taken to have been (a MARKET order has no price).
 */
export function filledOrderFromFill(fill: FillReport, type: 'LIMIT' | 'MARKET'): OrderState {
  return {
    clientOrderId: fill.clientOrderId,
    exchangeOrderId: fill.exchangeOrderId,
    instrumentId: fill.instrumentId,
    side: fill.side,
    type,
    price: type === 'LIMIT' ? fill.price : null,
    quantity: fill.quantity,
    filledQuantity: fill.quantity,
    averageFillPrice: fill.price,
    status: 'FILLED',
    fee: fill.fee,
    feeCurrency: fill.feeCurrency,
    createdAt: fill.timestamp,
    updatedAt: fill.timestamp,
  };
}
