/**
 * The exchange simulator's OKX market, stepped in-process on a simulated clock: the simulator's own exchange
 * (order books, matching, accounts) and its seeded generator (random-walk mid, background maker ladder, churn,
 * background takers), with no sockets and no timers. After each step it hands out what the public feed would have
 * carried for that step, as the OKX adapter normalizes it: the trades printed during the step (pushed at once by the
 * simulator) followed by the book as of the end of the step (the simulator flushes `books` deltas once per tick;
 * the adapter applies them and emits the whole book).
 */
import { Decimal } from 'decimal.js';
import { BACKGROUND_OWNER, MarketGenerator, OkxExchange, DEFAULT_OKX_INSTRUMENTS, type GeneratorOptions, type OkxInstrumentDef } from '@trading/exchange-sim';
import type { Instrument, InstrumentId } from '../ports/instruments.js';
import type { BookEvent, BookLevel, TradeEvent } from '../ports/market-data.js';

export interface SimMarketOptions {
  seed: number;
  instId: string;
  clock: () => number;
  generator?: GeneratorOptions;
  /**
   * Book the bot sees: 'public' = the simulator's book as published (the bot's own resting orders included, as on a
   * real venue); 'without-own' = the same minus the bot's orders (what a paper bot sees, since its orders are not
   * in the real book). Default 'public'.
   */
  bookView?: 'public' | 'without-own';
  /**
   * Feed granularity: 'books' = the trades of a step, then the book once per step (OKX `books`, 100 ms pushes);
   * 'tick-by-tick' = a book after every order the simulator accepted or cancelled (OKX `books-l2-tbt`), each after
   * the trades that order printed. Default 'books'.
   */
  feed?: 'books' | 'tick-by-tick';
  /**
   * Carry each level's order count (OKX `books` levels have it; the engine's OKX adapter does not keep it yet).
   * Default false: the book as the adapter delivers it.
   */
  orderCounts?: boolean;
}

type FeedEvent = TradeEvent | BookEvent;

/** The simulator's exchange with a hook before every book mutation (where a tick-by-tick feed would push). */
class HookedExchange extends OkxExchange {
  beforeMutation: () => void = () => undefined;

  override placeBackground(...args: Parameters<OkxExchange['placeBackground']>): string {
    this.beforeMutation();
    return super.placeBackground(...args);
  }

  override cancelBackground(...args: Parameters<OkxExchange['cancelBackground']>): void {
    this.beforeMutation();
    super.cancelBackground(...args);
  }

  override placeOrder(...args: Parameters<OkxExchange['placeOrder']>): ReturnType<OkxExchange['placeOrder']> {
    this.beforeMutation();
    return super.placeOrder(...args);
  }

  override cancelOrder(...args: Parameters<OkxExchange['cancelOrder']>): ReturnType<OkxExchange['cancelOrder']> {
    this.beforeMutation();
    return super.cancelOrder(...args);
  }

  override amendOrder(...args: Parameters<OkxExchange['amendOrder']>): ReturnType<OkxExchange['amendOrder']> {
    this.beforeMutation();
    return super.amendOrder(...args);
  }
}

/** The engine's Instrument for a simulator instrument definition (same tick, lot, fees, contract value). */
export function instrumentFromSim(def: OkxInstrumentDef): Instrument {
  const kind = def.instType === 'SPOT' ? 'spot' : def.instType === 'SWAP' ? 'swap' : 'futures';
  return {
    id: `okx:${def.instId}`,
    exchange: 'okx',
    symbol: def.instId,
    kind,
    base: def.baseCcy,
    quote: def.quoteCcy,
    settleCurrency: def.instType === 'SPOT' ? def.quoteCcy : def.settleCcy,
    tickSize: def.tickSz,
    lotSize: def.lotSz,
    minSize: def.minSz,
    contractValue: def.ctVal,
    expiry: def.expTime,
    maxLeverage: def.maxLever,
    makerFeeRate: def.makerFee,
    takerFeeRate: def.takerFee,
  };
}

export function simInstrumentDef(instId: string): OkxInstrumentDef {
  const def = DEFAULT_OKX_INSTRUMENTS.find((candidate) => candidate.instId === instId);
  if (!def) throw new Error(`instId: the simulator does not list ${instId}`);
  return def;
}

const ZERO = new Decimal(0);

export class SimMarket {
  readonly exchange: OkxExchange;
  readonly instrument: Instrument;
  private readonly generator: MarketGenerator;
  private readonly id: InstrumentId;
  private readonly pending: FeedEvent[] = [];
  private sequence = 0;
  /** The book changed since the last book event. */
  private dirty = false;

  constructor(private readonly options: SimMarketOptions) {
    const def = simInstrumentDef(options.instId);
    this.instrument = instrumentFromSim(def);
    this.id = this.instrument.id;
    // Level changes only mark the book dirty: a book event shows the whole book at a push point.
    const exchange = new HookedExchange([def], options.clock, () => {
      this.dirty = true;
    });
    if (options.feed === 'tick-by-tick') {
      exchange.beforeMutation = () => {
        if (this.dirty) this.pending.push(this.bookEvent(options.clock()));
      };
    }
    this.exchange = exchange;
    this.exchange.addListener({
      onOrder: () => undefined,
      onPosition: () => undefined,
      onBalance: () => undefined,
      onTrade: (trade) => {
        this.pending.push({
          type: 'trade',
          instrumentId: this.id,
          tradeId: trade.tradeId,
          price: trade.px,
          quantity: trade.sz,
          side: trade.side === 'buy' ? 'BUY' : 'SELL',
          timestamp: trade.ts,
        });
      },
    });
    // Stable sizes: the market path must not depend on which background orders the bot's fills consumed.
    this.generator = new MarketGenerator(this.exchange, options.seed, { ...options.generator, stableSizes: true }, [options.instId]);
    this.generator.seedBooks();
    this.dirty = false;
  }

  /** The generator's mid (identical in every run of one seed, whatever the bot did). */
  mark(): Decimal {
    return this.exchange.market(this.options.instId)?.mark ?? new Decimal(0);
  }

  /**
   * Feed events since the last call: trades printed by orders placed between steps and, tick-by-tick, the books
   * after them (with the 'books' feed those changes show in the next step's book).
   */
  drainEvents(): FeedEvent[] {
    if (this.options.feed === 'tick-by-tick' && this.dirty) this.pending.push(this.bookEvent(this.options.clock()));
    return this.pending.splice(0, this.pending.length);
  }

  /** One generator step at `now`; returns the step's public feed, in order, ending with the book. */
  step(now: number): FeedEvent[] {
    this.generator.step(now);
    if (this.options.feed !== 'tick-by-tick' || this.dirty) this.pending.push(this.bookEvent(now));
    return this.pending.splice(0, this.pending.length);
  }

  bookEvent(now: number): BookEvent {
    this.dirty = false;
    const book = this.exchange.market(this.options.instId)?.book;
    const own = new Map<string, Decimal>();
    const ownCount = new Map<string, number>();
    if (book && this.options.bookView === 'without-own') {
      for (const order of book.orders()) {
        if (order.owner === BACKGROUND_OWNER) continue;
        const key = `${order.side}:${order.price.toFixed()}`;
        own.set(key, (own.get(key) ?? ZERO).plus(order.remaining));
        ownCount.set(key, (ownCount.get(key) ?? 0) + 1);
      }
    }
    const toLevels = (side: 'buy' | 'sell'): BookLevel[] => {
      if (!book) return [];
      const levels: BookLevel[] = [];
      // With the order count per level, as OKX `books` levels carry it.
      for (const [price, size, count] of book.depth(side)) {
        const key = `${side}:${price.toFixed()}`;
        const mine = own.size === 0 ? undefined : own.get(key);
        const shown = mine === undefined ? size : size.minus(mine);
        if (!shown.gt(0)) continue;
        levels.push(this.options.orderCounts === true ? [price, shown, count - (ownCount.get(key) ?? 0)] : [price, shown]);
      }
      return levels;
    };
    this.sequence += 1;
    return { type: 'book', book: { instrumentId: this.id, bids: toLevels('buy'), asks: toLevels('sell'), timestamp: now, sequence: this.sequence }, resynced: false };
  }
}
