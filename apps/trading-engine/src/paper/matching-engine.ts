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
 *   that shrinks its level shrinks the queue ahead: by default all cancellations are assumed ahead of us; the
 *   probabilistic queueModel spreads them over the queue (and reads order counts). A book that crosses its price
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
import { ONE, ZERO, compareDecimals, isPositive } from '../core/decimal.js';

export interface SimOrder {
  readonly request: OrderRequest;
  readonly instrument: Instrument;
  readonly ownerId: string;
  price: Decimal | null;
  quantity: Decimal;
  filled: Decimal;
  /** Size ahead of this order at its price level (resting orders only). */
  queueAhead: Decimal;
  /** Displayed size of its level (without paper orders) at the last book the queue was estimated from. */
  queueLevel: Decimal;
  /** Trade quantity printed at its price since then that came off the displayed queue ahead of it. */
  queueTraded: Decimal;
  /** Order count of its level at that book, when the feed carries counts (BookLevel's third element). */
  queueOrders: number | undefined;
  /** Index of its price level in the last book it was looked up in: usually still there on the next update. */
  levelHint: number;
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
  /**
   * How public trade prints fill resting paper orders (docs/paper-trading.md, "Trade prints"):
   * - 'per-order' (default, the historical model): every resting order sees the whole print on its own, so two
   *   paper orders can both fill from one print, and an order filled "through" its price by one print of a sweep
   *   does not reduce what the sweep's later prints give the others;
   * - 'shared': a print's quantity is shared by the resting paper orders in the aggressor's priority (better price
   *   first, then arrival), and what orders took through their price is taken off the same sweep's later prints
   *   (the aggressor would have stopped that much earlier). Measured closer to a real matching engine
   *   (npm run fidelity).
   */
  printAllocation?: 'per-order' | 'shared';
  /**
   * How long displayed liquidity taken by paper orders stays taken (the feed never shows a paper order's impact):
   * 'next-book' (default, the historical model) forgets it at the next book update; 'while-shown' keeps it, capped
   * at the level's displayed size, until the level disappears — so a resting quote that crosses paper orders over
   * several updates is not taken twice.
   */
  liquidityMemory?: 'next-book' | 'while-shown';
  /**
   * Where size that leaves a resting order's level without a trade (cancellations) is assumed to have been
   * (docs/paper-trading.md, "Queue position"):
   * - 'ahead' (default, the historical, pessimistic model): all of it ahead of the order, so the queue ahead only
   *   shrinks to the level's size;
   * - 'power': spread over the queue in proportion to f(x) = x^k of the size ahead and behind (k =
   *   `queueExponent`, default 2) — hftbacktest's ProbQueueModel with its power function;
   * - 'log': the same with f(x) = ln(1 + x).
   * 'power' and 'log' also read per-level order counts when the book carries them: a level that kept its order
   * count but grew without a trade had one of its n orders re-entered larger (an amend up or a cancel-and-replace;
   * both lose priority), which moves the order forward by ahead/n in expectation.
   */
  queueModel?: QueueModel;
  /** Exponent k of queueModel 'power'; default 2. */
  queueExponent?: number;
  /**
   * Replaces the feed cannot show (docs/paper-trading.md, "Hidden replaces"), read by 'power' and 'log' when the
   * book carries order counts. An order ahead of us that is cancelled and re-entered at the same price and the
   * same size within one book update leaves the level's size and count as they were, yet it lost its priority.
   * 'estimate' (default): such a replace is assumed to have happened at an update that changed nothing, with the
   * probability the feed itself suggests — the rate of the replaces it does show (same count, another size, no
   * trade) times the odds that a replacement has the same size, from the sizes of single-order levels; drawn per
   * order and update from a hash of both, so a run is reproducible. 'off': an unchanged level changes nothing.
   */
  hiddenReplaces?: 'estimate' | 'off';
  /**
   * A print whose aggressor is on a resting order's own side, at or through its price (docs/paper-trading.md,
   * "Crossed prints"), read by 'power' and 'log': a buyer took an ask at or below our resting bid, so that ask rested
   * where it crossed our bid — on the venue it would have traded with our bid when it arrived. 'fill' (default):
   * the order fills as maker at its price, up to the print's size; 'ignore': such a print is skipped.
   */
  crossedPrints?: 'fill' | 'ignore';
  /**
   * How maker fills from one aggressor's prints (same instrument, timestamp and aggressor side) are reported, read
   * by 'power' and 'log' (docs/paper-trading.md, "One taker, one fill"): 'per-taker' (default) reports an order's
   * fills from one sweep as one fill, once the sweep is over (at the next market event or time step), as a venue
   * reports one taker order matching one resting order; 'per-print' reports every print's fill at once.
   */
  sweepFills?: 'per-taker' | 'per-print';
}

export type QueueModel = 'ahead' | 'power' | 'log';

/** What an unset MatchingConfig option means (one place: the fidelity report labels its runs with these). */
export const DEFAULT_MATCHING = {
  printAllocation: 'per-order',
  liquidityMemory: 'next-book',
  queueModel: 'ahead',
  queueExponent: 2,
  hiddenReplaces: 'estimate',
  crossedPrints: 'fill',
  sweepFills: 'per-taker',
} as const satisfies Required<Pick<MatchingConfig, 'printAllocation' | 'liquidityMemory' | 'queueModel' | 'queueExponent' | 'hiddenReplaces' | 'crossedPrints' | 'sweepFills'>>;

/**
 * What book updates at resting paper orders' levels showed (one instrument), for the hidden-replace estimate: among
 * the updates that kept a level's order count without a trade, how many changed its size (a replace the feed shows)
 * and how many changed nothing; and the sizes of single-order levels (the size distribution of one order).
 */
interface ReplaceStats {
  visible: number;
  quiet: number;
  /**
   * The same two counts per level rank (0 = the best level of its side, the last slot = that rank or deeper):
   * makers replace near the touch far more often than deeper in the book, and a pooled rate under-estimates the
   * replaces exactly where resting orders fill.
   */
  visibleAt: number[];
  quietAt: number[];
  sizes: Map<string, number>;
  samples: number;
  /** Σ c·(c − 1) over the size counts c: pairs of samples with equal sizes, kept incrementally. */
  equalPairs: number;
}

/**
 * Updates (visible + quiet) and size samples needed before a hidden replace is ever assumed; a rank's own rate is
 * used once that rank has MIN_REPLACE_OBSERVATIONS updates, the instrument's pooled rate until then.
 */
const MIN_REPLACE_OBSERVATIONS = 100;
/** Level ranks with a rate of their own (0 … REPLACE_RANKS − 2); deeper levels share the last one. */
const REPLACE_RANKS = 10;
const MIN_SIZE_SAMPLES = 20;
/** Distinct sizes remembered; rarer ones still count as samples (they add no equal pairs, as a rare size would not). */
const MAX_SIZE_KEYS = 1000;

/** The prints of one aggressor order so far: same instrument, timestamp and aggressor side. */
interface Sweep {
  timestamp: number;
  aggressor: OrderSide;
  /** Quantity paper orders took through their price, still to be taken off this sweep's later prints. */
  displaced: Decimal;
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
  /** printAllocation 'shared': the current sweep per instrument. */
  private readonly sweeps = new Map<InstrumentId, Sweep>();

  constructor(
    private readonly config: MatchingConfig,
    private readonly books: BookSource,
    private readonly owners: (ownerId: string) => MatchOwner | undefined,
  ) {
    const exponent = config.queueExponent;
    if (exponent !== undefined && !(Number.isFinite(exponent) && exponent > 0))
      throw new Error(`queueExponent: expected a positive number, got ${String(exponent)}`);
    if (config.queueModel !== undefined && !['ahead', 'power', 'log'].includes(config.queueModel))
      throw new Error(`queueModel: expected ahead, power or log, got "${config.queueModel}"`);
    this.queueExponent = new Decimal(exponent ?? DEFAULT_MATCHING.queueExponent);
    this.printAllocation = config.printAllocation ?? DEFAULT_MATCHING.printAllocation;
    this.liquidityMemory = config.liquidityMemory ?? DEFAULT_MATCHING.liquidityMemory;
    this.queueModel = config.queueModel ?? DEFAULT_MATCHING.queueModel;
    const hidden: string = config.hiddenReplaces ?? DEFAULT_MATCHING.hiddenReplaces;
    // Configs come from env vars and JSON as well: refuse a misspelt value instead of reading it as 'off'.
    if (!['estimate', 'off'].includes(hidden)) throw new Error(`hiddenReplaces: expected estimate or off, got "${hidden}"`);
    this.hiddenReplaces = hidden === 'estimate';
    const crossed: string = config.crossedPrints ?? DEFAULT_MATCHING.crossedPrints;
    if (!['fill', 'ignore'].includes(crossed)) throw new Error(`crossedPrints: expected fill or ignore, got "${crossed}"`);
    const sweepFills: string = config.sweepFills ?? DEFAULT_MATCHING.sweepFills;
    if (!['per-taker', 'per-print'].includes(sweepFills))
      throw new Error(`sweepFills: expected per-taker or per-print, got "${sweepFills}"`);
    // Both read the feed beyond the historical model: only with the probabilistic queue models, so 'ahead' (the
    // backtests' model) keeps its results.
    const probabilistic = this.queueModel !== 'ahead';
    this.crossedPrints = probabilistic && crossed === 'fill';
    this.mergeSweepFills = probabilistic && sweepFills === 'per-taker';
  }

  private readonly queueExponent: Decimal;
  private readonly printAllocation: 'per-order' | 'shared';
  private readonly liquidityMemory: 'next-book' | 'while-shown';
  private readonly queueModel: QueueModel;
  private readonly hiddenReplaces: boolean;
  private readonly crossedPrints: boolean;
  private readonly mergeSweepFills: boolean;
  /** sweepFills 'per-taker': the current aggressor (instrument, timestamp, side) and its maker fills not reported yet. */
  private sweepFillKey: string | null = null;
  private sweepFillTime = Infinity;
  private sweepFillsPending: { order: SimOrder; owner: MatchOwner; price: Decimal; quantity: Decimal }[] = [];
  private readonly replaceStats = new Map<InstrumentId, ReplaceStats>();

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
    // The venue advances before every market event: a print of the same sweep (same time) keeps the sweep open.
    if (now > this.sweepFillTime || (this.pending[0]?.at ?? Infinity) <= now) this.reportSweepFills();
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
    if (this.mergeSweepFills) {
      const key = `${trade.instrumentId}|${String(trade.timestamp)}|${trade.side}`;
      if (key !== this.sweepFillKey) {
        this.reportSweepFills();
        this.sweepFillKey = key;
        this.sweepFillTime = trade.timestamp;
      }
    }
    if (this.printAllocation === 'shared') {
      this.tradeAgainstShared(trade.instrumentId, trade.side, trade.price, trade.quantity, trade.timestamp);
      const complementShared = complementId(instrument);
      if (complementShared !== null)
        this.tradeAgainstShared(complementShared, opposite(trade.side), ONE.sub(trade.price), trade.quantity, trade.timestamp);
      return;
    }
    this.tradeAgainst(trade.instrumentId, trade.side, trade.price, trade.quantity);
    const complement = complementId(instrument);
    if (complement !== null)
      this.tradeAgainst(complement, opposite(trade.side), ONE.sub(trade.price), trade.quantity);
  }

  /** A book update: shrink queues, fill resting orders the book now crosses. */
  onBook(instrument: Instrument): void {
    this.reportSweepFills();
    this.refreshRestingAgainstBook(instrument.id);
    const complement = complementId(instrument);
    if (complement !== null) this.refreshRestingAgainstBook(complement);
  }

  /** Removes every resting or pending order of one instrument (settlement, liquidation). */
  cancelInstrument(instrumentId: InstrumentId, ownerId: string | null, reason: string): void {
    this.reportSweepFills();
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
          if (op.quantity.gt(order.quantity)) this.joinQueue(order);
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
      if (compareDecimals(remaining, ZERO) <= 0) break;
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
    this.joinQueue(order);
    const list = this.resting.get(order.instrument.id) ?? [];
    list.push(order);
    this.resting.set(order.instrument.id, list);
    owner.onStatus(order, 'OPEN');
  }

  private fill(order: SimOrder, owner: MatchOwner, price: Decimal, quantity: Decimal, role: FillRole): void {
    if (compareDecimals(quantity, ZERO) <= 0) return;
    order.filled = order.filled.add(quantity);
    if (compareDecimals(order.filled, order.quantity) >= 0) {
      order.done = true;
      this.removeResting(order);
    }
    owner.onFill(order, price, quantity, role);
  }

  /**
   * A maker fill from an aggressor's print. sweepFills 'per-taker': the quantity is booked on the order at once (so
   * the sweep's later prints see what is left) and reported once the sweep is over, added to the order's earlier
   * fill from the same sweep — one taker order matched the resting order once.
   */
  private fillFromSweep(order: SimOrder, owner: MatchOwner, price: Decimal, quantity: Decimal): void {
    if (!this.mergeSweepFills) {
      this.fill(order, owner, price, quantity, 'maker');
      return;
    }
    if (compareDecimals(quantity, ZERO) <= 0) return;
    order.filled = order.filled.add(quantity);
    if (compareDecimals(order.filled, order.quantity) >= 0) {
      order.done = true;
      this.removeResting(order);
    }
    // Maker fills are at the order's own price, so one sweep's fills of one order merge into one at that price.
    const earlier = this.sweepFillsPending.find((pending) => pending.order === order);
    if (earlier) earlier.quantity = earlier.quantity.add(quantity);
    else this.sweepFillsPending.push({ order, owner, price, quantity });
  }

  /** Whether maker fills of the current sweep are held, not yet reported (sweepFills 'per-taker'). */
  holdsSweepFills(): boolean {
    return this.sweepFillsPending.length > 0;
  }

  /**
   * Declares the current sweep over and reports its held fills, for a venue on the wall clock that knows the
   * aggressor's prints were all delivered (PaperVenueConfig.sweepClose 'next-tick'). A later print with the same
   * key starts a new sweep.
   */
  endSweep(): void {
    this.reportSweepFills();
  }

  /** Reports the maker fills held for the current sweep (sweepFills 'per-taker'), in the order they happened. */
  private reportSweepFills(): void {
    this.sweepFillKey = null;
    this.sweepFillTime = Infinity;
    if (this.sweepFillsPending.length === 0) return;
    // Swapped out first: an owner's fill handling may cancel orders (a liquidation), which reports again.
    const pending = this.sweepFillsPending;
    this.sweepFillsPending = [];
    for (const { order, owner, price, quantity } of pending) owner.onFill(order, price, quantity, 'maker');
  }

  /**
   * crossedPrints: a print by an aggressor on the order's own side at or through its price (a buyer at or below our
   * bid) took liquidity that rested where it crossed our order. On the venue that liquidity would have traded with
   * our resting order when it arrived — as its taker, so we are the maker, at our price — up to at least the size
   * the print shows. Nothing was ahead of us: any better-priced opposite order would have traded with it first.
   */
  private fillCrossedByPrint(order: SimOrder, aggressor: OrderSide, price: Decimal, quantity: Decimal): void {
    if (order.price === null) return;
    const diff = compareDecimals(price, order.price);
    if (aggressor === 'BUY' ? diff > 0 : diff < 0) return;
    const owner = this.owners(order.ownerId);
    if (!owner) return;
    order.queueAhead = ZERO;
    this.fill(order, owner, order.price, Decimal.min(quantity, order.quantity.sub(order.filled)), 'maker');
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
      if (limit !== null && (side === 'BUY' ? compareDecimals(price, limit) > 0 : compareDecimals(price, limit) < 0))
        break;
      const available = size.sub(this.takenAt(order.instrument.id, price));
      if (isPositive(available)) result.push([price, available]);
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
    const limit = order.price;
    if (limit === null) return ZERO;
    const buy = order.request.side === 'BUY';
    if (complementId(order.instrument) === null)
      return sizeAt(this.books(order.instrument.id)?.[buy ? 'bids' : 'asks'] ?? NO_LEVELS, order, limit, buy);
    const levels = this.sideLevels(order.instrument, buy ? 'bids' : 'asks');
    for (const [price, size] of levels) if (compareDecimals(price, limit) === 0) return size;
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
      const previous = entry?.taken;
      entry = { book, sequence: book?.sequence ?? -1, timestamp: book?.timestamp ?? -1, taken: new Map() };
      if (this.liquidityMemory === 'while-shown' && previous !== undefined && book !== undefined) {
        for (const [key, quantity] of previous) {
          const shown = displayedAt(book, key);
          if (isPositive(shown)) entry.taken.set(key, Decimal.min(quantity, shown));
        }
      }
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

  /** The order joins the back of its level's queue: everything displayed there is ahead of it. */
  private joinQueue(order: SimOrder): void {
    const level = this.levelSize(order);
    order.queueAhead = level;
    order.queueLevel = level;
    order.queueTraded = ZERO;
    // Only the probabilistic models read counts: the default keeps its one lookup per arrival.
    order.queueOrders = this.queueModel === 'ahead' ? undefined : this.levelOrders(order);
  }

  /** The order count of the order's level, when the book carries counts (never for merged Polymarket levels). */
  private levelOrders(order: SimOrder): number | undefined {
    if (order.price === null || complementId(order.instrument) !== null) return undefined;
    const buy = order.request.side === 'BUY';
    const level = levelAt(this.books(order.instrument.id)?.[buy ? 'bids' : 'asks'] ?? NO_LEVELS, order, order.price, buy);
    return level?.length === 3 ? level[2] : undefined;
  }

  /**
   * A book update shows `level` at the order's price. What left the level since the last update beyond the prints
   * that ate the queue ahead (`cancelled`) was cancelled somewhere in the queue; queueModel says where. New size
   * joins behind us, so growth never moves us back. With 'power'/'log' (hftbacktest's ProbQueueModel) the part ahead
   * is cancelled·f(ahead)/(f(ahead) + f(behind)); what exceeds the size behind must have been ahead too. The estimate
   * is rounded up to a lot, so fills stay whole lots, and never exceeds the level.
   */
  private updateQueue(order: SimOrder, level: Decimal): void {
    const model = this.queueModel;
    if (model === 'ahead') {
      if (compareDecimals(level, order.queueAhead) < 0) order.queueAhead = level;
      return;
    }
    const previous = order.queueLevel;
    const traded = order.queueTraded;
    const previousOrders = order.queueOrders;
    const orders = this.levelOrders(order);
    order.queueLevel = level;
    order.queueTraded = ZERO;
    order.queueOrders = orders;
    const ahead = order.queueAhead;
    const cancelled = previous.sub(traded).sub(level);
    if (orders !== undefined && orders > 0 && orders === previousOrders && traded.isZero()) {
      const stats = this.replaceStatsFor(order.instrument.id);
      // levelOrders just found the level: levelHint is its rank in this book's side (0 = the best).
      const rank = Math.min(order.levelHint, REPLACE_RANKS - 1);
      if (orders === 1) addSizeSample(stats, level);
      if (compareDecimals(level, previous) !== 0) {
        // Same number of orders, another size, no trade: none left and none joined, so one of the n was resized —
        // and a resized order goes to the back of the queue (OKX amends a size up that way, and makers resize by
        // cancel + new order), so on average 1/n of what was ahead is now behind us. Measured in
        // docs/paper-trading.md.
        stats.visible += 1;
        stats.visibleAt[rank] = (stats.visibleAt[rank] ?? 0) + 1;
        this.setQueueEstimate(order, ahead.sub(ahead.div(orders)), level);
        return;
      }
      // Nothing changed — or one of the n was replaced at its own size, which the feed cannot show.
      stats.quiet += 1;
      stats.quietAt[rank] = (stats.quietAt[rank] ?? 0) + 1;
      if (this.hiddenReplaces && this.hiddenReplaceDrawn(order, stats, rank))
        this.setQueueEstimate(order, ahead.sub(ahead.div(orders)), level);
      return;
    }
    if (orders !== undefined && orders > 0 && orders === previousOrders && !cancelled.isZero()) {
      // The same with a trade at the level: the prints took `traded` off the queue ahead, yet the level is not what
      // they left, at an unchanged count — one of the n was resized as well, and is behind us now whether that
      // happened before or after the prints.
      this.setQueueEstimate(order, ahead.sub(ahead.div(orders)), level);
      return;
    }
    if (!isPositive(cancelled) || ahead.isZero()) {
      if (compareDecimals(level, ahead) < 0) order.queueAhead = level;
      return;
    }
    const behind = Decimal.max(ZERO, previous.sub(traded).sub(ahead));
    const weightAhead = this.queueWeight(ahead, model);
    const weightBehind = this.queueWeight(behind, model);
    const total = weightAhead.add(weightBehind);
    const cancelledAhead = total.isZero() ? cancelled : cancelled.mul(weightAhead).div(total);
    const beyondBehind = Decimal.max(ZERO, cancelled.sub(cancelledAhead).sub(behind));
    this.setQueueEstimate(order, ahead.sub(cancelledAhead).sub(beyondBehind), level);
  }

  private replaceStatsFor(instrumentId: InstrumentId): ReplaceStats {
    let stats = this.replaceStats.get(instrumentId);
    if (!stats) {
      stats = { visible: 0, quiet: 0, visibleAt: [], quietAt: [], sizes: new Map(), samples: 0, equalPairs: 0 };
      this.replaceStats.set(instrumentId, stats);
    }
    return stats;
  }

  /**
   * Was one of the orders at this unchanged level replaced at its own size since the last book? A replace shows as
   * a size change at an unchanged count with probability 1 − q and hides with probability q, q = the chance that
   * two orders have the same size (Σ p², estimated without bias from the size samples). So per quiet update
   * P(hidden) ≈ (visible / quiet) · q / (1 − q), with visible / quiet counted at the level's rank (the rate of
   * replaces falls with the distance from the touch; the pooled rate until the rank has enough updates). The draw
   * is all or nothing, like the event: an expected-value shift would leave a fraction of a lot ahead and turn one
   * full fill into many tiny ones.
   */
  private hiddenReplaceDrawn(order: SimOrder, stats: ReplaceStats, rank: number): boolean {
    if (stats.visible === 0 || stats.visible + stats.quiet < MIN_REPLACE_OBSERVATIONS || stats.samples < MIN_SIZE_SAMPLES)
      return false;
    const q = stats.equalPairs / (stats.samples * (stats.samples - 1));
    const visibleAt = stats.visibleAt[rank] ?? 0;
    const quietAt = stats.quietAt[rank] ?? 0;
    const ranked = visibleAt + quietAt >= MIN_REPLACE_OBSERVATIONS && quietAt > 0;
    const visible = ranked ? visibleAt : stats.visible;
    const quiet = ranked ? quietAt : stats.quiet;
    const probability = q >= 1 ? 1 : Math.min(1, (visible / quiet) * (q / (1 - q)));
    if (probability <= 0) return false;
    const book = this.books(order.instrument.id);
    return unitHash(`${order.ownerId}|${order.request.clientOrderId}|${String(book?.timestamp ?? 0)}|${String(book?.sequence ?? 0)}`) < probability;
  }

  /** An estimated queue ahead, rounded up to a lot (fills stay whole lots; never optimistic), within [0, level]. */
  private setQueueEstimate(order: SimOrder, estimate: Decimal, level: Decimal): void {
    let rounded = Decimal.max(ZERO, estimate);
    const lot = order.instrument.lotSize;
    if (isPositive(lot)) rounded = rounded.div(lot).toDecimalPlaces(0, Decimal.ROUND_UP).mul(lot);
    order.queueAhead = Decimal.min(rounded, level, order.queueAhead);
  }

  private queueWeight(size: Decimal, model: 'power' | 'log'): Decimal {
    return model === 'log' ? size.add(ONE).ln() : size.pow(this.queueExponent);
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
      if (order.done || order.price === null) continue;
      if (order.request.side === aggressor) {
        if (this.crossedPrints) this.fillCrossedByPrint(order, aggressor, price, quantity);
        continue;
      }
      const limit = order.price;
      const diff = compareDecimals(price, limit);
      const through = order.request.side === 'BUY' ? diff < 0 : diff > 0;
      const at = diff === 0;
      if (!through && !at) continue;
      let fillable = quantity;
      if (at) {
        if (compareDecimals(order.queueAhead, quantity) >= 0) {
          order.queueAhead = order.queueAhead.sub(quantity);
          // Only the probabilistic models read it; the default skips the allocation on this hot path.
          if (this.queueModel !== 'ahead') order.queueTraded = order.queueTraded.add(quantity);
          continue;
        }
        fillable = quantity.sub(order.queueAhead);
      }
      order.queueAhead = ZERO;
      const owner = this.owners(order.ownerId);
      if (!owner) continue;
      this.fillFromSweep(order, owner, limit, Decimal.min(fillable, order.quantity.sub(order.filled)));
    }
  }

  /**
   * printAllocation 'shared': one print is a budget for all resting paper orders. Orders priced through the print
   * (better for the aggressor) come first, best price first, and share the print; each unit they take displaces a
   * unit of the sweep's later prints. Orders at the print's price share it after their queue ahead: the print
   * covers the displayed queue ahead first, then our orders in arrival order (their fills replace size behind them
   * at the same price, so nothing is displaced).
   */
  private tradeAgainstShared(
    instrumentId: InstrumentId,
    aggressor: OrderSide,
    price: Decimal,
    quantity: Decimal,
    timestamp: number,
  ): void {
    let sweep = this.sweeps.get(instrumentId);
    if (sweep?.timestamp !== timestamp || sweep.aggressor !== aggressor) {
      sweep = { timestamp, aggressor, displaced: ZERO };
      this.sweeps.set(instrumentId, sweep);
    }
    const list = this.resting.get(instrumentId);
    if (!list || list.length === 0) return;
    const offset = Decimal.min(sweep.displaced, quantity);
    sweep.displaced = sweep.displaced.sub(offset);
    const print = quantity.sub(offset);
    if (!isPositive(print)) return;
    const through: SimOrder[] = [];
    const at: SimOrder[] = [];
    for (const order of [...list]) {
      if (order.done || order.price === null) continue;
      if (order.request.side === aggressor) {
        if (this.crossedPrints) this.fillCrossedByPrint(order, aggressor, price, print);
        continue;
      }
      const diff = compareDecimals(price, order.price);
      if (diff === 0) at.push(order);
      else if (order.request.side === 'BUY' ? diff < 0 : diff > 0) through.push(order);
    }
    // Aggressor priority: the best-priced resting order first (stable sort keeps arrival order at one price).
    through.sort((a, b) => {
      const cmp = compareDecimals(a.price ?? ZERO, b.price ?? ZERO);
      return a.request.side === 'BUY' ? -cmp : cmp;
    });
    let budget = print;
    for (const order of through) {
      if (!isPositive(budget)) break;
      const owner = this.owners(order.ownerId);
      if (!owner || order.price === null) continue;
      const take = Decimal.min(budget, order.quantity.sub(order.filled));
      order.queueAhead = ZERO;
      budget = budget.sub(take);
      sweep.displaced = sweep.displaced.add(take);
      this.fillFromSweep(order, owner, order.price, take);
    }
    let takenAt = ZERO;
    for (const order of at) {
      if (order.done || order.price === null) continue;
      const fillable = print.sub(order.queueAhead).sub(takenAt);
      if (this.queueModel !== 'ahead') order.queueTraded = order.queueTraded.add(Decimal.min(order.queueAhead, print));
      order.queueAhead = Decimal.max(ZERO, order.queueAhead.sub(print));
      if (!isPositive(fillable)) continue;
      const owner = this.owners(order.ownerId);
      if (!owner) continue;
      const take = Decimal.min(fillable, order.quantity.sub(order.filled));
      takenAt = takenAt.add(take);
      this.fillFromSweep(order, owner, order.price, take);
    }
  }

  private refreshRestingAgainstBook(instrumentId: InstrumentId): void {
    const list = this.resting.get(instrumentId);
    const first = list?.[0];
    if (!list || first === undefined) return;
    // Without a complement (everything but Polymarket) an order only sees its own book: read its sides once.
    const own = complementId(first.instrument) === null ? this.books(instrumentId) : null;
    const bids = own?.bids ?? NO_LEVELS;
    const asks = own?.asks ?? NO_LEVELS;
    for (let index = 0; index < list.length; index += 1) {
      const order = list[index];
      if (order === undefined || order.done || order.price === null) continue;
      const buy = order.request.side === 'BUY';
      // A level never has negative size, so an order at the front of its queue has nothing to shrink.
      if (!order.queueAhead.isZero()) {
        const level = own === null ? this.levelSize(order) : sizeAt(buy ? bids : asks, order, order.price, buy);
        this.updateQueue(order, level);
      }
      if (own !== null) {
        // The common case, answered from one level: the opposite touch is on the far side of our price.
        const touch = (buy ? asks : bids)[0];
        if (touch === undefined) continue;
        const diff = compareDecimals(touch[0], order.price);
        if (buy ? diff > 0 : diff < 0) continue;
      }
      // Fills remove orders from the list (and a liquidation cancels more): go on over a copy of the rest.
      this.fillCrossedResting(list.slice(index));
      return;
    }
  }

  /** Fills `orders[0]` against the book if it crosses, then shrinks and fills the others as the loop above. */
  private fillCrossedResting(orders: SimOrder[]): void {
    for (const [position, order] of orders.entries()) {
      if (order.done || order.price === null) continue;
      if (position > 0 && !order.queueAhead.isZero()) this.updateQueue(order, this.levelSize(order));
      const crossing = this.crossingLevels(order);
      if (crossing.length === 0) continue;
      const owner = this.owners(order.ownerId);
      if (!owner) continue;
      // The market moved through our resting price: we would have been hit, at our price, as maker.
      order.queueAhead = ZERO;
      for (const [price, size] of crossing) {
        const remaining = order.quantity.sub(order.filled);
        if (compareDecimals(remaining, ZERO) <= 0) break;
        const take = Decimal.min(remaining, size);
        this.take(order.instrument, order.request.side, price, take);
        this.fill(order, owner, order.price, take, 'maker');
      }
    }
  }
}

const NO_LEVELS: readonly BookLevel[] = [];

function addSizeSample(stats: ReplaceStats, size: Decimal): void {
  stats.samples += 1;
  const key = size.toFixed();
  const count = stats.sizes.get(key);
  if (count !== undefined) {
    stats.equalPairs += 2 * count;
    stats.sizes.set(key, count + 1);
  } else if (stats.sizes.size < MAX_SIZE_KEYS) stats.sizes.set(key, 1);
}

/** A uniform number in [0, 1) from a string: FNV-1a, then a mulberry32 finalizer (reproducible, no shared stream). */
function unitHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  let t = (hash + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Size displayed at a price (`toFixed()` key) on either side of a book (an uncrossed book has it on one side). */
function displayedAt(book: OrderBookView, key: string): Decimal {
  for (const side of [book.bids, book.asks])
    for (const [price, size] of side) if (price.toFixed() === key) return size;
  return ZERO;
}

/**
 * Size shown at the order's price `limit` on one side of a book, zero if no level is there. Levels are sorted best
 * first with one level per price (OrderBookView): the level found last time is tried first, else the scan stops
 * once past the price.
 */
function sizeAt(levels: readonly BookLevel[], order: SimOrder, limit: Decimal, bids: boolean): Decimal {
  return levelAt(levels, order, limit, bids)?.[1] ?? ZERO;
}

/** The level at the order's price `limit` (see sizeAt), undefined if none. */
function levelAt(levels: readonly BookLevel[], order: SimOrder, limit: Decimal, bids: boolean): BookLevel | undefined {
  const hinted = levels[order.levelHint];
  if (hinted !== undefined && compareDecimals(hinted[0], limit) === 0) return hinted;
  for (let index = 0; index < levels.length; index += 1) {
    const level = levels[index];
    if (level === undefined) break;
    const diff = compareDecimals(level[0], limit);
    if (diff === 0) {
      order.levelHint = index;
      return level;
    }
    if (bids ? diff < 0 : diff > 0) return undefined;
  }
  return undefined;
}
