/**
 * In-memory market data source: a real MarketDataPort fed by scripted or generated events (tests, benchmarks,
 * backtests, replay of recorded data). `publish` keeps the latest book per instrument and dispatches the event
 * synchronously to the handlers watching that instrument and channel, in subscription order. With a simulated
 * clock, the clock is moved to the event's timestamp first, so everything downstream sees consistent time.
 */
import type { InstrumentId } from '../ports/instruments.js';
import type {
  MarketChannel,
  MarketDataPort,
  MarketEvent,
  OrderBookView,
  Subscription,
} from '../ports/market-data.js';
import type { SimulatedClock } from '../core/sim-clock.js';

type Handler = (event: MarketEvent) => void;

function eventTime(event: MarketEvent): number {
  return event.type === 'book' ? event.book.timestamp : event.timestamp;
}

function eventInstrument(event: MarketEvent): InstrumentId {
  return event.type === 'book' ? event.book.instrumentId : event.instrumentId;
}

export class InMemoryMarketData implements MarketDataPort {
  /** Per instrument, per channel: publish() looks them up without building a string key per event. */
  private readonly handlers = new Map<InstrumentId, Map<MarketChannel, Handler[]>>();
  private readonly books = new Map<InstrumentId, OrderBookView>();

  constructor(private readonly clock?: SimulatedClock) {}

  watch(instrumentId: InstrumentId, channel: MarketChannel, handler: Handler): Subscription {
    let channels = this.handlers.get(instrumentId);
    if (!channels) {
      channels = new Map();
      this.handlers.set(instrumentId, channels);
    }
    const byChannel = channels;
    const list = byChannel.get(channel) ?? [];
    // Copy on write: a handler may unsubscribe while an event is being dispatched.
    byChannel.set(channel, [...list, handler]);
    return {
      unsubscribe: () => {
        const current = byChannel.get(channel);
        if (!current) return;
        const index = current.indexOf(handler);
        if (index < 0) return;
        const next = current.slice();
        next.splice(index, 1);
        if (next.length === 0) byChannel.delete(channel);
        else byChannel.set(channel, next);
      },
    };
  }

  getOrderBook(instrumentId: InstrumentId): OrderBookView | undefined {
    return this.books.get(instrumentId);
  }

  fetchOrderBook(instrumentId: InstrumentId, depth?: number): Promise<OrderBookView> {
    const book = this.books.get(instrumentId);
    if (!book) return Promise.reject(new Error(`no book for ${instrumentId}`));
    if (depth === undefined) return Promise.resolve(book);
    return Promise.resolve({ ...book, bids: book.bids.slice(0, depth), asks: book.asks.slice(0, depth) });
  }

  /** Applies and dispatches one event. */
  publish(event: MarketEvent): void {
    this.clock?.set(eventTime(event));
    const instrumentId = eventInstrument(event);
    if (event.type === 'book') this.books.set(instrumentId, event.book);
    const list = this.handlers.get(instrumentId)?.get(event.type);
    if (!list) return;
    for (const handler of list) handler(event);
  }

  /** Number of live subscriptions (for tests and diagnostics). */
  subscriptionCount(): number {
    let count = 0;
    for (const channels of this.handlers.values()) for (const list of channels.values()) count += list.length;
    return count;
  }
}
