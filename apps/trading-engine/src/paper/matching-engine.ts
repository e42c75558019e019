/**
 * The paper matching engine, shared by paper trading and backtests. Synchronous and clock-driven: latency is
 * simulated time (an order reaches the "venue" `latencyMs` after it was sent and is processed on the first
 * advance() at or after that time), so it runs on a simulated clock with no wall-clock timers.
 *
 * Fill model (docs/paper-trading.md):
 * - A marketable order walks the current book level by level (slippage), as taker, up to its limit price. Liquidity
 *   taken by paper orders is remembered until the next book update, so two paper orders never take the same size.
 * - A resting order joins the back of the queue at its price: `queueAhead` = the size shown at that level when it
 *   arrived. Trades at its price first eat the queue ahead, the excess fills the order (maker, at its price). A
 *   trade through its price (better for the aggressor's counterparty) fills it up to the trade size. A book update
 *   that shrinks its level shrinks the queue ahead (cancellations ahead of us). A book that crosses its price
 *   fills it as maker at its price, up to the crossing size.
 * - Polymarket YES/NO complement: an order on one token also sees the other token's book and trades mirrored
 *   (price 1 − p, opposite side), so a BUY YES at p can match a BUY NO at 1 − p.
 * It never fills at a price no trade or quote reached, and partial fills always sum to the filled quantity.
 */
import { Decimal } from 'decimal.js';
import type { FillRole, OrderSide } from '@trading/shared-types';
import type { Instrument, InstrumentId } from '../ports/instruments.js';
import type { BookLevel, OrderBookView, TradeEvent } from '../ports/market-data.js';
import type { OrderRequest } from '../ports/execution.js';
import { ONE, ZERO } from '../core/decimal.js';

export interface SimOrder {
  readonly request: OrderRequest;
  readonly instrument: Instrument;
  readonly ownerId: string;
  price: Decimal | null;
  quantity: Decimal;
  filled: Decimal;
  /** Size ahead of this order at its price level (resting orders only). */
  queueAhead: Decimal;
  /** True once it reached the venue (after latency). */
  active: boolean;
  done: boolean;
}

export interface MatchOwner {
  /** Called when the order reaches the venue; return a venue error code + message to reject it there. */
  onArrive(order: SimOrder): { code: string; message: string } | null;
  onFill(order: SimOrder, price: Decimal, quantity: Decimal, role: FillRole): void;
  /** Terminal without a full fill (cancelled, rejected, IOC remainder) or resting (status OPEN). */
  onStatus(order: SimOrder, status: 'OPEN' | 'CANCELLED' | 'REJECTED', reason?: string): void;
  onAmended(order: SimOrder): void;
}

export interface MatchingConfig {
  /** Order entry latency, ms of (simulated) time between send and arrival at the venue. */
  latencyMs: number;
  /** Cancel/amend latency; defaults to latencyMs. */
  cancelLatencyMs?: number;
}

type PendingOp =
  | { kind: 'arrive'; at: number; seq: number; order: SimOrder }
  | { kind: 'cancel'; at: number; seq: number; order: SimOrder; reason: string }
  | {
      kind: 'amend';
      at: number;
      seq: number;
      order: SimOrder;
      price?: Decimal | undefined;
      quantity?: Decimal | undefined;
    };

interface Consumed {
  /** The book (object, sequence, timestamp) the taken sizes refer to; a new book resets them. */
  book: OrderBookView | undefined;
  sequence: number;
  timestamp: number;
  taken: Map<string, Decimal>;
}

export type BookSource = (instrumentId: InstrumentId) => OrderBookView | undefined;

function opposite(side: OrderSide): OrderSide {
  return side === 'BUY' ? 'SELL' : 'BUY';
}

export function complementId(instrument: Instrument): InstrumentId | null {
  const info = instrument.polymarket;
  return info ? (`polymarket:${info.complementTokenId}` as InstrumentId) : null;
}

export class MatchingEngine {
  private readonly pending: PendingOp[] = [];
  private seq = 0;
  /** Resting orders per instrument (their own token). */
  private readonly resting = new Map<InstrumentId, SimOrder[]>();
  private readonly consumed = new Map<InstrumentId, Consumed>();

  constructor(
    private readonly config: MatchingConfig,
    private readonly books: BookSource,
    private readonly owners: (ownerId: string) => MatchOwner | undefined,
  ) {}

  submit(order: SimOrder, now: number): void {
    this.schedule({ kind: 'arrive', at: now + this.config.latencyMs, seq: this.seq++, order });
  }

  cancel(order: SimOrder, now: number, reason = 'cancelled by user'): void {
    this.schedule({
      kind: 'cancel',
      at: now + (this.config.cancelLatencyMs ?? this.config.latencyMs),
      seq: this.seq++,
      order,
      reason,
    });
  }

  amend(
    order: SimOrder,
    now: number,
    changes: { price?: Decimal | undefined; quantity?: Decimal | undefined },
  ): void {
    this.schedule({
      kind: 'amend',
      at: now + (this.config.cancelLatencyMs ?? this.config.latencyMs),
      seq: this.seq++,
      order,
      price: changes.price,
      quantity: changes.quantity,
    });
  }

  /** Processes every pending operation due at or before `now`, in time then submission order. */
  advance(now: number): void {
    while (this.pending.length > 0) {
      const next = this.pending[0];
      if (next === undefined || next.at > now) return;
      this.pending.shift();
      this.run(next);
    }
  }

  hasPending(): boolean {
    return this.pending.length > 0;
  }

  restingOrders(instrumentId: InstrumentId): readonly SimOrder[] {
    return this.resting.get(instrumentId) ?? [];
  }

  /** A public trade on `instrumentId`: fills resting orders on it and (mirrored) on its complement. */
  onTrade(trade: TradeEvent, instrument: Instrument): void {
    this.tradeAgainst(trade.instrumentId, trade.side, trade.price, trade.quantity);
    const complement = complementId(instrument);
    if (complement !== null)
      this.tradeAgainst(complement, opposite(trade.side), ONE.sub(trade.price), trade.quantity);
  }

  /** A book update: shrink queues, fill resting orders the book now crosses. */
  onBook(instrument: Instrument): void {
    this.refreshRestingAgainstBook(instrument.id);
    const complement = complementId(instrument);
    if (complement !== null) this.refreshRestingAgainstBook(complement);
  }

  /** Removes every resting or pending order of one instrument (settlement, liquidation). */
  cancelInstrument(instrumentId: InstrumentId, ownerId: string | null, reason: string): void {
    const list = this.resting.get(instrumentId) ?? [];
    for (const order of [...list]) {
      if (ownerId === null || order.ownerId === ownerId) this.finish(order, 'CANCELLED', reason);
    }
    for (const op of [...this.pending]) {
      if (
        op.kind === 'arrive' &&
        op.order.instrument.id === instrumentId &&
        (ownerId === null || op.order.ownerId === ownerId)
      ) {
        this.pending.splice(this.pending.indexOf(op), 1);
        this.finish(op.order, 'CANCELLED', reason);
      }
    }
  }

  private schedule(op: PendingOp): void {
    // Ops are appended in time order except when latencies differ; keep the queue sorted (stable by seq).
    let index = this.pending.length;
    while (index > 0) {
      const previous = this.pending[index - 1];
      if (previous === undefined || previous.at <= op.at) break;
      index -= 1;
    }
    this.pending.splice(index, 0, op);
  }

  private run(op: PendingOp): void {
    const order = op.order;
    const owner = this.owners(order.ownerId);
    if (!owner) return;
    switch (op.kind) {
      case 'arrive': {
        if (order.done) return;
        const refusal = owner.onArrive(order);
        if (refusal) {
          this.finish(order, 'REJECTED', `${refusal.code}: ${refusal.message}`);
          return;
        }
        order.active = true;
        this.match(order, owner);
        return;
      }
      case 'cancel':
        if (!order.done) this.finish(order, 'CANCELLED', op.reason);
        return;
      case 'amend': {
        if (order.done) return;
        const priceChanged = op.price !== undefined && order.price !== null && !op.price.eq(order.price);
        if (op.quantity !== undefined) {
          if (op.quantity.lte(order.filled)) {
            this.finish(order, 'CANCELLED', 'amended below the filled quantity');
            return;
          }
          // A size increase loses queue priority on real venues; a decrease keeps it.
          if (op.quantity.gt(order.quantity)) order.queueAhead = this.levelSize(order);
          order.quantity = op.quantity;
        }
        if (op.price !== undefined) order.price = op.price;
        owner.onAmended(order);
        if (priceChanged) {
          this.removeResting(order);
          this.match(order, owner);
        }
        return;
      }
    }
  }

  /** Takes liquidity if marketable, then rests (LIMIT/POST_ONLY) or ends (MARKET/IOC/FOK). */
  private match(order: SimOrder, owner: MatchOwner): void {
    const type = order.request.type;
    const crossing = this.crossingLevels(order);
    if (type === 'POST_ONLY' && crossing.length > 0) {
      this.finish(order, 'REJECTED', 'post-only order would cross the book');
      return;
    }
    if (type === 'FOK') {
      const available = crossing.reduce((sum, [, size]) => sum.add(size), ZERO);
      if (available.lt(order.quantity.sub(order.filled))) {
        this.finish(order, 'CANCELLED', 'FOK order could not be filled in full');
        return;
      }
    }
    for (const [price, size] of crossing) {
      const remaining = order.quantity.sub(order.filled);
      if (remaining.lte(0)) break;
      const take = Decimal.min(remaining, size);
      this.take(order.instrument, order.request.side, price, take);
      this.fill(order, owner, price, take, 'taker');
    }
    if (order.done) return;
    if (type === 'MARKET' || type === 'IOC' || type === 'FOK') {
      this.finish(
        order,
        'CANCELLED',
        order.filled.gt(0) ? 'remainder of an immediate order cancelled' : 'no liquidity',
      );
      return;
    }
    order.queueAhead = this.levelSize(order);
    const list = this.resting.get(order.instrument.id) ?? [];
    list.push(order);
    this.resting.set(order.instrument.id, list);
    owner.onStatus(order, 'OPEN');
  }

  private fill(order: SimOrder, owner: MatchOwner, price: Decimal, quantity: Decimal, role: FillRole): void {
    if (quantity.lte(0)) return;
    order.filled = order.filled.add(quantity);
    if (order.filled.gte(order.quantity)) {
      order.done = true;
      this.removeResting(order);
    }
    owner.onFill(order, price, quantity, role);
  }

  private finish(order: SimOrder, status: 'CANCELLED' | 'REJECTED', reason: string): void {
    if (order.done) return;
    order.done = true;
    this.removeResting(order);
    this.owners(order.ownerId)?.onStatus(order, status, reason);
  }

  private removeResting(order: SimOrder): void {
    const list = this.resting.get(order.instrument.id);
    if (!list) return;
    const index = list.indexOf(order);
    if (index >= 0) list.splice(index, 1);
  }

  /** Opposite-side levels this order can take now, with the size still available to paper orders. */
  private crossingLevels(order: SimOrder): [Decimal, Decimal][] {
    const side = order.request.side;
    const levels = this.sideLevels(order.instrument, side === 'BUY' ? 'asks' : 'bids');
    const limit = order.request.type === 'MARKET' ? null : order.price;
    const result: [Decimal, Decimal][] = [];
    for (const [price, size] of levels) {
      if (limit !== null && (side === 'BUY' ? price.gt(limit) : price.lt(limit))) break;
      const available = size.sub(this.takenAt(order.instrument.id, price));
      if (available.gt(0)) result.push([price, available]);
    }
    return result;
  }

  /** One side of an instrument's book, merged with its complement's mirrored other side (Polymarket). */
  private sideLevels(instrument: Instrument, which: 'bids' | 'asks'): readonly BookLevel[] {
    const own = this.books(instrument.id)?.[which] ?? [];
    const complement = complementId(instrument);
    if (complement === null) return own;
    const other = this.books(complement)?.[which === 'asks' ? 'bids' : 'asks'] ?? [];
    if (other.length === 0) return own;
    const merged = new Map<string, [Decimal, Decimal]>();
    for (const [price, size] of own) merged.set(price.toFixed(), [price, size]);
    for (const [price, size] of other) {
      const mirrored = ONE.sub(price);
      const key = mirrored.toFixed();
      const existing = merged.get(key);
      merged.set(key, [mirrored, existing ? existing[1].add(size) : size]);
    }
    const levels = [...merged.values()];
    levels.sort((a, b) => (which === 'asks' ? a[0].cmp(b[0]) : b[0].cmp(a[0])));
    return levels;
  }

  private levelSize(order: SimOrder): Decimal {
    if (order.price === null) return ZERO;
    const levels = this.sideLevels(order.instrument, order.request.side === 'BUY' ? 'bids' : 'asks');
    for (const [price, size] of levels) if (price.eq(order.price)) return size;
    return ZERO;
  }

  private consumedFor(instrumentId: InstrumentId): Consumed {
    const book = this.books(instrumentId);
    let entry = this.consumed.get(instrumentId);
    // Compared field by field: a feed may update one book object in place.
    if (
      !entry ||
      entry.book !== book ||
      entry.sequence !== (book?.sequence ?? -1) ||
      entry.timestamp !== (book?.timestamp ?? -1)
    ) {
      entry = { book, sequence: book?.sequence ?? -1, timestamp: book?.timestamp ?? -1, taken: new Map() };
      this.consumed.set(instrumentId, entry);
    }
    return entry;
  }

  private takenAt(instrumentId: InstrumentId, price: Decimal): Decimal {
    const taken = this.consumedFor(instrumentId).taken;
    if (taken.size === 0) return ZERO;
    return taken.get(price.toFixed()) ?? ZERO;
  }

  private take(instrument: Instrument, _side: OrderSide, price: Decimal, quantity: Decimal): void {
    const entry = this.consumedFor(instrument.id);
    const key = price.toFixed();
    entry.taken.set(key, (entry.taken.get(key) ?? ZERO).add(quantity));
  }

  private tradeAgainst(
    instrumentId: InstrumentId,
    aggressor: OrderSide,
    price: Decimal,
    quantity: Decimal,
  ): void {
    const list = this.resting.get(instrumentId);
    if (!list || list.length === 0) return;
    for (const order of [...list]) {
      if (order.done || order.price === null || order.request.side === aggressor) continue;
      const limit = order.price;
      const through = order.request.side === 'BUY' ? price.lt(limit) : price.gt(limit);
      const at = price.eq(limit);
      if (!through && !at) continue;
      let fillable = quantity;
      if (at) {
        if (order.queueAhead.gte(quantity)) {
          order.queueAhead = order.queueAhead.sub(quantity);
          continue;
        }
        fillable = quantity.sub(order.queueAhead);
      }
      order.queueAhead = ZERO;
      const owner = this.owners(order.ownerId);
      if (!owner) continue;
      this.fill(order, owner, limit, Decimal.min(fillable, order.quantity.sub(order.filled)), 'maker');
    }
  }

  private refreshRestingAgainstBook(instrumentId: InstrumentId): void {
    const list = this.resting.get(instrumentId);
    if (!list || list.length === 0) return;
    for (const order of [...list]) {
      if (order.done || order.price === null) continue;
      const level = this.levelSize(order);
      if (level.lt(order.queueAhead)) order.queueAhead = level;
      const crossing = this.crossingLevels(order);
      if (crossing.length === 0) continue;
      const owner = this.owners(order.ownerId);
      if (!owner) continue;
      // The market moved through our resting price: we would have been hit, at our price, as maker.
      order.queueAhead = ZERO;
      for (const [price, size] of crossing) {
        const remaining = order.quantity.sub(order.filled);
        if (remaining.lte(0)) break;
        const take = Decimal.min(remaining, size);
        this.take(order.instrument, order.request.side, price, take);
        this.fill(order, owner, order.price, take, 'maker');
      }
    }
  }
}
