/** In-memory state of the simulated OKX venue: accounts, orders, positions (exact decimals). */
import type { Decimal } from 'decimal.js';
import type { OkxApiKey } from './auth.js';
import type { OkxInstrumentDef } from './instruments.js';

export type TdMode = 'cash' | 'cross' | 'isolated';
export type OkxOrderState = 'live' | 'partially_filled' | 'filled' | 'canceled';

export interface OkxFillInfo {
  px: Decimal;
  sz: Decimal;
  tradeId: string;
  /** OKX sign: negative = charged, positive = rebate. */
  fee: Decimal;
  feeCcy: string;
  execType: 'T' | 'M';
  ts: number;
}

export interface OkxOrder {
  ordId: string;
  clOrdId: string;
  tag: string;
  apiKey: string;
  def: OkxInstrumentDef;
  side: 'buy' | 'sell';
  ordType: string;
  tdMode: TdMode;
  px: Decimal | null;
  sz: Decimal;
  tgtCcy: string;
  accFillSz: Decimal;
  /** Σ px × qty, for avgPx. */
  fillValue: Decimal;
  state: OkxOrderState;
  /** Accumulated fee in OKX sign (negative = charged). */
  fee: Decimal;
  feeCcy: string;
  pnl: Decimal;
  reduceOnly: boolean;
  lever: number;
  /** Amount of `frozenCcy` reserved by the resting remainder. */
  frozen: Decimal;
  frozenCcy: string;
  cancelSource: string;
  cTime: number;
  uTime: number;
  lastFill: OkxFillInfo | null;
  amendResult: string;
  reqId: string;
}

export interface OkxPosition {
  def: OkxInstrumentDef;
  mgnMode: 'cross' | 'isolated';
  /** Signed contracts (net mode). */
  pos: Decimal;
  avgPx: Decimal;
  realizedPnl: Decimal;
  fee: Decimal;
  /** Isolated margin allocated to the position (entry notional / lever). */
  margin: Decimal;
  lever: number;
  tradeId: string;
  cTime: number;
  uTime: number;
}

export interface OkxAccount {
  key: OkxApiKey;
  /** Cash balance per currency. */
  cash: Map<string, Decimal>;
  positions: Map<string, OkxPosition>;
  /** `${instId}:${mgnMode}` → leverage. */
  leverage: Map<string, number>;
  orders: Map<string, OkxOrder>;
  byClOrdId: Map<string, string>;
  /** The account's executions, oldest first (GET /api/v5/trade/fills, fills-history); the newest 20 000 kept. */
  fills: OkxFillRecord[];
  /** Funding settlements booked on the account, oldest first (GET /api/v5/account/bills, type 8); the newest 20 000 kept. */
  fundingBills: OkxFundingBill[];
}

/** One funding settlement of a swap position, as `account/bills` reports it (type 8: subType 173 paid, 174 received). */
export interface OkxFundingBill {
  billId: string;
  instId: string;
  ccy: string;
  mgnMode: string;
  /** Balance change: negative when the position paid. */
  balChg: Decimal;
  /** Cash balance of `ccy` after the settlement. */
  bal: Decimal;
  /** Signed position (contracts) the payment was computed on. */
  sz: Decimal;
  /** Mark price the payment was computed on. */
  px: Decimal;
  rate: Decimal;
  ts: number;
}

/** One execution of an account's order, as `trade/fills` reports it. */
export interface OkxFillRecord {
  billId: string;
  order: OkxOrder;
  fill: OkxFillInfo;
}

export interface OkxPublicTrade {
  instId: string;
  tradeId: string;
  px: Decimal;
  sz: Decimal;
  side: 'buy' | 'sell';
  ts: number;
}

export interface OkxExchangeListener {
  onOrder(apiKey: string, order: OkxOrder): void;
  onPosition(apiKey: string, position: OkxPosition): void;
  onBalance(apiKey: string, currencies: string[]): void;
  onTrade(trade: OkxPublicTrade): void;
}
