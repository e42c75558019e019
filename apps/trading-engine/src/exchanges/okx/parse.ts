/**
 * Validation and normalization of everything OKX sends (REST rows and WS pushes) into the engine's port types.
 * Each parser returns null for a malformed payload — the caller logs and drops it; nothing here throws.
 * Books are validated by hand (hot path); the rest with zod.
 */
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import type { OrderStatus, OrderType } from '@trading/shared-types';
import type { BalanceState, FillReport, FundingReport, OrderState, PositionState } from '../../ports/execution.js';
import type { Instrument, InstrumentId, InstrumentKind } from '../../ports/instruments.js';
import type { FundingEvent, MarkPriceEvent, OrderBookView, TickerEvent, TradeEvent } from '../../ports/market-data.js';
import type { BookData, RawLevel } from './order-book.js';

const DECIMAL = /^-?\d+(\.\d+)?$/;
const dec = z.string().regex(DECIMAL);
/** OKX sends "" for not-applicable numeric fields. */
const optDec = z.union([dec, z.literal('')]);
const ms = z.string().regex(/^\d+$/);

export const okxInstrumentId = (instId: string): InstrumentId => `okx:${instId}`;

export function instIdOf(id: InstrumentId): string {
  return id.startsWith('okx:') ? id.slice(4) : id;
}

const toDec = (s: string): Decimal => new Decimal(s);
const toOptDec = (s: string): Decimal | null => (s === '' ? null : new Decimal(s));

// ---------------------------------------------------------------- books (hand-validated, hot path)

function isLevelArray(value: unknown): value is RawLevel[] {
  if (!Array.isArray(value)) return false;
  for (const level of value as unknown[]) {
    if (!Array.isArray(level) || level.length < 2) return false;
    const px: unknown = level[0];
    const sz: unknown = level[1];
    if (typeof px !== 'string' || typeof sz !== 'string' || px.length === 0 || sz.length === 0) return false;
    const c0 = px.charCodeAt(0);
    const c1 = sz.charCodeAt(0);
    if (c0 < 48 || c0 > 57 || c1 < 48 || c1 > 57) return false;
  }
  return true;
}

export interface BooksPush {
  instId: string;
  action: 'snapshot' | 'update';
  data: BookData;
}

/** A `books` push ({arg:{channel,instId}, action, data:[{asks,bids,ts,checksum,prevSeqId,seqId}]}) or null. */
export function parseBooksPush(msg: unknown): BooksPush | null {
  if (typeof msg !== 'object' || msg === null) return null;
  const m = msg as { arg?: { instId?: unknown }; action?: unknown; data?: unknown };
  const instId = m.arg?.instId;
  if (typeof instId !== 'string' || (m.action !== 'snapshot' && m.action !== 'update') || !Array.isArray(m.data)) return null;
  const d: unknown = m.data[0];
  if (typeof d !== 'object' || d === null) return null;
  const data = d as { asks?: unknown; bids?: unknown; ts?: unknown; checksum?: unknown; prevSeqId?: unknown; seqId?: unknown };
  if (!isLevelArray(data.asks) || !isLevelArray(data.bids) || typeof data.ts !== 'string') return null;
  if (data.checksum !== undefined && typeof data.checksum !== 'number') return null;
  if (data.seqId !== undefined && typeof data.seqId !== 'number') return null;
  if (data.prevSeqId !== undefined && typeof data.prevSeqId !== 'number') return null;
  // The validated object is used as is (no copy): this runs for every books message.
  return { instId, action: m.action, data: data as BookData };
}

/** REST `market/books` row → view. */
export function parseRestBook(row: unknown, instrumentId: InstrumentId): OrderBookView | null {
  if (typeof row !== 'object' || row === null) return null;
  const r = row as { asks?: unknown; bids?: unknown; ts?: unknown };
  if (!isLevelArray(r.asks) || !isLevelArray(r.bids) || typeof r.ts !== 'string') return null;
  const level = (l: RawLevel) => [new Decimal(l[0]), new Decimal(l[1])] as const;
  return { instrumentId, bids: r.bids.map(level), asks: r.asks.map(level), timestamp: Number(r.ts), sequence: 0 };
}

// ---------------------------------------------------------------- public channels

const tickerSchema = z.object({ instId: z.string(), last: optDec, bidPx: optDec, askPx: optDec, ts: ms });
export function parseTicker(row: unknown): TickerEvent | null {
  const r = tickerSchema.safeParse(row);
  if (!r.success) return null;
  const t = r.data;
  return { type: 'ticker', instrumentId: okxInstrumentId(t.instId), last: toOptDec(t.last), bestBid: toOptDec(t.bidPx), bestAsk: toOptDec(t.askPx), timestamp: Number(t.ts) };
}

const tradeSchema = z.object({ instId: z.string(), tradeId: z.string(), px: dec, sz: dec, side: z.enum(['buy', 'sell']), ts: ms });
export function parseTrade(row: unknown): TradeEvent | null {
  const r = tradeSchema.safeParse(row);
  if (!r.success) return null;
  const t = r.data;
  return { type: 'trade', instrumentId: okxInstrumentId(t.instId), tradeId: t.tradeId, price: toDec(t.px), quantity: toDec(t.sz), side: t.side === 'buy' ? 'BUY' : 'SELL', timestamp: Number(t.ts) };
}

const fundingSchema = z.object({ instId: z.string(), fundingRate: dec, fundingTime: ms, nextFundingTime: z.union([ms, z.literal('')]).optional(), ts: ms });
export function parseFunding(row: unknown): FundingEvent | null {
  const r = fundingSchema.safeParse(row);
  if (!r.success) return null;
  const f = r.data;
  // OKX: fundingTime is the settlement time of the current period's rate.
  return { type: 'funding', instrumentId: okxInstrumentId(f.instId), fundingRate: toDec(f.fundingRate), nextFundingTime: Number(f.fundingTime), timestamp: Number(f.ts) };
}

const markSchema = z.object({ instId: z.string(), markPx: dec, ts: ms });
export function parseMarkPrice(row: unknown): MarkPriceEvent | null {
  const r = markSchema.safeParse(row);
  if (!r.success) return null;
  return { type: 'mark-price', instrumentId: okxInstrumentId(r.data.instId), markPrice: toDec(r.data.markPx), timestamp: Number(r.data.ts) };
}

// ---------------------------------------------------------------- instruments

const instrumentSchema = z.object({
  instType: z.enum(['SPOT', 'SWAP', 'FUTURES', 'MARGIN', 'OPTION']),
  instId: z.string().min(1),
  baseCcy: z.string(),
  quoteCcy: z.string(),
  settleCcy: z.string(),
  ctVal: optDec,
  ctValCcy: z.string().optional(),
  uly: z.string().optional(),
  lever: z.string().optional(),
  tickSz: dec,
  lotSz: dec,
  minSz: dec,
  expTime: z.string().optional(),
  state: z.string(),
});

export interface InstrumentFees {
  maker: Decimal;
  taker: Decimal;
}

/** Default OKX fee tier (Lv1): spot 0.08 % / 0.10 %, derivatives 0.02 % / 0.05 %. */
export const OKX_DEFAULT_FEES: Record<'spot' | 'derivatives', InstrumentFees> = {
  spot: { maker: new Decimal('0.0008'), taker: new Decimal('0.001') },
  derivatives: { maker: new Decimal('0.0002'), taker: new Decimal('0.0005') },
};

export function parseInstrument(row: unknown): Instrument | null {
  const r = instrumentSchema.safeParse(row);
  if (!r.success || r.data.instType === 'OPTION' || r.data.instType === 'MARGIN') return null;
  const i = r.data;
  const kind: InstrumentKind = i.instType === 'SPOT' ? 'spot' : i.instType === 'SWAP' ? 'swap' : 'futures';
  const [ulyBase = '', ulyQuote = ''] = (i.uly ?? '').split('-');
  const fees = kind === 'spot' ? OKX_DEFAULT_FEES.spot : OKX_DEFAULT_FEES.derivatives;
  const lever = i.lever === undefined || i.lever === '' ? null : Number(i.lever);
  return {
    id: okxInstrumentId(i.instId),
    exchange: 'okx',
    symbol: i.instId,
    kind,
    base: i.baseCcy !== '' ? i.baseCcy : (i.ctValCcy ?? ulyBase),
    quote: i.quoteCcy !== '' ? i.quoteCcy : ulyQuote,
    settleCurrency: kind === 'spot' ? i.quoteCcy : i.settleCcy,
    tickSize: toDec(i.tickSz),
    lotSize: toDec(i.lotSz),
    minSize: toDec(i.minSz),
    contractValue: i.ctVal === '' ? new Decimal(1) : toDec(i.ctVal),
    expiry: i.expTime === undefined || i.expTime === '' ? null : Number(i.expTime),
    maxLeverage: lever !== null && Number.isFinite(lever) ? lever : null,
    makerFeeRate: fees.maker,
    takerFeeRate: fees.taker,
  };
}

// ---------------------------------------------------------------- private: orders, positions, balances

const orderSchema = z.object({
  instId: z.string(),
  ordId: z.string(),
  clOrdId: z.string(),
  px: optDec,
  sz: dec,
  ordType: z.string(),
  side: z.enum(['buy', 'sell']),
  accFillSz: optDec,
  avgPx: optDec,
  state: z.string(),
  fee: optDec,
  feeCcy: z.string(),
  cTime: ms,
  uTime: ms,
  fillPx: optDec.optional(),
  fillSz: optDec.optional(),
  fillTime: z.string().optional(),
  tradeId: z.string().optional(),
  fillFee: optDec.optional(),
  fillFeeCcy: z.string().optional(),
  execType: z.string().optional(),
  cancelSource: z.string().optional(),
});

const ORDER_TYPES: Record<string, OrderType> = { limit: 'LIMIT', market: 'MARKET', post_only: 'POST_ONLY', ioc: 'IOC', fok: 'FOK', optimal_limit_ioc: 'IOC' };
const ORDER_STATES: Record<string, OrderStatus> = { live: 'OPEN', partially_filled: 'PARTIALLY_FILLED', filled: 'FILLED', canceled: 'CANCELLED', mmp_canceled: 'CANCELLED' };

export interface ParsedOrder {
  order: OrderState;
  /** Present when the push carries a new execution (tradeId + fillSz > 0). */
  fill: FillReport | null;
}

export function parseOrder(row: unknown): ParsedOrder | null {
  const r = orderSchema.safeParse(row);
  if (!r.success) return null;
  const o = r.data;
  const type = ORDER_TYPES[o.ordType];
  const status = ORDER_STATES[o.state];
  if (!type || !status) return null;
  const instrumentId = okxInstrumentId(o.instId);
  const side = o.side === 'buy' ? 'BUY' : 'SELL';
  const order: OrderState = {
    clientOrderId: o.clOrdId,
    exchangeOrderId: o.ordId,
    instrumentId,
    side,
    type,
    price: o.px === '' ? null : toDec(o.px),
    quantity: toDec(o.sz),
    filledQuantity: o.accFillSz === '' ? new Decimal(0) : toDec(o.accFillSz),
    averageFillPrice: toOptDec(o.avgPx),
    status,
    // OKX reports fees negative when charged; the port counts fees paid as positive.
    fee: o.fee === '' ? new Decimal(0) : toDec(o.fee).neg(),
    feeCurrency: o.feeCcy,
    createdAt: Number(o.cTime),
    updatedAt: Number(o.uTime),
    ...(status === 'CANCELLED' && o.cancelSource ? { reason: `cancelSource:${o.cancelSource}` } : {}),
  };
  let fill: FillReport | null = null;
  if (o.tradeId && o.fillSz && o.fillSz !== '' && o.fillPx && o.fillPx !== '' && !new Decimal(o.fillSz).isZero()) {
    fill = {
      fillId: okxFillId(o.tradeId, o.ordId),
      clientOrderId: o.clOrdId,
      exchangeOrderId: o.ordId,
      instrumentId,
      side,
      price: toDec(o.fillPx),
      quantity: toDec(o.fillSz),
      fee: o.fillFee && o.fillFee !== '' ? toDec(o.fillFee).neg() : new Decimal(0),
      feeCurrency: o.fillFeeCcy ?? o.feeCcy,
      role: o.execType === 'M' ? 'maker' : 'taker',
      timestamp: o.fillTime && o.fillTime !== '' ? Number(o.fillTime) : Number(o.uTime),
    };
  }
  return { order, fill };
}

const fillRowSchema = z.object({
  instId: z.string(),
  tradeId: z.string().min(1),
  ordId: z.string(),
  clOrdId: z.string(),
  billId: z.string(),
  fillPx: dec,
  fillSz: dec,
  side: z.enum(['buy', 'sell']),
  execType: z.string(),
  fee: optDec,
  feeCcy: z.string(),
  ts: ms,
  fillTime: z.string().optional(),
});

/**
 * The fill id of one order's part of an OKX trade. The maker and the taker of a trade share its tradeId, so two of
 * our accounts trading with each other would report the same tradeId twice (and the CMS keeps fill ids unique);
 * the order id makes it one per side. Order pushes and fill rows use the same id, so a recovered fill dedupes.
 */
export function okxFillId(tradeId: string, ordId: string): string {
  return `${tradeId}:${ordId}`;
}

/** One row of GET /api/v5/trade/fills as the port's fill (the same fill id as the order pushes give). */
export function parseFillRow(row: unknown): (FillReport & { billId: string }) | null {
  const r = fillRowSchema.safeParse(row);
  if (!r.success) return null;
  const f = r.data;
  if (new Decimal(f.fillSz).isZero()) return null;
  return {
    billId: f.billId,
    fillId: okxFillId(f.tradeId, f.ordId),
    clientOrderId: f.clOrdId,
    exchangeOrderId: f.ordId,
    instrumentId: okxInstrumentId(f.instId),
    side: f.side === 'buy' ? 'BUY' : 'SELL',
    price: toDec(f.fillPx),
    quantity: toDec(f.fillSz),
    // OKX reports fees negative when charged; the port counts fees paid as positive.
    fee: f.fee === '' ? new Decimal(0) : toDec(f.fee).neg(),
    feeCurrency: f.feeCcy,
    role: f.execType === 'M' ? 'maker' : 'taker',
    timestamp: f.fillTime !== undefined && f.fillTime !== '' ? Number(f.fillTime) : Number(f.ts),
  };
}

const fundingBillSchema = z.object({
  billId: z.string().regex(/^\d+$/),
  instId: z.string().min(1),
  ccy: z.string().min(1),
  type: z.literal('8'),
  balChg: dec,
  sz: optDec,
  px: optDec,
  ts: ms,
});

/**
 * A funding bill of GET /api/v5/account/bills (type 8) → the port's funding report. The bill carries the amount
 * (balChg), the position size (sz) and the price it was computed on (px); the rate is not a field of the bill and is
 * derived from them (amount = −size × contract value × price × rate), 0 when they are missing.
 */
export function parseFundingBill(row: unknown, contractValue: Decimal | null): (FundingReport & { billId: string }) | null {
  const r = fundingBillSchema.safeParse(row);
  if (!r.success) return null;
  const b = r.data;
  const amount = toDec(b.balChg);
  const size = toOptDec(b.sz) ?? new Decimal(0);
  const price = toOptDec(b.px) ?? new Decimal(0);
  const base = contractValue === null ? new Decimal(0) : size.mul(contractValue).mul(price);
  return {
    billId: b.billId,
    fundingId: `okx-bill-${b.billId}`,
    instrumentId: okxInstrumentId(b.instId),
    rate: base.isZero() ? new Decimal(0) : amount.neg().div(base),
    positionQuantity: size,
    markPrice: price,
    amount,
    currency: b.ccy,
    timestamp: Number(b.ts),
  };
}

const positionSchema = z.object({
  instId: z.string(),
  pos: dec,
  avgPx: optDec,
  markPx: optDec,
  lever: z.string(),
  mgnMode: z.enum(['cross', 'isolated']),
  liqPx: optDec,
  upl: optDec,
  margin: optDec.optional(),
  imr: optDec.optional(),
});

export function parsePosition(row: unknown): PositionState | null {
  const r = positionSchema.safeParse(row);
  if (!r.success) return null;
  const p = r.data;
  const lever = Number(p.lever);
  const margin = p.mgnMode === 'isolated' ? p.margin : p.imr;
  return {
    instrumentId: okxInstrumentId(p.instId),
    quantity: toDec(p.pos),
    averageEntryPrice: p.avgPx === '' ? new Decimal(0) : toDec(p.avgPx),
    markPrice: toOptDec(p.markPx),
    leverage: Number.isFinite(lever) && p.lever !== '' ? lever : null,
    marginMode: p.mgnMode,
    liquidationPrice: toOptDec(p.liqPx),
    unrealizedPnl: p.upl === '' ? new Decimal(0) : toDec(p.upl),
    margin: margin === undefined || margin === '' ? null : toDec(margin),
  };
}

const balanceSchema = z.object({
  details: z.array(z.object({ ccy: z.string(), cashBal: dec, availBal: optDec, frozenBal: optDec })),
});

/** OKX `account/balance` row / `account` push → one state per currency (total = settled cash balance). */
export function parseBalances(row: unknown): BalanceState[] | null {
  const r = balanceSchema.safeParse(row);
  if (!r.success) return null;
  return r.data.details.map((d) => ({
    currency: d.ccy,
    total: toDec(d.cashBal),
    available: d.availBal === '' ? toDec(d.cashBal) : toDec(d.availBal),
    frozen: d.frozenBal === '' ? new Decimal(0) : toDec(d.frozenBal),
  }));
}

// ---------------------------------------------------------------- errors

export interface OkxError {
  code: string;
  msg: string;
  /** First failing item's sCode/sMsg (trade endpoints). */
  sCode?: string;
  sMsg?: string;
}

/** The body okx-api throws when `code !== "0"`, or null when the error is a transport error. */
export function parseOkxError(error: unknown): OkxError | null {
  if (typeof error !== 'object' || error === null) return null;
  const e = error as { code?: unknown; msg?: unknown; data?: unknown };
  if (typeof e.code !== 'string' || !/^\d+$/.test(e.code)) return null;
  const out: OkxError = { code: e.code, msg: typeof e.msg === 'string' ? e.msg : '' };
  if (Array.isArray(e.data)) {
    for (const item of e.data as unknown[]) {
      if (typeof item === 'object' && item !== null) {
        const i = item as { sCode?: unknown; sMsg?: unknown };
        if (typeof i.sCode === 'string' && i.sCode !== '0') {
          out.sCode = i.sCode;
          out.sMsg = typeof i.sMsg === 'string' ? i.sMsg : '';
          break;
        }
      }
    }
  }
  return out;
}
