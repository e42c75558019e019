/**
 * OKX market-data port: shared, reference-counted subscriptions per (channel, instrument); `books` replicas with
 * sequence and checksum checks; on a gap, a checksum mismatch or a reconnect the book is dropped, resubscribed for
 * a fresh snapshot, and the next event says `resynced: true`.
 */
import type { Logger } from 'pino';
import type { InstrumentId } from '../../ports/instruments.js';
import type { BookEvent, MarketResolvedEvent, MarketChannel, MarketDataPort, MarketEvent, OrderBookView, Subscription } from '../../ports/market-data.js';
import { OkxOrderBook } from './order-book.js';
import { instIdOf, okxInstrumentId, parseBooksPush, parseFunding, parseMarkPrice, parseRestBook, parseTicker, parseTrade } from './parse.js';
import type { OkxRest } from './rest.js';
import type { OkxArg, OkxStream } from './ws.js';

const CHANNELS: Record<MarketChannel, string | null> = {
  book: 'books',
  trade: 'trades',
  ticker: 'tickers',
  funding: 'funding-rate',
  'mark-price': 'mark-price',
  'market-resolved': null,
};

type Handler = (event: MarketEvent) => void;

interface BookState {
  book: OkxOrderBook;
  /** Set after a gap/checksum/reconnect; reported on the next good snapshot. */
  resyncPending: boolean;
  resyncs: number;
}

export class OkxMarketData implements MarketDataPort {
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly books = new Map<string, BookState>();
  private readonly resyncListeners = new Set<(instrumentId: InstrumentId) => void>();

  constructor(
    private readonly stream: OkxStream,
    private readonly rest: OkxRest,
    private readonly logger: Logger,
  ) {
    stream.onChannel('books', (msg) => { this.onBooks(msg); });
    stream.onChannel('trades', (msg) => { this.emitRows('trades', msg, parseTrade); });
    stream.onChannel('tickers', (msg) => { this.emitRows('tickers', msg, parseTicker); });
    stream.onChannel('funding-rate', (msg) => { this.emitRows('funding-rate', msg, parseFunding); });
    stream.onChannel('mark-price', (msg) => { this.emitRows('mark-price', msg, parseMarkPrice); });
    stream.onReconnect((wsKey) => {
      // Books live on the public connection; a private/business reconnect must not drop them (no snapshot would follow).
      if (wsKey.endsWith('Private') || wsKey.endsWith('Business')) return;
      for (const state of this.books.values()) {
        state.book.reset();
        state.resyncPending = true;
      }
    });
  }

  watch(instrumentId: InstrumentId, channel: MarketChannel, handler: Handler): Subscription {
    const okxChannel = CHANNELS[channel];
    if (okxChannel === null) return { unsubscribe: () => undefined };
    const instId = instIdOf(instrumentId);
    const key = `${okxChannel}|${instId}`;
    let set = this.handlers.get(key);
    if (!set) {
      set = new Set();
      this.handlers.set(key, set);
    }
    set.add(handler);
    if (okxChannel === 'books' && !this.books.has(instId)) {
      this.books.set(instId, { book: new OkxOrderBook(instrumentId), resyncPending: false, resyncs: 0 });
    }
    const arg: OkxArg = { channel: okxChannel, instId };
    this.stream.acquire(arg);
    let active = true;
    return {
      unsubscribe: () => {
        if (!active) return;
        active = false;
        set.delete(handler);
        if (set.size === 0) {
          this.handlers.delete(key);
          if (okxChannel === 'books') this.books.delete(instId);
        }
        this.stream.release(arg);
      },
    };
  }

  getOrderBook(instrumentId: InstrumentId): OrderBookView | undefined {
    const state = this.books.get(instIdOf(instrumentId));
    return state?.book.isInitialized ? state.book.view() : undefined;
  }

  /** Called once per book rebuilt from a fresh snapshot after a gap, checksum mismatch or reconnect (metrics). */
  onResync(listener: (instrumentId: InstrumentId) => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  /** Number of resyncs of one book since it was first watched (observability and tests). */
  resyncCount(instrumentId: InstrumentId): number {
    return this.books.get(instIdOf(instrumentId))?.resyncs ?? 0;
  }

  async fetchOrderBook(instrumentId: InstrumentId, depth = 400): Promise<OrderBookView> {
    const instId = instIdOf(instrumentId);
    const rows: unknown[] = await this.rest.call('market/books', (c) => c.getOrderBook({ instId, sz: String(depth) }));
    const view = parseRestBook(rows[0], instrumentId);
    if (!view) throw new Error(`okx: malformed order book for ${instId}`);
    return view;
  }

  private onBooks(msg: unknown): void {
    const push = parseBooksPush(msg);
    if (!push) {
      this.logger.warn({ msg }, 'okx: malformed books push dropped');
      return;
    }
    const state = this.books.get(push.instId);
    if (!state) return;
    const result = push.action === 'snapshot' ? state.book.applySnapshot(push.data) : state.book.applyUpdate(push.data);
    if (result === 'not-initialized') return;
    if (result !== 'ok') {
      this.logger.warn({ instId: push.instId, reason: result, seqId: push.data.seqId, prevSeqId: push.data.prevSeqId }, 'okx book out of sync, resubscribing');
      state.book.reset();
      state.resyncPending = true;
      state.resyncs++;
      this.stream.resubscribe({ channel: 'books', instId: push.instId });
      return;
    }
    const resynced = push.action === 'snapshot' && state.resyncPending;
    if (push.action === 'snapshot') state.resyncPending = false;
    if (resynced) for (const listener of this.resyncListeners) listener(state.book.instrumentId);
    const handlers = this.handlers.get(`books|${push.instId}`);
    if (!handlers || handlers.size === 0) return;
    const book = state.book;
    // The view is built only if a handler reads it (most updates are consumed through getOrderBook or not at all).
    const event: BookEvent = {
      type: 'book',
      resynced,
      get book() {
        return book.view();
      },
    };
    for (const handler of handlers) this.safe(handler, event);
  }

  private emitRows(channel: string, msg: { arg: OkxArg; data: unknown[] }, parse: (row: unknown) => Exclude<MarketEvent, BookEvent | MarketResolvedEvent> | null): void {
    const instId = msg.arg.instId;
    if (instId === undefined) return;
    const handlers = this.handlers.get(`${channel}|${instId}`);
    if (!handlers) return;
    for (const row of msg.data) {
      const event = parse(row);
      if (!event) {
        this.logger.warn({ channel, row }, 'okx: malformed push dropped');
        continue;
      }
      if (event.instrumentId !== okxInstrumentId(instId)) continue;
      for (const handler of handlers) this.safe(handler, event);
    }
  }

  private safe(handler: Handler, event: MarketEvent): void {
    try {
      handler(event);
    } catch (error) {
      this.logger.error({ err: error }, 'market data handler failed');
    }
  }
}
