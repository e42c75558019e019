/**
 * The simulated CLOB: one price-time-priority book per binary market kept in YES terms (the generic matcher in
 * ../matching), so complements match naturally — a BUY NO at q rests as a YES ask at 1−q (a BUY YES crossing it
 * mints a pair), a SELL NO at q rests as a YES bid at 1−q (a SELL YES crossing it merges a pair). Owns order
 * validation after signature checks, balances and reservations, fees (taker C·rate·p·(1−p), maker rebate
 * accrued and paid out of band), settlement (MATCHED → MINED → CONFIRMED or FAILED), expiry and resolution.
 */
import { createHash } from 'node:crypto';
import { Decimal } from 'decimal.js';
import { OrderBook, type BookFill, type BookSide, type TimeInForce } from '../matching/index.js';
import { ERR, type TickSize } from './constants.js';
import { Ledger } from './ledger.js';
import type { ClobOrderType } from './order-payload.js';
import type { ClobEvent, LedgerDelta, OrderEventType, OutcomeName, SimMarket, SimOrder, SimToken, SimTrade, Side } from './types.js';

const ZERO = new Decimal(0);
const ONE = new Decimal(1);

export interface ClobOptions {
  now: () => number;
  initialCollateral: Decimal;
  /** Share of the taker fee paid back to the maker by `payRebates` (Polymarket: 20–25 %). */
  makerRebateShare: Decimal;
  mineDelayMs: number;
  confirmDelayMs: number;
}

export interface PlaceInput {
  id: string;
  owner: string;
  maker: `0x${string}`;
  market: SimMarket;
  token: SimToken;
  side: Side;
  price: Decimal;
  size: Decimal;
  orderType: ClobOrderType;
  expiration: number;
  postOnly: boolean;
  background?: boolean;
}

export type PlaceResult =
  | { ok: true; order: SimOrder; trades: SimTrade[]; status: 'live' | 'matched' | 'unmatched' }
  | { ok: false; error: string };

export interface BookSummary {
  market: string;
  asset_id: string;
  timestamp: string;
  hash: string;
  bids: { price: string; size: string }[];
  asks: { price: string; size: string }[];
  min_order_size: string;
  tick_size: string;
  neg_risk: boolean;
  last_trade_price: string;
}

function flip(side: Side): Side {
  return side === 'BUY' ? 'SELL' : 'BUY';
}

/** Fee on a fill of `size` at price p: size·rate·p·(1−p), rounded half-up to 6 dp (collateral precision). */
export function takerFee(size: Decimal, rate: Decimal, price: Decimal): Decimal {
  return size.times(rate).times(price).times(ONE.minus(price)).toDecimalPlaces(6, Decimal.ROUND_HALF_UP);
}

export class Clob {
  readonly ledger: Ledger;
  private readonly markets = new Map<string, SimMarket>();
  private readonly tokens = new Map<string, { market: SimMarket; token: SimToken }>();
  private readonly books = new Map<string, OrderBook<SimOrder>>();
  private readonly orders = new Map<string, SimOrder>();
  private readonly openByMaker = new Map<string, Set<SimOrder>>();
  private readonly trades: SimTrade[] = [];
  private readonly tradesById = new Map<string, SimTrade>();
  private readonly rebates = new Map<string, Decimal>();
  private readonly listeners = new Set<(event: ClobEvent) => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private pendingLevels: { tokenId: string; side: Side; price: Decimal; size: Decimal }[] = [];
  private tradeSeq = 0;
  /** Fault: the next trade's settlement fails (FAILED, ledger undone). */
  failNextTrade = false;

  constructor(private readonly options: ClobOptions) {
    this.ledger = new Ledger(options.initialCollateral);
  }

  onEvent(listener: (event: ClobEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: ClobEvent): void {
    for (const l of this.listeners) l(event);
  }

  // ---- markets -------------------------------------------------------------------------------------------

  addMarket(market: SimMarket): void {
    this.markets.set(market.conditionId, market);
    this.tokens.set(market.yes.tokenId, { market, token: market.yes });
    this.tokens.set(market.no.tokenId, { market, token: market.no });
    this.books.set(
      market.conditionId,
      new OrderBook<SimOrder>({
        // A YES-terms level is a YES level and the mirrored NO level (1 − p, other side).
        onLevelChange: (side, price, total) => {
          const yesSide: Side = side === 'buy' ? 'BUY' : 'SELL';
          this.pendingLevels.push({ tokenId: market.yes.tokenId, side: yesSide, price, size: total });
          this.pendingLevels.push({ tokenId: market.no.tokenId, side: flip(yesSide), price: ONE.minus(price), size: total });
        },
      }),
    );
  }

  listMarkets(): SimMarket[] {
    return [...this.markets.values()];
  }

  market(conditionId: string): SimMarket | undefined {
    return this.markets.get(conditionId);
  }

  token(tokenId: string): { market: SimMarket; token: SimToken } | undefined {
    return this.tokens.get(tokenId);
  }

  private book(market: SimMarket): OrderBook<SimOrder> {
    const book = this.books.get(market.conditionId);
    if (book === undefined) throw new Error(`no book for ${market.conditionId}`);
    return book;
  }

  private flushLevels(market: SimMarket): void {
    if (this.pendingLevels.length === 0) return;
    const changes = this.pendingLevels;
    this.pendingLevels = [];
    this.emit({ kind: 'levels', market, changes });
  }

  /** Changes a market's tick (the venue does this near 0 and 1) and announces it. */
  setTickSize(conditionId: string, tick: TickSize): SimMarket | undefined {
    const market = this.markets.get(conditionId);
    if (market === undefined || market.tickSize === tick) return market;
    const oldTick = market.tickSize;
    market.tickSize = tick;
    this.emit({ kind: 'tick-size', market, oldTick });
    return market;
  }

  // ---- books ---------------------------------------------------------------------------------------------

  /** Levels of one token in its own terms, best first: [price, size]. */
  levels(tokenId: string): { bids: [Decimal, Decimal][]; asks: [Decimal, Decimal][] } {
    const entry = this.tokens.get(tokenId);
    if (entry === undefined) return { bids: [], asks: [] };
    const book = this.book(entry.market);
    const yesBids = book.depth('buy').map(([p, s]) => [p, s] as [Decimal, Decimal]);
    const yesAsks = book.depth('sell').map(([p, s]) => [p, s] as [Decimal, Decimal]);
    if (entry.token.outcome === 'Yes') return { bids: yesBids, asks: yesAsks };
    return {
      bids: yesAsks.map(([p, s]) => [ONE.minus(p), s]),
      asks: yesBids.map(([p, s]) => [ONE.minus(p), s]),
    };
  }

  /** OrderBookSummary as the venue sends it: bids ascending, asks descending (best last), SHA-1 hash. */
  summary(tokenId: string): BookSummary | undefined {
    const entry = this.tokens.get(tokenId);
    if (entry === undefined) return undefined;
    const { bids, asks } = this.levels(tokenId);
    const fmt = ([p, s]: [Decimal, Decimal]) => ({ price: p.toString(), size: s.toString() });
    const summary: BookSummary = {
      market: entry.market.conditionId,
      asset_id: tokenId,
      timestamp: String(this.options.now()),
      hash: '',
      bids: [...bids].reverse().map(fmt),
      asks: [...asks].reverse().map(fmt),
      min_order_size: entry.market.minOrderSize.toString(),
      tick_size: entry.market.tickSize,
      neg_risk: entry.market.negRisk,
      last_trade_price: entry.market.lastTradePrice.get(tokenId)?.price.toString() ?? '0.5',
    };
    summary.hash = createHash('sha1').update(JSON.stringify(summary)).digest('hex');
    return summary;
  }

  // ---- balances ------------------------------------------------------------------------------------------

  private openOrdersOf(maker: string): Set<SimOrder> {
    const key = maker.toLowerCase();
    let set = this.openByMaker.get(key);
    if (set === undefined) {
      set = new Set();
      this.openByMaker.set(key, set);
    }
    return set;
  }

  /** Collateral not reserved by resting BUY orders. */
  availableCollateral(maker: string): Decimal {
    let reserved = ZERO;
    for (const o of this.openOrdersOf(maker)) if (o.side === 'BUY') reserved = reserved.plus(o.originalSize.minus(o.sizeMatched).times(o.price));
    return this.ledger.collateral(maker).minus(reserved);
  }

  /** Outcome tokens not reserved by resting SELL orders. */
  availableTokens(maker: string, tokenId: string): Decimal {
    let reserved = ZERO;
    for (const o of this.openOrdersOf(maker)) if (o.side === 'SELL' && o.token.tokenId === tokenId) reserved = reserved.plus(o.originalSize.minus(o.sizeMatched));
    return this.ledger.tokens(maker, tokenId).minus(reserved);
  }

  // ---- orders --------------------------------------------------------------------------------------------

  getOrder(id: string): SimOrder | undefined {
    return this.orders.get(id);
  }

  /** Every order the venue accepted, in any state. */
  allOrders(): SimOrder[] {
    return [...this.orders.values()];
  }

  openOrders(filter: { owner?: string; id?: string; market?: string; assetId?: string }): SimOrder[] {
    const out: SimOrder[] = [];
    for (const o of this.orders.values()) {
      if (o.status !== 'LIVE') continue;
      if (filter.owner !== undefined && o.owner !== filter.owner) continue;
      if (filter.id !== undefined && o.id !== filter.id) continue;
      if (filter.market !== undefined && o.market.conditionId !== filter.market) continue;
      if (filter.assetId !== undefined && o.token.tokenId !== filter.assetId) continue;
      out.push(o);
    }
    return out;
  }

  /** Validates venue rules, reserves funds, matches, rests the remainder. Signature checks happen before. */
  place(input: PlaceInput): PlaceResult {
    const { market, token, price, size } = input;
    if (!market.acceptingOrders || market.closed) return { ok: false, error: ERR.marketClosed };
    if (this.orders.has(input.id)) return { ok: false, error: ERR.duplicated };
    const tick = new Decimal(market.tickSize);
    if (!price.mod(tick).isZero() || price.lt(tick) || price.gt(ONE.minus(tick))) return { ok: false, error: ERR.tick };
    if (size.lt(market.minOrderSize) || size.decimalPlaces() > 6) return { ok: false, error: ERR.minSize };
    if (input.postOnly && (input.orderType === 'FOK' || input.orderType === 'FAK')) return { ok: false, error: ERR.postOnlyType };
    const nowSec = Math.floor(this.options.now() / 1000);
    if (input.orderType === 'GTD' && input.expiration < nowSec + 60) return { ok: false, error: ERR.expiration };
    if (input.side === 'BUY') {
      // Worst case: all of it trades as taker at the limit price and pays the taker fee.
      const need = size.times(price).plus(takerFee(size, market.feeRate, price));
      if (this.availableCollateral(input.maker).lt(need)) return { ok: false, error: ERR.balance };
    } else if (this.availableTokens(input.maker, token.tokenId).lt(size)) {
      return { ok: false, error: ERR.balance };
    }

    const order: SimOrder = {
      id: input.id,
      owner: input.owner,
      maker: input.maker,
      market,
      token,
      side: input.side,
      price,
      originalSize: size,
      sizeMatched: ZERO,
      status: 'LIVE',
      orderType: input.orderType,
      expiration: input.orderType === 'GTD' ? input.expiration : 0,
      createdAt: nowSec,
      associateTrades: [],
      background: input.background === true,
    };
    const isYes = token.outcome === 'Yes';
    const bookSide: BookSide = (isYes ? input.side : flip(input.side)) === 'BUY' ? 'buy' : 'sell';
    const tif: TimeInForce =
      input.orderType === 'FOK' ? 'FOK' : input.orderType === 'FAK' ? 'IOC' : input.postOnly ? 'POST_ONLY' : 'GTC';
    const result = this.book(market).submit({
      id: order.id,
      owner: order.maker.toLowerCase(),
      side: bookSide,
      price: isYes ? price : ONE.minus(price),
      quantity: size,
      timeInForce: tif,
      meta: order,
    });
    switch (result.outcome) {
      case 'rejected-post-only':
        this.pendingLevels = [];
        return { ok: false, error: ERR.postOnlyCross };
      case 'rejected-fok':
        this.pendingLevels = [];
        return { ok: false, error: ERR.fok };
      case 'cancelled-no-fill':
        this.pendingLevels = [];
        return { ok: false, error: ERR.fak };
      case 'rested':
      case 'filled':
      case 'partially-filled-cancelled':
        break;
    }
    this.orders.set(order.id, order);
    const makersTouched = new Set<SimOrder>();
    const trades = result.fills.map((fill) => this.settleFill(order, fill, makersTouched));
    if (result.outcome === 'rested') this.openOrdersOf(order.maker).add(order);
    else order.status = result.outcome === 'filled' ? 'MATCHED' : 'CANCELED';
    this.flushLevels(market);
    this.emitOrder('PLACEMENT', order);
    for (const m of makersTouched) this.emitOrder('UPDATE', m);
    for (const t of trades) {
      this.emit({ kind: 'trade', trade: t });
      this.emit({
        kind: 'last-trade',
        market,
        tokenId: token.tokenId,
        price: t.price,
        size: t.size,
        side: order.side,
        feeRateBps: t.feeRateBps,
        transactionHash: t.transactionHash,
      });
    }
    const status = trades.length === 0 ? 'live' : 'matched';
    return { ok: true, order, trades, status };
  }

  /** Moves balances for one maker fill and records the trade (one trade per maker match). */
  private settleFill(taker: SimOrder, fill: BookFill<SimOrder>, touched: Set<SimOrder>): SimTrade {
    const maker = fill.maker.meta;
    const q = fill.quantity;
    const yesPrice = fill.price;
    const own = (o: SimOrder) => (o.token.outcome === 'Yes' ? yesPrice : ONE.minus(yesPrice));
    const deltas: LedgerDelta[] = [];
    for (const o of [taker, maker]) {
      const p = own(o);
      if (o.side === 'BUY') {
        deltas.push(this.ledger.move(o.maker, 'collateral', q.times(p).neg()), this.ledger.move(o.maker, o.token.tokenId, q));
      } else {
        deltas.push(this.ledger.move(o.maker, o.token.tokenId, q.neg()), this.ledger.move(o.maker, 'collateral', q.times(p)));
      }
      o.sizeMatched = o.sizeMatched.plus(q);
    }
    const fee = takerFee(q, taker.market.feeRate, yesPrice);
    if (!fee.isZero()) {
      deltas.push(this.ledger.move(taker.maker, 'collateral', fee.neg()));
      const key = maker.maker.toLowerCase();
      this.rebates.set(key, (this.rebates.get(key) ?? ZERO).plus(fee.times(this.options.makerRebateShare)));
    }
    if (fill.makerRemaining.isZero()) {
      maker.status = 'MATCHED';
      this.openOrdersOf(maker.maker).delete(maker);
    }
    touched.add(maker);
    this.tradeSeq++;
    const nowSec = Math.floor(this.options.now() / 1000);
    const id = createHash('sha256').update(`trade:${taker.id}:${maker.id}:${String(this.tradeSeq)}`).digest('hex');
    const trade: SimTrade = {
      id: `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`,
      taker,
      market: taker.market,
      price: own(taker),
      size: q,
      makers: [{ order: maker, price: own(maker), size: q }],
      fee,
      feeRateBps: taker.market.feeRate.times(10_000).toString(),
      status: 'MATCHED',
      matchTime: nowSec,
      lastUpdate: nowSec,
      transactionHash: `0x${createHash('sha256').update(`tx:${id}`).digest('hex')}`,
      deltas,
    };
    taker.associateTrades.push(trade.id);
    maker.associateTrades.push(trade.id);
    taker.market.lastTradePrice.set(taker.token.tokenId, { price: own(taker), side: taker.side });
    taker.market.lastTradePrice.set(maker.token.tokenId, { price: own(maker), side: maker.side });
    this.trades.push(trade);
    this.tradesById.set(trade.id, trade);
    this.scheduleSettlement(trade);
    return trade;
  }

  private scheduleSettlement(trade: SimTrade): void {
    const fail = this.failNextTrade;
    this.failNextTrade = false;
    this.later(this.options.mineDelayMs, () => {
      if (fail) {
        // The chain rejected the match: every balance movement of this trade is undone.
        this.ledger.undo(trade.deltas);
        this.updateTrade(trade, 'FAILED');
        return;
      }
      this.updateTrade(trade, 'MINED');
      this.later(this.options.confirmDelayMs, () => {
        this.updateTrade(trade, 'CONFIRMED');
      });
    });
  }

  private updateTrade(trade: SimTrade, status: SimTrade['status']): void {
    trade.status = status;
    trade.lastUpdate = Math.floor(this.options.now() / 1000);
    this.emit({ kind: 'trade', trade });
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private emitOrder(type: OrderEventType, order: SimOrder): void {
    if (!order.background) this.emit({ kind: 'order', type, order });
  }

  cancel(id: string, owner?: string): { ok: true; order: SimOrder } | { ok: false; reason: string } {
    const order = this.orders.get(id);
    if (order === undefined || (owner !== undefined && order.owner !== owner)) return { ok: false, reason: 'order not found' };
    if (order.status !== 'LIVE') return { ok: false, reason: order.status === 'CANCELED' ? 'order already canceled' : 'order can not be canceled because it is fully matched' };
    this.book(order.market).cancel(order.id);
    order.status = 'CANCELED';
    this.openOrdersOf(order.maker).delete(order);
    this.flushLevels(order.market);
    this.emitOrder('CANCELLATION', order);
    return { ok: true, order };
  }

  cancelMany(ids: readonly string[], owner: string): { canceled: string[]; not_canceled: Record<string, string> } {
    const canceled: string[] = [];
    const notCanceled: Record<string, string> = {};
    for (const id of ids) {
      const r = this.cancel(id, owner);
      if (r.ok) canceled.push(id);
      else notCanceled[id] = r.reason;
    }
    return { canceled, not_canceled: notCanceled };
  }

  /** Cancels GTD orders whose expiration passed. */
  expireOrders(): void {
    const nowSec = Math.floor(this.options.now() / 1000);
    for (const o of this.orders.values()) if (o.status === 'LIVE' && o.expiration > 0 && o.expiration <= nowSec) this.cancel(o.id);
  }

  // ---- trades --------------------------------------------------------------------------------------------

  getTrade(id: string): SimTrade | undefined {
    return this.tradesById.get(id);
  }

  /** Trades where `owner` was taker or maker. */
  tradesOf(owner: string): SimTrade[] {
    return this.trades.filter((t) => t.taker.owner === owner || t.makers.some((m) => m.order.owner === owner));
  }

  /** Pays accrued maker rebates in collateral (the venue pays them daily, out of band of fills). */
  payRebates(): Record<string, string> {
    const paid: Record<string, string> = {};
    for (const [address, amount] of this.rebates) {
      const rounded = amount.toDecimalPlaces(6, Decimal.ROUND_DOWN);
      this.ledger.move(address, 'collateral', rounded);
      paid[address] = rounded.toString();
    }
    this.rebates.clear();
    return paid;
  }

  // ---- resolution ----------------------------------------------------------------------------------------

  /** Settles a market: cancels its orders, pays 1 per winning share, 0 per losing share, and emits it. */
  resolve(conditionId: string, winner: OutcomeName): SimMarket | undefined {
    const market = this.markets.get(conditionId);
    if (market === undefined || market.closed) return market;
    for (const o of this.openOrders({ market: conditionId })) this.cancel(o.id);
    market.acceptingOrders = false;
    market.closed = true;
    market.winner = winner;
    const win = winner === 'Yes' ? market.yes : market.no;
    const lose = winner === 'Yes' ? market.no : market.yes;
    for (const [address, q] of this.ledger.holders(win.tokenId)) {
      this.ledger.move(address, win.tokenId, q.neg());
      this.ledger.move(address, 'collateral', q);
    }
    for (const [address, q] of this.ledger.holders(lose.tokenId)) this.ledger.move(address, lose.tokenId, q.neg());
    this.emit({ kind: 'resolved', market });
    return market;
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
