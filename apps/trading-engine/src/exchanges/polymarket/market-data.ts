/**
 * Market data over the Polymarket market channel: one WebSocket, subscriptions shared and reference counted per
 * token, exact-decimal L2 books (snapshots + price_change level totals), trades from last_trade_price, tickers
 * from best bid/ask, resolutions from market_resolved. On reconnect every token is resubscribed and its book
 * rebuilt from a fresh snapshot (REST /book, or the WS dump if that comes first); the first update after that is
 * flagged `resynced`. Malformed messages are logged and dropped.
 */
import { Decimal } from 'decimal.js';
import type { ClobClient } from '@polymarket/clob-client-v2';
import type { InstrumentId } from '../../ports/instruments.js';
import type { MarketChannel, MarketDataPort, MarketEvent, OrderBookView, Subscription } from '../../ports/market-data.js';
import { instrumentId, tokenOf } from './instruments.js';
import { LocalBook } from './local-book.js';
import type { AdapterLogger } from './logger.js';
import { marketEventSchema, parseFrame, type PolymarketMarketEvent } from './parse.js';
import { ReconnectingWs } from './reconnecting-ws.js';

type Handler = (event: MarketEvent) => void;

interface TokenState {
  handlers: Map<MarketChannel, Set<Handler>>;
  refs: number;
  book: LocalBook;
  /** Next book event carries resynced=true. */
  resyncPending: boolean;
  bestBid: Decimal | null;
  bestAsk: Decimal | null;
  last: Decimal | null;
}

export interface PolymarketMarketDataOptions {
  wsUrl: string;
  client: ClobClient;
  log: AdapterLogger;
  onState?: (state: 'open' | 'reconnecting' | 'closed', reason: string) => void;
  onTickSize?: (id: InstrumentId, tick: Decimal) => void;
  /** Called with every valid event before dispatch (tests, metrics). */
  tap?: (event: PolymarketMarketEvent) => void;
  minBackoffMs?: number;
}

export class PolymarketMarketData implements MarketDataPort {
  private readonly tokens = new Map<string, TokenState>();
  private readonly resyncListeners = new Set<(instrumentId: InstrumentId) => void>();
  private readonly ws: ReconnectingWs;
  dropped = 0;

  constructor(private readonly options: PolymarketMarketDataOptions) {
    this.ws = new ReconnectingWs({
      url: options.wsUrl,
      log: options.log,
      onOpen: (reconnect) => {
        this.onOpen(reconnect);
      },
      onMessage: (text) => {
        this.onMessage(text);
      },
      ...(options.onState !== undefined ? { onState: options.onState } : {}),
      ...(options.minBackoffMs !== undefined ? { minBackoffMs: options.minBackoffMs } : {}),
    });
  }

  connect(): Promise<void> {
    this.ws.connect();
    return this.ws.waitOpen();
  }

  close(): void {
    this.ws.close();
  }

  watch(id: InstrumentId, channel: MarketChannel, handler: Handler): Subscription {
    const token = tokenOf(id);
    let state = this.tokens.get(token);
    if (state === undefined) {
      state = { handlers: new Map(), refs: 0, book: new LocalBook(id), resyncPending: false, bestBid: null, bestAsk: null, last: null };
      this.tokens.set(token, state);
      this.ws.send({ operation: 'subscribe', assets_ids: [token], custom_feature_enabled: true });
    }
    const s = state;
    let set = s.handlers.get(channel);
    if (set === undefined) {
      set = new Set();
      s.handlers.set(channel, set);
    }
    // A handler object may watch twice; wrap so each subscription is removed independently.
    const own: Handler = (e) => {
      handler(e);
    };
    set.add(own);
    s.refs++;
    if (channel === 'book' && s.book.synced) own({ type: 'book', book: s.book.view(), resynced: false });
    let active = true;
    return {
      unsubscribe: () => {
        if (!active) return;
        active = false;
        s.handlers.get(channel)?.delete(own);
        s.refs--;
        if (s.refs === 0) {
          this.tokens.delete(token);
          this.ws.send({ operation: 'unsubscribe', assets_ids: [token] });
        }
      },
    };
  }

  getOrderBook(id: InstrumentId): OrderBookView | undefined {
    const s = this.tokens.get(tokenOf(id));
    return s?.book.synced === true ? s.book.view() : undefined;
  }

  async fetchOrderBook(id: InstrumentId, depth?: number): Promise<OrderBookView> {
    const raw = await this.options.client.getOrderBook(tokenOf(id));
    const book = new LocalBook(id);
    book.snapshot(raw.bids, raw.asks, Number(raw.timestamp));
    return book.view(depth);
  }

  /** Subscribed token ids (for tests and status). */
  /** Called once per book rebuilt from a fresh snapshot after a reconnect (metrics). */
  onResync(listener: (instrumentId: InstrumentId) => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  subscribed(): string[] {
    return [...this.tokens.keys()];
  }

  private onOpen(reconnect: boolean): void {
    const assets = [...this.tokens.keys()];
    for (const s of this.tokens.values()) {
      s.book.synced = false;
      s.resyncPending = reconnect;
    }
    this.ws.send({ type: 'market', assets_ids: assets, initial_dump: true, custom_feature_enabled: true });
    if (reconnect) for (const token of assets) void this.resyncFromRest(token);
  }

  private async resyncFromRest(token: string): Promise<void> {
    try {
      const raw = await this.options.client.getOrderBook(token);
      const s = this.tokens.get(token);
      // The WS dump may have arrived first; it is at least as fresh, so keep it.
      if (s === undefined || s.book.synced) return;
      this.applySnapshot(s, raw.bids, raw.asks, Number(raw.timestamp));
    } catch (e) {
      this.options.log.warn({ token, err: e instanceof Error ? e.message : String(e) }, 'book resync from REST failed; waiting for the WS snapshot');
    }
  }

  private applySnapshot(s: TokenState, bids: readonly { price: string; size: string }[], asks: readonly { price: string; size: string }[], ts: number): void {
    s.book.snapshot(bids, asks, ts);
    const resynced = s.resyncPending;
    s.resyncPending = false;
    if (resynced) for (const listener of this.resyncListeners) listener(s.book.instrumentId);
    this.emitBook(s, resynced);
  }

  private emit(s: TokenState, channel: MarketChannel, event: MarketEvent): void {
    const set = s.handlers.get(channel);
    if (set === undefined) return;
    for (const h of set) {
      try {
        h(event);
      } catch (e) {
        this.options.log.error({ err: e, channel }, 'market data handler threw');
      }
    }
  }

  private emitBook(s: TokenState, resynced: boolean): void {
    const view = s.book.view();
    this.emit(s, 'book', { type: 'book', book: view, resynced });
    const bid = view.bids[0]?.[0] ?? null;
    const ask = view.asks[0]?.[0] ?? null;
    if (!eq(bid, s.bestBid) || !eq(ask, s.bestAsk)) {
      s.bestBid = bid;
      s.bestAsk = ask;
      this.emit(s, 'ticker', { type: 'ticker', instrumentId: view.instrumentId, last: s.last, bestBid: bid, bestAsk: ask, timestamp: view.timestamp });
    }
  }

  private onMessage(text: string): void {
    const { events, dropped } = parseFrame(text, marketEventSchema);
    if (dropped > 0) {
      this.dropped += dropped;
      this.options.log.warn({ dropped, sample: text.slice(0, 200) }, 'malformed market message dropped');
    }
    for (const e of events) {
      this.options.tap?.(e);
      this.dispatch(e);
    }
  }

  private dispatch(e: PolymarketMarketEvent): void {
    switch (e.event_type) {
      case 'book': {
        const s = this.tokens.get(e.asset_id);
        if (s !== undefined) this.applySnapshot(s, e.bids, e.asks, Number(e.timestamp));
        return;
      }
      case 'price_change': {
        const touched = new Set<TokenState>();
        for (const c of e.price_changes) {
          const s = this.tokens.get(c.asset_id);
          // Level updates before the first snapshot cannot be applied; the snapshot will include them.
          if (s === undefined || !s.book.synced) continue;
          s.book.setLevel(c.side, c.price, c.size, Number(e.timestamp));
          touched.add(s);
        }
        for (const s of touched) this.emitBook(s, false);
        return;
      }
      case 'last_trade_price': {
        const s = this.tokens.get(e.asset_id);
        if (s === undefined) return;
        s.last = new Decimal(e.price);
        this.emit(s, 'trade', {
          type: 'trade',
          instrumentId: instrumentId(e.asset_id),
          tradeId: e.transaction_hash ?? `${e.asset_id}:${e.timestamp}`,
          price: new Decimal(e.price),
          quantity: new Decimal(e.size),
          side: e.side,
          timestamp: Number(e.timestamp),
        });
        return;
      }
      case 'tick_size_change':
        this.options.onTickSize?.(instrumentId(e.asset_id), new Decimal(e.new_tick_size));
        return;
      case 'best_bid_ask':
        // The book already gives best bid/ask; this is only a cross-check for the curious.
        return;
      case 'market_resolved':
        for (const asset of e.assets_ids) {
          const s = this.tokens.get(asset);
          if (s === undefined) continue;
          this.emit(s, 'market-resolved', {
            type: 'market-resolved',
            instrumentId: instrumentId(asset),
            settlementPrice: new Decimal(asset === e.winning_asset_id ? 1 : 0),
            timestamp: Number(e.timestamp),
          });
        }
        return;
    }
  }
}

function eq(a: Decimal | null, b: Decimal | null): boolean {
  return a === null || b === null ? a === b : a.eq(b);
}
