/**
 * Market data port: normalized, exact-decimal streams. A book consumer is told when its book was stale (gap,
 * checksum mismatch, reconnect) and rebuilt from a fresh snapshot.
 */
import type { Decimal } from 'decimal.js';
import type { OrderSide } from '@trading/shared-types';
import type { InstrumentId } from './instruments.js';

/**
 * [price, size] or [price, size, orders]: `orders` = how many orders make up the level, when the feed says (OKX
 * `books` levels carry it). Bids best (highest) first, asks best (lowest) first.
 */
export type BookLevel = readonly [price: Decimal, size: Decimal] | readonly [price: Decimal, size: Decimal, orders: number];

export interface OrderBookView {
  instrumentId: InstrumentId;
  bids: readonly BookLevel[];
  asks: readonly BookLevel[];
  /** Venue timestamp of the last applied update, epoch ms. */
  timestamp: number;
  /** Venue sequence id of the last applied update (OKX seqId), or a local counter. */
  sequence: number;
}

export interface BookEvent {
  type: 'book';
  book: OrderBookView;
  /** True on the first update after a resync: anything derived from the old book must be recomputed. */
  resynced: boolean;
}

export interface TradeEvent {
  type: 'trade';
  instrumentId: InstrumentId;
  tradeId: string;
  price: Decimal;
  quantity: Decimal;
  /** Aggressor side. */
  side: OrderSide;
  timestamp: number;
}

export interface TickerEvent {
  type: 'ticker';
  instrumentId: InstrumentId;
  last: Decimal | null;
  bestBid: Decimal | null;
  bestAsk: Decimal | null;
  timestamp: number;
}

export interface FundingEvent {
  type: 'funding';
  instrumentId: InstrumentId;
  /** Rate for the current period, as a fraction (0.0001 = 1 bp). */
  fundingRate: Decimal;
  nextFundingTime: number;
  timestamp: number;
}

export interface MarkPriceEvent {
  type: 'mark-price';
  instrumentId: InstrumentId;
  markPrice: Decimal;
  timestamp: number;
}

export interface MarketResolvedEvent {
  type: 'market-resolved';
  instrumentId: InstrumentId;
  /** 1 for the winning token, 0 for the losing one. */
  settlementPrice: Decimal;
  timestamp: number;
}

export type MarketEvent = BookEvent | TradeEvent | TickerEvent | FundingEvent | MarkPriceEvent | MarketResolvedEvent;

export type MarketChannel = MarketEvent['type'];

export interface Subscription {
  unsubscribe(): void;
}

export interface MarketDataPort {
  /** Subscriptions to one instrument and channel are shared and reference counted. */
  watch(instrumentId: InstrumentId, channel: MarketChannel, handler: (event: MarketEvent) => void): Subscription;
  /** Current book, if subscribed and in sync. */
  getOrderBook(instrumentId: InstrumentId): OrderBookView | undefined;
  /** One-off REST snapshot. */
  fetchOrderBook(instrumentId: InstrumentId, depth?: number): Promise<OrderBookView>;
}
