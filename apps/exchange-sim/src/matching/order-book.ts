/**
 * Generic price-time-priority limit order book and matcher on exact decimals. It knows nothing of any venue:
 * OKX and Polymarket venues put their own rules (tick/lot, balances, reduce-only, complements) around it.
 *
 * API (small on purpose, reused by src/polymarket/):
 *   const book = new OrderBook<Meta>({ onLevelChange?: (side, price, newTotal) => void });
 *   book.submit({ id, owner, side, price?, quantity, timeInForce, meta }) → SubmitResult
 *       price undefined = market order (takes whatever is there, never rests).
 *       timeInForce: 'GTC' rests the remainder; 'IOC' cancels it; 'FOK' fills completely or not at all;
 *       'POST_ONLY' is rejected (nothing happens) if it would take liquidity.
 *   book.cancel(id) → the removed order or undefined
 *   book.amend(id, { price?, quantity? }) → the order; a price change or size increase loses time priority
 *       (and may trade if the new price crosses); a size decrease keeps it. A new quantity ≤ filled cancels.
 *   book.get(id), book.levelAt(side, price), book.bestBid(), book.bestAsk(), book.depth('buy'|'sell', n) → [price, size, orderCount][]
 *   book.fillableQuantity(side, price?, quantity) → how much would trade now (for FOK checks around the book).
 * Fills are reported maker by maker, each at the maker's price. `onLevelChange` fires for every price level
 * whose total changed (0 = level removed), which is what a venue needs to publish incremental book updates.
 */
import { Decimal } from 'decimal.js';

export type BookSide = 'buy' | 'sell';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK' | 'POST_ONLY';

const ZERO = new Decimal(0);

export interface RestingOrder<M = unknown> {
  readonly id: string;
  readonly owner: string;
  readonly side: BookSide;
  price: Decimal;
  /** Original quantity (updated by amend). */
  quantity: Decimal;
  /** Quantity still resting. */
  remaining: Decimal;
  /** Time priority: lower trades first at the same price. */
  sequence: number;
  meta: M;
}

export interface SubmitOrder<M = unknown> {
  id: string;
  owner: string;
  side: BookSide;
  /** Limit price; undefined for a market order. */
  price?: Decimal;
  quantity: Decimal;
  timeInForce: TimeInForce;
  meta: M;
}

export interface BookFill<M = unknown> {
  maker: RestingOrder<M>;
  takerId: string;
  takerOwner: string;
  takerSide: BookSide;
  price: Decimal;
  quantity: Decimal;
  /** The maker's remaining quantity after this fill (0 = maker fully filled and removed). */
  makerRemaining: Decimal;
}

export type SubmitOutcome =
  /** Rested with its full quantity or the unfilled remainder. */
  | 'rested'
  | 'filled'
  /** IOC/market remainder cancelled after (possibly zero) fills. */
  | 'partially-filled-cancelled'
  | 'cancelled-no-fill'
  | 'rejected-post-only'
  | 'rejected-fok';

export interface SubmitResult<M = unknown> {
  outcome: SubmitOutcome;
  fills: BookFill<M>[];
  filledQuantity: Decimal;
  remaining: Decimal;
  /** The resting order when outcome = 'rested'. */
  resting: RestingOrder<M> | null;
}

interface Level<M> {
  price: Decimal;
  orders: RestingOrder<M>[];
  /** Index of the first live order in `orders` (orders before it were filled; compacted lazily). */
  head: number;
  total: Decimal;
}

export interface OrderBookOptions {
  onLevelChange?: (side: BookSide, price: Decimal, total: Decimal) => void;
}

/** Bids sorted best (highest) first, asks best (lowest) first. */
export class OrderBook<M = unknown> {
  private readonly bids: Level<M>[] = [];
  private readonly asks: Level<M>[] = [];
  private readonly byId = new Map<string, RestingOrder<M>>();
  private nextSequence = 1;

  constructor(private readonly options: OrderBookOptions = {}) {}

  get(id: string): RestingOrder<M> | undefined {
    return this.byId.get(id);
  }

  /** Every resting order (any order). */
  orders(): IterableIterator<RestingOrder<M>> {
    return this.byId.values();
  }

  bestBid(): Decimal | undefined {
    return this.bids[0]?.price;
  }

  bestAsk(): Decimal | undefined {
    return this.asks[0]?.price;
  }

  /** Top `n` levels of one side as [price, total size, live order count]; n undefined = all. */
  depth(side: BookSide, n?: number): [Decimal, Decimal, number][] {
    const levels = side === 'buy' ? this.bids : this.asks;
    const count = n === undefined ? levels.length : Math.min(n, levels.length);
    const out: [Decimal, Decimal, number][] = [];
    for (let i = 0; i < count; i++) {
      const level = levels[i];
      if (level) out.push([level.price, level.total, level.orders.length - level.head]);
    }
    return out;
  }

  /** The level at exactly `price` on one side, or undefined when empty. */
  levelAt(side: BookSide, price: Decimal): { total: Decimal; orderCount: number } | undefined {
    const level = this.findLevel(side, price);
    return level ? { total: level.total, orderCount: level.orders.length - level.head } : undefined;
  }

  /** Quantity that an order would fill immediately (no state change). */
  fillableQuantity(side: BookSide, price: Decimal | undefined, quantity: Decimal): Decimal {
    const levels = side === 'buy' ? this.asks : this.bids;
    let filled = ZERO;
    for (const level of levels) {
      if (!crosses(side, price, level.price)) break;
      filled = filled.plus(level.total);
      if (filled.gte(quantity)) return quantity;
    }
    return filled;
  }

  submit(order: SubmitOrder<M>): SubmitResult<M> {
    if (this.byId.has(order.id)) throw new Error(`duplicate order id ${order.id}`);
    if (order.quantity.lte(0)) throw new Error('quantity must be positive');
    const isMarket = order.price === undefined;
    if (order.timeInForce === 'POST_ONLY') {
      if (isMarket || this.fillableQuantity(order.side, order.price, order.quantity).gt(0)) {
        return { outcome: 'rejected-post-only', fills: [], filledQuantity: ZERO, remaining: order.quantity, resting: null };
      }
    }
    if (order.timeInForce === 'FOK' && this.fillableQuantity(order.side, order.price, order.quantity).lt(order.quantity)) {
      return { outcome: 'rejected-fok', fills: [], filledQuantity: ZERO, remaining: order.quantity, resting: null };
    }
    const fills = this.take(order.id, order.owner, order.side, order.price, order.quantity);
    let filled = ZERO;
    for (const fill of fills) filled = filled.plus(fill.quantity);
    const remaining = order.quantity.minus(filled);
    if (remaining.isZero()) return { outcome: 'filled', fills, filledQuantity: filled, remaining, resting: null };
    if (isMarket || order.timeInForce === 'IOC' || order.timeInForce === 'FOK' || order.price === undefined) {
      return {
        outcome: filled.isZero() ? 'cancelled-no-fill' : 'partially-filled-cancelled',
        fills,
        filledQuantity: filled,
        remaining,
        resting: null,
      };
    }
    const resting: RestingOrder<M> = {
      id: order.id,
      owner: order.owner,
      side: order.side,
      price: order.price,
      quantity: order.quantity,
      remaining,
      sequence: this.nextSequence++,
      meta: order.meta,
    };
    this.rest(resting);
    return { outcome: 'rested', fills, filledQuantity: filled, remaining, resting };
  }

  cancel(id: string): RestingOrder<M> | undefined {
    const order = this.byId.get(id);
    if (!order) return undefined;
    this.unrest(order);
    return order;
  }

  /**
   * Changes price and/or total quantity. `quantity` is the new original size (OKX newSz semantics): the new
   * remaining is quantity − already filled. Returns the fills if the amended order crossed, and the order
   * (null when it was cancelled by the amend or filled completely).
   */
  amend(
    id: string,
    changes: { price?: Decimal; quantity?: Decimal },
  ): { order: RestingOrder<M> | null; fills: BookFill<M>[] } | undefined {
    const order = this.byId.get(id);
    if (!order) return undefined;
    const filledSoFar = order.quantity.minus(order.remaining);
    const newQuantity = changes.quantity ?? order.quantity;
    const newRemaining = newQuantity.minus(filledSoFar);
    const newPrice = changes.price ?? order.price;
    if (newRemaining.lte(0)) {
      this.unrest(order);
      order.quantity = newQuantity;
      order.remaining = ZERO;
      return { order: null, fills: [] };
    }
    const keepsPriority = newPrice.eq(order.price) && newRemaining.lte(order.remaining);
    if (keepsPriority) {
      const level = this.findLevel(order.side, order.price);
      if (level) {
        level.total = level.total.minus(order.remaining).plus(newRemaining);
        this.options.onLevelChange?.(order.side, level.price, level.total);
      }
      order.quantity = newQuantity;
      order.remaining = newRemaining;
      return { order, fills: [] };
    }
    this.unrest(order);
    order.quantity = newQuantity;
    order.price = newPrice;
    const fills = this.take(order.id, order.owner, order.side, newPrice, newRemaining);
    let filled = ZERO;
    for (const fill of fills) filled = filled.plus(fill.quantity);
    order.remaining = newRemaining.minus(filled);
    if (order.remaining.isZero()) return { order: null, fills };
    order.sequence = this.nextSequence++;
    this.rest(order);
    return { order, fills };
  }

  /** Takes liquidity from the opposite side up to `quantity`, maker price, FIFO within a level. */
  private take(
    takerId: string,
    takerOwner: string,
    side: BookSide,
    limit: Decimal | undefined,
    quantity: Decimal,
  ): BookFill<M>[] {
    const levels = side === 'buy' ? this.asks : this.bids;
    const makerSide: BookSide = side === 'buy' ? 'sell' : 'buy';
    const fills: BookFill<M>[] = [];
    let left = quantity;
    while (left.gt(0)) {
      const level = levels[0];
      if (!level || !crosses(side, limit, level.price)) break;
      while (left.gt(0) && level.head < level.orders.length) {
        const maker = level.orders[level.head];
        if (!maker) break;
        const qty = Decimal.min(left, maker.remaining);
        maker.remaining = maker.remaining.minus(qty);
        level.total = level.total.minus(qty);
        left = left.minus(qty);
        if (maker.remaining.isZero()) {
          level.head++;
          this.byId.delete(maker.id);
        }
        fills.push({
          maker,
          takerId,
          takerOwner,
          takerSide: side,
          price: level.price,
          quantity: qty,
          makerRemaining: maker.remaining,
        });
      }
      if (level.head >= level.orders.length) {
        levels.shift();
        this.options.onLevelChange?.(makerSide, level.price, ZERO);
      } else {
        if (level.head > 32) {
          level.orders.splice(0, level.head);
          level.head = 0;
        }
        this.options.onLevelChange?.(makerSide, level.price, level.total);
      }
    }
    return fills;
  }

  private rest(order: RestingOrder<M>): void {
    const levels = order.side === 'buy' ? this.bids : this.asks;
    const index = this.searchLevel(order.side, order.price);
    let level = levels[index];
    if (!level?.price.eq(order.price)) {
      level = { price: order.price, orders: [], head: 0, total: ZERO };
      levels.splice(index, 0, level);
    }
    level.orders.push(order);
    level.total = level.total.plus(order.remaining);
    this.byId.set(order.id, order);
    this.options.onLevelChange?.(order.side, level.price, level.total);
  }

  private unrest(order: RestingOrder<M>): void {
    const levels = order.side === 'buy' ? this.bids : this.asks;
    const index = this.searchLevel(order.side, order.price);
    const level = levels[index];
    this.byId.delete(order.id);
    if (!level?.price.eq(order.price)) return;
    const position = level.orders.indexOf(order, level.head);
    if (position < 0) return;
    level.orders.splice(position, 1);
    level.total = level.total.minus(order.remaining);
    if (level.head >= level.orders.length) {
      levels.splice(index, 1);
      this.options.onLevelChange?.(order.side, level.price, ZERO);
    } else {
      this.options.onLevelChange?.(order.side, level.price, level.total);
    }
  }

  private findLevel(side: BookSide, price: Decimal): Level<M> | undefined {
    const levels = side === 'buy' ? this.bids : this.asks;
    const level = levels[this.searchLevel(side, price)];
    return level?.price.eq(price) ? level : undefined;
  }

  /** Index of the level with `price`, or where it would be inserted. */
  private searchLevel(side: BookSide, price: Decimal): number {
    const levels = side === 'buy' ? this.bids : this.asks;
    let lo = 0;
    let hi = levels.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const level = levels[mid];
      if (!level) break;
      const cmp = level.price.cmp(price);
      // bids descending: move right while level price > price; asks ascending: while level price < price.
      const before = side === 'buy' ? cmp > 0 : cmp < 0;
      if (before) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Whether a taker on `side` with limit `limit` (undefined = market) can trade at `levelPrice`. */
function crosses(side: BookSide, limit: Decimal | undefined, levelPrice: Decimal): boolean {
  if (limit === undefined) return true;
  return side === 'buy' ? limit.gte(levelPrice) : limit.lte(levelPrice);
}
