/**
 * The simulated OKX matching venue: one generic order book per instrument, accounts with exact balances and
 * net-mode positions, OKX's order rules (tick/lot/min size, tdMode, post_only/ioc/fok/market, reduceOnly,
 * duplicate clOrdId) with OKX's sCodes, fees and contract math (sz × ctVal). Transport-free: REST and WS call it.
 */
import { Decimal } from 'decimal.js';
import { OrderBook, type BookFill, type BookSide, type TimeInForce } from '../matching/index.js';
import type { OkxApiKey } from './auth.js';
import { isDerivative, type OkxInstrumentDef } from './instruments.js';
import type { OkxAccount, OkxExchangeListener, OkxOrder, OkxPosition, OkxPublicTrade } from './types.js';

const ZERO = new Decimal(0);
/** Owner of the generator's background liquidity (not an account). */

/** Executions kept per account for GET /api/v5/trade/fills (oldest dropped first). */
const MAX_ACCOUNT_FILLS = 20_000;
export const BACKGROUND_OWNER = '__background__';
const DEFAULT_LEVERAGE = 10;
const CL_ORD_ID = /^[A-Za-z0-9]{1,32}$/;
const DECIMAL = /^\d+(\.\d+)?$/;

export interface ItemResult {
  sCode: string;
  sMsg: string;
  ordId: string;
  clOrdId: string;
  tag: string;
  ts: string;
}

export interface PlaceOrderBody {
  instId?: unknown;
  tdMode?: unknown;
  side?: unknown;
  posSide?: unknown;
  ordType?: unknown;
  sz?: unknown;
  px?: unknown;
  clOrdId?: unknown;
  tag?: unknown;
  reduceOnly?: unknown;
  tgtCcy?: unknown;
}

export interface InstrumentMarket {
  def: OkxInstrumentDef;
  book: OrderBook<null>;
  mark: Decimal;
  last: Decimal;
  lastSz: Decimal;
  open24h: Decimal;
  high24h: Decimal;
  low24h: Decimal;
  vol24h: Decimal;
  fundingRate: Decimal;
  nextFundingRate: Decimal;
  fundingTime: number;
  trades: OkxPublicTrade[];
}

export function parseDecimal(value: unknown): Decimal | null {
  if (typeof value === 'number' && Number.isFinite(value)) value = String(value);
  if (typeof value !== 'string' || !DECIMAL.test(value)) return null;
  return new Decimal(value);
}

function isMultiple(value: Decimal, step: Decimal): boolean {
  return value.mod(step).isZero();
}

function reject(sCode: string, sMsg: string, clOrdId = '', tag = '', ordId = ''): ItemResult {
  return { sCode, sMsg, ordId, clOrdId, tag, ts: String(Date.now()) };
}

export class OkxExchange {
  readonly markets = new Map<string, InstrumentMarket>();
  readonly accounts = new Map<string, OkxAccount>();
  readonly keys = new Map<string, OkxApiKey>();
  private readonly listeners: OkxExchangeListener[] = [];
  private nextOrdId = 1;
  private nextTradeId = 1;
  private nextBillId = 1;
  private nextBgId = 1;
  /** Fault: the next order placement is rejected with this sCode. */
  rejectNext: { sCode: string; sMsg: string } | null = null;

  constructor(
    instruments: readonly OkxInstrumentDef[],
    private readonly now: () => number,
    onLevelChange: (instId: string, side: BookSide, price: Decimal, total: Decimal) => void,
  ) {
    for (const def of instruments) {
      const book = new OrderBook<null>({ onLevelChange: (side, price, total) => { onLevelChange(def.instId, side, price, total); } });
      const t = now();
      this.markets.set(def.instId, {
        def, book, mark: def.initialMid, last: def.initialMid, lastSz: ZERO,
        open24h: def.initialMid, high24h: def.initialMid, low24h: def.initialMid, vol24h: ZERO,
        fundingRate: new Decimal('0.0001'), nextFundingRate: new Decimal('0.0001'),
        fundingTime: Math.ceil((t + 1) / 28_800_000) * 28_800_000, trades: [],
      });
    }
  }

  addListener(listener: OkxExchangeListener): void {
    this.listeners.push(listener);
  }

  addAccount(key: OkxApiKey, balances: Record<string, string>): OkxAccount {
    const account: OkxAccount = {
      key, cash: new Map(Object.entries(balances).map(([ccy, v]) => [ccy, new Decimal(v)])),
      positions: new Map(), leverage: new Map(), orders: new Map(), byClOrdId: new Map(), fills: [], fundingBills: [],
    };
    this.accounts.set(key.apiKey, account);
    this.keys.set(key.apiKey, key);
    return account;
  }

  market(instId: string): InstrumentMarket | undefined {
    return this.markets.get(instId);
  }

  mid(instId: string): Decimal | undefined {
    const m = this.markets.get(instId);
    if (!m) return undefined;
    const bid = m.book.bestBid();
    const ask = m.book.bestAsk();
    if (bid && ask) return bid.plus(ask).div(2);
    return m.mark;
  }

  leverageOf(account: OkxAccount, instId: string, mgnMode: string): number {
    return account.leverage.get(`${instId}:${mgnMode}`) ?? DEFAULT_LEVERAGE;
  }

  setLeverage(account: OkxAccount, instId: string, mgnMode: string, lever: number): string | null {
    const m = this.markets.get(instId);
    if (!m) return '51001';
    if (!Number.isInteger(lever) || lever < 1 || lever > m.def.maxLever) return '51000';
    account.leverage.set(`${instId}:${mgnMode}`, lever);
    return null;
  }

  // ---------------------------------------------------------------- balances

  /** Reserved by open orders, per currency. */
  frozen(account: OkxAccount, ccy: string): Decimal {
    let sum = ZERO;
    for (const order of account.orders.values()) {
      if ((order.state === 'live' || order.state === 'partially_filled') && order.frozenCcy === ccy) sum = sum.plus(order.frozen);
    }
    return sum;
  }

  /** Initial margin used by positions settled in `ccy`. */
  usedMargin(account: OkxAccount, ccy: string): Decimal {
    let sum = ZERO;
    for (const p of account.positions.values()) {
      if (p.def.settleCcy !== ccy || p.pos.isZero()) continue;
      sum = sum.plus(p.mgnMode === 'isolated' ? p.margin : this.positionImr(p));
    }
    return sum;
  }

  positionImr(p: OkxPosition): Decimal {
    const mark = this.markets.get(p.def.instId)?.mark ?? p.avgPx;
    return p.pos.abs().times(p.def.ctVal).times(mark).div(p.lever);
  }

  upl(p: OkxPosition): Decimal {
    const mark = this.markets.get(p.def.instId)?.mark ?? p.avgPx;
    return mark.minus(p.avgPx).times(p.pos).times(p.def.ctVal);
  }

  available(account: OkxAccount, ccy: string): Decimal {
    const cash = account.cash.get(ccy) ?? ZERO;
    return cash.minus(this.frozen(account, ccy)).minus(this.usedMargin(account, ccy));
  }

  // ---------------------------------------------------------------- orders

  findOrder(account: OkxAccount, ordId: unknown, clOrdId: unknown): OkxOrder | undefined {
    if (typeof ordId === 'string' && ordId !== '') return account.orders.get(ordId);
    if (typeof clOrdId === 'string' && clOrdId !== '') {
      const id = account.byClOrdId.get(clOrdId);
      return id === undefined ? undefined : account.orders.get(id);
    }
    return undefined;
  }

  placeOrder(account: OkxAccount, body: PlaceOrderBody): ItemResult {
    const clOrdId = typeof body.clOrdId === 'string' ? body.clOrdId : '';
    const tag = typeof body.tag === 'string' ? body.tag : '';
    if (clOrdId !== '' && !CL_ORD_ID.test(clOrdId)) return reject('51000', 'Parameter clOrdId error', clOrdId, tag);
    if (typeof body.instId !== 'string' || body.instId === '') return reject('50014', 'Parameter instId cannot be empty', clOrdId, tag);
    const m = this.markets.get(body.instId);
    if (!m) return reject('51001', "Instrument ID doesn't exist.", clOrdId, tag);
    const def = m.def;
    if (body.side !== 'buy' && body.side !== 'sell') return reject('51000', 'Parameter side error', clOrdId, tag);
    const ordType = body.ordType;
    if (ordType !== 'market' && ordType !== 'limit' && ordType !== 'post_only' && ordType !== 'fok' && ordType !== 'ioc') {
      return reject('51000', 'Parameter ordType error', clOrdId, tag);
    }
    const tdMode = body.tdMode;
    if (tdMode !== 'cash' && tdMode !== 'cross' && tdMode !== 'isolated') return reject('51000', 'Parameter tdMode error', clOrdId, tag);
    if (isDerivative(def) ? tdMode === 'cash' : tdMode !== 'cash') return reject('51000', 'Parameter tdMode error', clOrdId, tag);
    if (body.posSide !== undefined && body.posSide !== '' && body.posSide !== 'net') return reject('51000', 'Parameter posSide error', clOrdId, tag);
    const sz = parseDecimal(body.sz);
    if (!sz || sz.isZero()) return reject('51000', 'Parameter sz error', clOrdId, tag);
    const isMarket = ordType === 'market';
    const tgtCcy = typeof body.tgtCcy === 'string' && body.tgtCcy !== '' ? body.tgtCcy : (!isDerivative(def) && isMarket && body.side === 'buy' ? 'quote_ccy' : 'base_ccy');
    const quoteSized = !isDerivative(def) && isMarket && tgtCcy === 'quote_ccy';
    if (!quoteSized) {
      if (!isMultiple(sz, def.lotSz)) return reject('51121', `Order quantity must be a multiple of the lot size.`, clOrdId, tag);
      if (sz.lt(def.minSz)) return reject('51020', 'Your order should meet or exceed the minimum order amount.', clOrdId, tag);
    }
    let px: Decimal | null = null;
    if (!isMarket) {
      px = parseDecimal(body.px);
      if (!px || px.isZero()) return reject('51000', 'Parameter px error', clOrdId, tag);
      if (!isMultiple(px, def.tickSz)) return reject('51000', 'Parameter px error', clOrdId, tag);
    }
    if (clOrdId !== '' && account.byClOrdId.has(clOrdId)) return reject('51016', 'Duplicated clOrdId', clOrdId, tag);
    const reduceOnly = body.reduceOnly === true || body.reduceOnly === 'true';
    if (this.rejectNext) {
      const fault = this.rejectNext;
      this.rejectNext = null;
      return reject(fault.sCode, fault.sMsg, clOrdId, tag);
    }
    const side = body.side;
    const lever = isDerivative(def) ? this.leverageOf(account, def.instId, tdMode) : 1;

    // Quantity in book units (spot: base; derivatives: contracts).
    let qty = sz;
    if (quoteSized) {
      qty = this.baseForQuote(m, sz);
      if (qty.lt(def.minSz)) return reject('51020', 'Your order should meet or exceed the minimum order amount.', clOrdId, tag);
    }
    const refPx = px ?? (side === 'buy' ? m.book.bestAsk() : m.book.bestBid()) ?? m.mark;

    // Reduce-only and balance checks.
    let frozen: Decimal;
    let frozenCcy: string;
    if (isDerivative(def)) {
      frozenCcy = def.settleCcy;
      const posKey = `${def.instId}:${tdMode}`;
      const pos = account.positions.get(posKey)?.pos ?? ZERO;
      if (reduceOnly) {
        const reduces = side === 'buy' ? pos.lt(0) : pos.gt(0);
        if (!reduces || qty.gt(pos.abs())) return reject('51169', "Order failed because you don't have any positions in this direction for this contract.", clOrdId, tag);
      }
      const opening = reduceOnly ? ZERO : this.openingQuantity(pos, side, qty);
      const margin = opening.times(def.ctVal).times(refPx).div(lever);
      const fee = qty.times(def.ctVal).times(refPx).times(def.takerFee);
      if (margin.plus(fee).gt(this.available(account, frozenCcy))) return reject('51008', `Order failed. Insufficient ${frozenCcy} margin in account`, clOrdId, tag);
      frozen = isMarket ? ZERO : margin;
    } else {
      if (reduceOnly) return reject('51000', 'Parameter reduceOnly error', clOrdId, tag);
      if (side === 'buy') {
        frozenCcy = def.quoteCcy;
        const need = quoteSized ? sz : qty.times(refPx);
        if (need.gt(this.available(account, frozenCcy))) return reject('51008', `Order failed. Insufficient ${frozenCcy} balance in account`, clOrdId, tag);
        frozen = isMarket ? ZERO : need;
      } else {
        frozenCcy = def.baseCcy;
        if (qty.gt(this.available(account, frozenCcy))) return reject('51008', `Order failed. Insufficient ${frozenCcy} balance in account`, clOrdId, tag);
        frozen = isMarket ? ZERO : qty;
      }
    }

    const t = this.now();
    const order: OkxOrder = {
      ordId: String(this.nextOrdId++).padStart(12, '0'), clOrdId, tag, apiKey: account.key.apiKey, def, side,
      ordType, tdMode, px, sz, tgtCcy, accFillSz: ZERO, fillValue: ZERO, state: 'live', fee: ZERO,
      feeCcy: isDerivative(def) ? def.settleCcy : side === 'buy' ? def.baseCcy : def.quoteCcy, pnl: ZERO, reduceOnly,
      lever, frozen, frozenCcy, cancelSource: '', cTime: t, uTime: t, lastFill: null, amendResult: '', reqId: '',
    };
    account.orders.set(order.ordId, order);
    if (clOrdId !== '') account.byClOrdId.set(clOrdId, order.ordId);
    this.emitOrder(order);

    const timeInForce: TimeInForce = ordType === 'post_only' ? 'POST_ONLY' : ordType === 'fok' ? 'FOK' : ordType === 'ioc' || isMarket ? 'IOC' : 'GTC';
    const result = m.book.submit({ id: order.ordId, owner: account.key.apiKey, side, price: px ?? undefined, quantity: qty, timeInForce, meta: null });
    this.processFills(m, result.fills);
    if (result.outcome !== 'rested' && result.outcome !== 'filled') {
      order.cancelSource = result.outcome === 'rejected-post-only' ? '31' : result.outcome === 'rejected-fok' ? '32' : '14';
      this.finish(order, 'canceled');
    }
    return { sCode: '0', sMsg: 'Order placed', ordId: order.ordId, clOrdId, tag, ts: String(t) };
  }

  /** Part of an order that opens or extends a position (the rest closes the existing one). */
  private openingQuantity(pos: Decimal, side: 'buy' | 'sell', qty: Decimal): Decimal {
    const signed = side === 'buy' ? qty : qty.neg();
    if (pos.isZero() || pos.isPositive() === signed.isPositive()) return qty;
    return Decimal.max(ZERO, qty.minus(pos.abs()));
  }

  /** Base quantity a spot market buy of `quote` would take from the asks (lot-rounded down). */
  private baseForQuote(m: InstrumentMarket, quote: Decimal): Decimal {
    let left = quote;
    let base = ZERO;
    for (const [price, size] of m.book.depth('sell')) {
      const value = price.times(size);
      if (value.gte(left)) {
        base = base.plus(left.div(price));
        break;
      }
      base = base.plus(size);
      left = left.minus(value);
    }
    return base.div(m.def.lotSz).floor().times(m.def.lotSz);
  }

  cancelOrder(account: OkxAccount, body: { instId?: unknown; ordId?: unknown; clOrdId?: unknown }): ItemResult {
    const clOrdId = typeof body.clOrdId === 'string' ? body.clOrdId : '';
    const order = this.findOrder(account, body.ordId, body.clOrdId);
    if (!order || order.def.instId !== body.instId) {
      return reject('51400', 'Order cancellation failed as the order has been filled, canceled or does not exist.', clOrdId);
    }
    if (order.state === 'canceled') return reject('51401', 'Order cancellation failed as the order has been canceled.', order.clOrdId, '', order.ordId);
    if (order.state === 'filled') return reject('51402', 'Order cancellation failed as the order has been completed.', order.clOrdId, '', order.ordId);
    this.markets.get(order.def.instId)?.book.cancel(order.ordId);
    order.cancelSource = '1';
    this.finish(order, 'canceled');
    return { sCode: '0', sMsg: '', ordId: order.ordId, clOrdId: order.clOrdId, tag: order.tag, ts: String(this.now()) };
  }

  amendOrder(
    account: OkxAccount,
    body: { instId?: unknown; ordId?: unknown; clOrdId?: unknown; newSz?: unknown; newPx?: unknown; reqId?: unknown },
  ): ItemResult & { reqId: string } {
    const reqId = typeof body.reqId === 'string' ? body.reqId : '';
    const clOrdId = typeof body.clOrdId === 'string' ? body.clOrdId : '';
    const order = this.findOrder(account, body.ordId, body.clOrdId);
    const fail = (sCode: string, sMsg: string) => ({ ...reject(sCode, sMsg, order?.clOrdId ?? clOrdId, '', order?.ordId ?? ''), reqId });
    if (!order || order.def.instId !== body.instId || (order.state !== 'live' && order.state !== 'partially_filled')) {
      return fail('51503', 'Order modification failed as the order has been filled, canceled or does not exist.');
    }
    const newSz = body.newSz === undefined || body.newSz === '' ? undefined : parseDecimal(body.newSz);
    const newPx = body.newPx === undefined || body.newPx === '' ? undefined : parseDecimal(body.newPx);
    if (newSz === null || newPx === null || (newSz === undefined && newPx === undefined)) return fail('51000', 'Parameter newSz or newPx error');
    if (newPx && (newPx.isZero() || !isMultiple(newPx, order.def.tickSz))) return fail('51000', 'Parameter newPx error');
    if (newSz && (!isMultiple(newSz, order.def.lotSz) || newSz.lte(order.accFillSz))) return fail('51000', 'Parameter newSz error');
    const m = this.markets.get(order.def.instId);
    if (!m || order.px === null) return fail('51503', 'Order modification failed.');
    if (order.ordType === 'post_only' && newPx) {
      const wouldTake = order.side === 'buy' ? m.book.bestAsk()?.lte(newPx) : m.book.bestBid()?.gte(newPx);
      if (wouldTake === true) return fail('51503', 'Order modification failed: post-only order would take liquidity.');
    }
    const amended = m.book.amend(order.ordId, { price: newPx, quantity: newSz });
    order.amendResult = '0';
    order.reqId = reqId;
    if (newPx) order.px = newPx;
    if (newSz) order.sz = newSz;
    this.refreeze(order);
    this.emitOrder(order);
    if (amended) this.processFills(m, amended.fills);
    order.amendResult = '';
    return { sCode: '0', sMsg: '', ordId: order.ordId, clOrdId: order.clOrdId, tag: order.tag, ts: String(this.now()), reqId };
  }

  /** Cancels everything an account has resting (used by admin reset and close-position autoCxl). */
  cancelAll(account: OkxAccount, instId?: string): void {
    for (const order of account.orders.values()) {
      if (order.state !== 'live' && order.state !== 'partially_filled') continue;
      if (instId !== undefined && order.def.instId !== instId) continue;
      this.cancelOrder(account, { instId: order.def.instId, ordId: order.ordId });
    }
  }

  closePosition(account: OkxAccount, instId: string, mgnMode: string): ItemResult {
    const p = account.positions.get(`${instId}:${mgnMode}`);
    if (!p || p.pos.isZero()) return reject('51023', 'Position does not exist.');
    return this.placeOrder(account, {
      instId, tdMode: mgnMode, side: p.pos.gt(0) ? 'sell' : 'buy', ordType: 'market', sz: p.pos.abs().toFixed(), reduceOnly: true,
    });
  }

  // ---------------------------------------------------------------- background flow (generator)

  /** Places a background maker order (not an account); returns its book id. */
  placeBackground(instId: string, side: BookSide, price: Decimal | undefined, quantity: Decimal, timeInForce: TimeInForce): string {
    const m = this.markets.get(instId);
    const id = `bg${String(this.nextBgId++)}`;
    if (!m) return id;
    const result = m.book.submit({ id, owner: BACKGROUND_OWNER, side, price, quantity, timeInForce, meta: null });
    this.processFills(m, result.fills);
    return id;
  }

  cancelBackground(instId: string, id: string): void {
    this.markets.get(instId)?.book.cancel(id);
  }

  /**
   * Funding settlement at fundingTime: payment = pos × ctVal × mark × rate; longs pay when the rate is positive.
   * `force` settles the named swap now whatever its schedule (admin API: tests and demos cannot wait 8 hours).
   */
  settleFunding(now: number, force?: { instId: string; rate?: Decimal }): void {
    for (const m of this.markets.values()) {
      if (m.def.instType !== 'SWAP') continue;
      if (force ? force.instId !== m.def.instId : now < m.fundingTime) continue;
      if (force?.rate !== undefined) m.fundingRate = force.rate;
      for (const account of this.accounts.values()) {
        for (const p of account.positions.values()) {
          if (p.def !== m.def || p.pos.isZero()) continue;
          const payment = p.pos.times(p.def.ctVal).times(m.mark).times(m.fundingRate);
          const ccy = p.def.settleCcy;
          const bal = (account.cash.get(ccy) ?? ZERO).minus(payment);
          account.cash.set(ccy, bal);
          account.fundingBills.push({
            billId: String(this.nextBillId++), instId: m.def.instId, ccy, mgnMode: p.mgnMode,
            balChg: payment.negated(), bal, sz: p.pos, px: m.mark, rate: m.fundingRate, ts: now,
          });
          if (account.fundingBills.length > 20_000) account.fundingBills.splice(0, account.fundingBills.length - 20_000);
          this.emit((l) => { l.onBalance(account.key.apiKey, [ccy]); });
        }
      }
      m.fundingRate = m.nextFundingRate;
      if (!force) m.fundingTime += 28_800_000;
    }
  }

  // ---------------------------------------------------------------- fills and accounting

  private processFills(m: InstrumentMarket, fills: BookFill<null>[]): void {
    for (const fill of fills) {
      const tradeId = String(this.nextTradeId++);
      const ts = this.now();
      const trade: OkxPublicTrade = { instId: m.def.instId, tradeId, px: fill.price, sz: fill.quantity, side: fill.takerSide, ts };
      m.last = fill.price;
      m.lastSz = fill.quantity;
      m.vol24h = m.vol24h.plus(fill.quantity);
      if (fill.price.gt(m.high24h)) m.high24h = fill.price;
      if (fill.price.lt(m.low24h)) m.low24h = fill.price;
      m.trades.push(trade);
      if (m.trades.length > 500) m.trades.splice(0, m.trades.length - 500);
      if (fill.maker.owner !== BACKGROUND_OWNER) this.applyFill(fill.maker.owner, fill.maker.id, fill.price, fill.quantity, 'M', tradeId, ts);
      if (fill.takerOwner !== BACKGROUND_OWNER) this.applyFill(fill.takerOwner, fill.takerId, fill.price, fill.quantity, 'T', tradeId, ts);
      this.emit((l) => { l.onTrade(trade); });
    }
  }

  private applyFill(apiKey: string, ordId: string, px: Decimal, qty: Decimal, execType: 'T' | 'M', tradeId: string, ts: number): void {
    const account = this.accounts.get(apiKey);
    const order = account?.orders.get(ordId);
    if (!account || !order) return;
    const def = order.def;
    const rate = execType === 'M' ? def.makerFee : def.takerFee;
    const changed = new Set<string>();
    const add = (ccy: string, delta: Decimal) => {
      account.cash.set(ccy, (account.cash.get(ccy) ?? ZERO).plus(delta));
      changed.add(ccy);
    };
    let fee: Decimal;
    if (isDerivative(def)) {
      fee = qty.times(def.ctVal).times(px).times(rate);
      const pnl = this.applyPosition(account, order, px, qty, fee, tradeId, ts);
      add(def.settleCcy, pnl.minus(fee));
      order.pnl = order.pnl.plus(pnl);
    } else if (order.side === 'buy') {
      fee = qty.times(rate);
      add(def.baseCcy, qty.minus(fee));
      add(def.quoteCcy, px.times(qty).neg());
    } else {
      fee = px.times(qty).times(rate);
      add(def.baseCcy, qty.neg());
      add(def.quoteCcy, px.times(qty).minus(fee));
    }
    order.accFillSz = order.accFillSz.plus(qty);
    order.fillValue = order.fillValue.plus(px.times(qty));
    order.fee = order.fee.minus(fee);
    order.uTime = ts;
    order.lastFill = { px, sz: qty, tradeId, fee: fee.neg(), feeCcy: order.feeCcy, execType, ts };
    account.fills.push({ billId: String(this.nextBillId++), order, fill: order.lastFill });
    if (account.fills.length > MAX_ACCOUNT_FILLS) account.fills.splice(0, account.fills.length - MAX_ACCOUNT_FILLS);
    const filledAll = this.bookQuantity(order).lte(order.accFillSz);
    order.state = filledAll ? 'filled' : 'partially_filled';
    this.refreeze(order);
    this.emitOrder(order);
    order.lastFill = null;
    this.emit((l) => { l.onBalance(apiKey, [...changed]); });
  }

  /** Total order quantity in book units (spot market buys by quote were converted at placement). */
  private bookQuantity(order: OkxOrder): Decimal {
    const resting = this.markets.get(order.def.instId)?.book.get(order.ordId);
    return resting ? resting.quantity : order.accFillSz.gt(0) && order.ordType === 'market' ? order.accFillSz : order.sz;
  }

  /** Updates the net position; returns realized PnL. */
  private applyPosition(account: OkxAccount, order: OkxOrder, px: Decimal, qty: Decimal, fee: Decimal, tradeId: string, ts: number): Decimal {
    const def = order.def;
    const mgnMode = order.tdMode === 'isolated' ? 'isolated' : 'cross';
    const key = `${def.instId}:${mgnMode}`;
    let p = account.positions.get(key);
    if (!p) {
      p = { def, mgnMode, pos: ZERO, avgPx: ZERO, realizedPnl: ZERO, fee: ZERO, margin: ZERO, lever: order.lever, tradeId, cTime: ts, uTime: ts };
      account.positions.set(key, p);
    }
    const signed = order.side === 'buy' ? qty : qty.neg();
    let pnl = ZERO;
    if (p.pos.isZero() || p.pos.isPositive() === signed.isPositive()) {
      const newPos = p.pos.plus(signed);
      p.avgPx = p.avgPx.times(p.pos.abs()).plus(px.times(qty)).div(newPos.abs());
      p.margin = p.margin.plus(qty.times(def.ctVal).times(px).div(order.lever));
      p.pos = newPos;
    } else {
      const closing = Decimal.min(qty, p.pos.abs());
      const direction = p.pos.isPositive() ? 1 : -1;
      pnl = px.minus(p.avgPx).times(closing).times(def.ctVal).times(direction);
      const remainingBefore = p.pos.abs();
      p.margin = p.margin.times(remainingBefore.minus(closing)).div(remainingBefore);
      p.pos = p.pos.plus(signed);
      const opened = qty.minus(closing);
      if (p.pos.isZero()) {
        p.avgPx = ZERO;
        p.margin = ZERO;
      } else if (opened.gt(0)) {
        p.avgPx = px;
        p.margin = opened.times(def.ctVal).times(px).div(order.lever);
      }
    }
    p.lever = order.lever;
    p.realizedPnl = p.realizedPnl.plus(pnl);
    p.fee = p.fee.minus(fee);
    p.tradeId = tradeId;
    p.uTime = ts;
    const position = p;
    this.emit((l) => { l.onPosition(account.key.apiKey, position); });
    return pnl;
  }

  private refreeze(order: OkxOrder): void {
    if (order.state !== 'live' && order.state !== 'partially_filled') {
      order.frozen = ZERO;
      return;
    }
    const resting = this.markets.get(order.def.instId)?.book.get(order.ordId);
    if (!resting || order.px === null) {
      order.frozen = ZERO;
      return;
    }
    const left = resting.remaining;
    if (isDerivative(order.def)) order.frozen = order.reduceOnly ? ZERO : left.times(order.def.ctVal).times(order.px).div(order.lever);
    else order.frozen = order.side === 'buy' ? left.times(order.px) : left;
  }

  private finish(order: OkxOrder, state: 'canceled' | 'filled'): void {
    order.state = state;
    order.frozen = ZERO;
    order.uTime = this.now();
    this.emitOrder(order);
    const account = this.accounts.get(order.apiKey);
    if (account) this.emit((l) => { l.onBalance(order.apiKey, [order.frozenCcy]); });
  }

  private emitOrder(order: OkxOrder): void {
    this.emit((l) => { l.onOrder(order.apiKey, order); });
  }

  private emit(fn: (listener: OkxExchangeListener) => void): void {
    for (const listener of this.listeners) fn(listener);
  }
}
