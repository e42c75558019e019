/** Simulator-side records of the Polymarket venue: markets, orders, trades, and the events it publishes. */
import type { Decimal } from 'decimal.js';
import type { ClobOrderType } from './order-payload.js';
import type { TickSize } from './constants.js';

export type OutcomeName = 'Yes' | 'No';
export type Side = 'BUY' | 'SELL';

export interface SimToken {
  tokenId: string;
  outcome: OutcomeName;
}

export interface SimMarket {
  conditionId: string;
  question: string;
  slug: string;
  yes: SimToken;
  no: SimToken;
  tickSize: TickSize;
  minOrderSize: Decimal;
  negRisk: boolean;
  /** Taker fee rate C·rate·p·(1−p) per share. */
  feeRate: Decimal;
  /** Epoch ms; trading stops and the market resolves at this time (null = open-ended). */
  endTime: number | null;
  /** "BTC above K at T" markets: strike in USDT; null for plain binary markets. */
  strike: Decimal | null;
  acceptingOrders: boolean;
  closed: boolean;
  winner: OutcomeName | null;
  lastTradePrice: Map<string, { price: Decimal; side: Side }>;
}

export type OrderStatus = 'LIVE' | 'MATCHED' | 'CANCELED' | 'UNMATCHED';

export interface SimOrder {
  id: string;
  /** API key of the owner (the venue's `owner`). */
  owner: string;
  /** Checksummed maker (funder) address: whose balances move. */
  maker: `0x${string}`;
  market: SimMarket;
  token: SimToken;
  side: Side;
  /** In the order's own token terms. */
  price: Decimal;
  originalSize: Decimal;
  sizeMatched: Decimal;
  status: OrderStatus;
  orderType: ClobOrderType;
  /** Unix seconds, 0 = none. */
  expiration: number;
  /** Unix seconds. */
  createdAt: number;
  associateTrades: string[];
  /** Remaining collateral still reserved by a resting BUY (price × remaining). */
  background: boolean;
}

export type TradeStatus = 'MATCHED' | 'MINED' | 'CONFIRMED' | 'RETRYING' | 'FAILED';

export interface SimMakerFill {
  order: SimOrder;
  /** In the maker order's token terms. */
  price: Decimal;
  size: Decimal;
}

export interface SimTrade {
  id: string;
  taker: SimOrder;
  market: SimMarket;
  /** Taker's price (in the taker token's terms), quantity-weighted over maker fills. */
  price: Decimal;
  size: Decimal;
  makers: SimMakerFill[];
  /** Taker fee charged in collateral. */
  fee: Decimal;
  feeRateBps: string;
  status: TradeStatus;
  /** Unix seconds. */
  matchTime: number;
  lastUpdate: number;
  transactionHash: string;
  /** Ledger movements to undo if settlement fails: address → { collateral, tokenId → shares }. */
  deltas: LedgerDelta[];
}

export interface LedgerDelta {
  address: string;
  /** 'collateral' or a token id. */
  asset: string;
  amount: Decimal;
}

export type OrderEventType = 'PLACEMENT' | 'UPDATE' | 'CANCELLATION';

export type ClobEvent =
  | { kind: 'levels'; market: SimMarket; changes: { tokenId: string; side: Side; price: Decimal; size: Decimal }[] }
  | { kind: 'order'; type: OrderEventType; order: SimOrder }
  | { kind: 'trade'; trade: SimTrade }
  | { kind: 'last-trade'; market: SimMarket; tokenId: string; price: Decimal; size: Decimal; side: Side; feeRateBps: string; transactionHash: string }
  | { kind: 'resolved'; market: SimMarket }
  | { kind: 'tick-size'; market: SimMarket; oldTick: TickSize };
