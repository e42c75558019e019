/**
 * A simulated venue for paper trading and backtests: one matching engine plus the venue-level state every paper
 * account shares (mark prices, the funding schedule), fed by a MarketDataPort (real or in-memory feeds). Accounts
 * (PaperExecution, one per bot or wallet) implement the ExecutionPort on top of it.
 *
 * Time is whatever the clock says; nothing here uses wall-clock timers. Each market event first advances the venue
 * to the event's time (latency-delayed orders arrive, funding falls due), then matches, then lets the accounts
 * react (marks → liquidation, resolution → settlement).
 */
import { Decimal } from 'decimal.js';
import type { Clock } from '../ports/clock.js';
import type { Instrument, InstrumentId, InstrumentsPort } from '../ports/instruments.js';
import type { MarketDataPort, MarketEvent, OrderBookView, Subscription } from '../ports/market-data.js';
import { TWO } from './constants.js';
import { compareDecimals } from '../core/decimal.js';
import { MatchingEngine, complementId, type MatchingConfig, type MatchOwner } from './matching-engine.js';
import type { FeeModel } from './fee-model.js';

export interface PaperVenueConfig extends MatchingConfig {
  /** Maintenance margin rate per instrument (OKX tier 1 of the position-tiers table); default 0.005. */
  maintenanceMarginRate?: (instrument: Instrument) => Decimal;
  /** Fee model per instrument; default: notional fees for OKX, the Polymarket curve for Polymarket. */
  feeModel?: (instrument: Instrument) => FeeModel;
  /**
   * When a sweep's held fills (MatchingConfig.sweepFills 'per-taker') are reported. 'next-event' (default): at the
   * next market event or time step — deterministic, for backtests and the fidelity runs on a simulated clock.
   * 'next-tick': also on the event loop's next turn after the print (setImmediate), for the engine on the wall clock:
   * a venue delivers one aggressor's prints in one message, so once that message is handled the sweep is over, and a
   * quiet market (a Polymarket outcome can go minutes without an update) must not hold a fill until its next event.
   */
  sweepClose?: 'next-event' | 'next-tick';
}

/** What the venue tells an account about the market. */
export interface VenueListener extends MatchOwner {
  readonly id: string;
  onMark(instrumentId: InstrumentId, mark: Decimal): void;
  onFundingDue(instrumentId: InstrumentId, rate: Decimal, mark: Decimal, time: number): void;
  onResolved(instrumentId: InstrumentId, price: Decimal): void;
}

interface FundingSchedule {
  rate: Decimal;
  nextFundingTime: number;
}

export class PaperVenue {
  readonly matching: MatchingEngine;
  private readonly accounts = new Map<string, VenueListener>();
  /** Accounts with an order or a position per instrument: only they get that instrument's marks. */
  private readonly interested = new Map<InstrumentId, Set<VenueListener>>();
  private readonly marks = new Map<InstrumentId, Decimal>();
  private readonly hasMarkFeed = new Set<InstrumentId>();
  private readonly funding = new Map<InstrumentId, FundingSchedule>();
  private readonly watched = new Map<InstrumentId, Subscription[]>();
  private readonly books = new Map<InstrumentId, OrderBookView>();
  /** The touch the last book mid was computed from: most book updates leave the touch where it was. */
  private readonly lastTouch = new Map<InstrumentId, { bid: Decimal; ask: Decimal; mid: Decimal }>();

  constructor(
    readonly marketData: MarketDataPort,
    readonly instruments: InstrumentsPort,
    readonly clock: Clock,
    readonly config: PaperVenueConfig,
  ) {
    // The venue keeps its own copy of each book, updated only after it advanced to the event's time: an order that
    // arrives (after latency) before a book update matches the book it would really have met.
    this.matching = new MatchingEngine(
      config,
      (id) => this.books.get(id),
      (ownerId) => this.accounts.get(ownerId),
    );
  }

  register(account: VenueListener): void {
    this.accounts.set(account.id, account);
  }

  unregister(account: VenueListener): void {
    this.accounts.delete(account.id);
    for (const set of this.interested.values()) set.delete(account);
  }

  /** Marks an account as interested in an instrument (it has an order or a position there). */
  follow(account: VenueListener, instrumentId: InstrumentId): void {
    let set = this.interested.get(instrumentId);
    if (!set) {
      set = new Set();
      this.interested.set(instrumentId, set);
    }
    set.add(account);
    this.watch([instrumentId]);
  }

  /**
   * Subscribes the venue to the instruments' feeds (and their Polymarket complements). Call it before bots
   * subscribe, so the venue matches an event before any strategy sees it (no look-ahead).
   */
  watch(instrumentIds: readonly InstrumentId[]): void {
    for (const id of instrumentIds) {
      const instrument = this.instruments.getInstrument(id);
      const ids = [id];
      const complement = instrument ? complementId(instrument) : null;
      if (complement !== null) ids.push(complement);
      for (const target of ids) {
        if (this.watched.has(target)) continue;
        const current = this.marketData.getOrderBook(target);
        if (current) this.books.set(target, current);
        const handler = (event: MarketEvent): void => {
          this.onMarketEvent(event);
        };
        this.watched.set(
          target,
          (['book', 'trade', 'mark-price', 'funding', 'market-resolved'] as const).map((channel) =>
            this.marketData.watch(target, channel, handler),
          ),
        );
      }
    }
  }

  close(): void {
    for (const subs of this.watched.values()) for (const sub of subs) sub.unsubscribe();
    this.watched.clear();
    if (this.sweepCloseTimer !== null) clearImmediate(this.sweepCloseTimer);
    this.sweepCloseTimer = null;
  }

  /** sweepClose 'next-tick': the turn that reports the held sweep fills, while one is scheduled. */
  private sweepCloseTimer: NodeJS.Immediate | null = null;

  private scheduleSweepClose(): void {
    if (this.sweepCloseTimer !== null || !this.matching.holdsSweepFills()) return;
    this.sweepCloseTimer = setImmediate(() => {
      this.sweepCloseTimer = null;
      this.matching.endSweep();
    });
  }

  /** The book as the venue currently sees it. */
  orderBook(instrumentId: InstrumentId): OrderBookView | undefined {
    return this.books.get(instrumentId);
  }

  markPrice(instrumentId: InstrumentId): Decimal | null {
    return this.marks.get(instrumentId) ?? null;
  }

  fundingSchedule(instrumentId: InstrumentId): FundingSchedule | undefined {
    return this.funding.get(instrumentId);
  }

  /** Advances simulated time: pending orders arrive, funding falls due. */
  advance(now: number): void {
    this.matching.advance(now);
    if (this.funding.size === 0) return;
    for (const [instrumentId, schedule] of this.funding) this.settleFundingIfDue(instrumentId, schedule, now);
  }

  getInstrument(id: InstrumentId): Instrument | undefined {
    return this.instruments.getInstrument(id);
  }

  private onMarketEvent(event: MarketEvent): void {
    const time = event.type === 'book' ? event.book.timestamp : event.timestamp;
    this.advance(time);
    switch (event.type) {
      case 'book': {
        const instrument = this.instruments.getInstrument(event.book.instrumentId);
        this.books.set(event.book.instrumentId, event.book);
        if (!instrument) return;
        this.matching.onBook(instrument);
        if (!this.hasMarkFeed.has(instrument.id)) {
          const bid = event.book.bids[0]?.[0];
          const ask = event.book.asks[0]?.[0];
          if (bid !== undefined && ask !== undefined) this.setMark(instrument.id, this.touchMid(instrument.id, bid, ask));
        }
        return;
      }
      case 'trade': {
        const instrument = this.instruments.getInstrument(event.instrumentId);
        if (instrument) this.matching.onTrade(event, instrument);
        if (this.config.sweepClose === 'next-tick') this.scheduleSweepClose();
        return;
      }
      case 'mark-price':
        this.hasMarkFeed.add(event.instrumentId);
        this.setMark(event.instrumentId, event.markPrice);
        return;
      case 'funding': {
        const current = this.funding.get(event.instrumentId);
        // A newer schedule replaces the old one only after the old one was settled (advance() above).
        if (!current || event.nextFundingTime >= current.nextFundingTime) {
          this.funding.set(event.instrumentId, {
            rate: event.fundingRate,
            nextFundingTime: event.nextFundingTime,
          });
        }
        return;
      }
      case 'market-resolved':
        for (const account of this.interested.get(event.instrumentId) ?? [])
          account.onResolved(event.instrumentId, event.settlementPrice);
        return;
      case 'ticker':
        return;
    }
  }

  /**
   * (bid + ask) / 2, remembered per instrument for the last touch. Public so a backtest's strategy context gets
   * the mid of the book the venue just marked from (the same level objects) without a second division.
   */
  touchMid(instrumentId: InstrumentId, bid: Decimal, ask: Decimal): Decimal {
    const last = this.lastTouch.get(instrumentId);
    if (last !== undefined && compareDecimals(last.bid, bid) === 0 && compareDecimals(last.ask, ask) === 0)
      return last.mid;
    const mid = bid.add(ask).div(TWO);
    if (last === undefined) this.lastTouch.set(instrumentId, { bid, ask, mid });
    else {
      last.bid = bid;
      last.ask = ask;
      last.mid = mid;
    }
    return mid;
  }

  private setMark(instrumentId: InstrumentId, mark: Decimal): void {
    const previous = this.marks.get(instrumentId);
    if (previous !== undefined && compareDecimals(previous, mark) === 0) return;
    this.marks.set(instrumentId, mark);
    for (const account of this.interested.get(instrumentId) ?? []) account.onMark(instrumentId, mark);
  }

  private settleFundingIfDue(instrumentId: InstrumentId, schedule: FundingSchedule, now: number): void {
    if (now < schedule.nextFundingTime) return;
    this.funding.delete(instrumentId);
    const mark = this.marks.get(instrumentId);
    if (mark === undefined) return;
    for (const account of this.interested.get(instrumentId) ?? [])
      account.onFundingDue(instrumentId, schedule.rate, mark, schedule.nextFundingTime);
  }
}
