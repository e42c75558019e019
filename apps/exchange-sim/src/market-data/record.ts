/**
 * Synchronous recording of the generator's OKX `books` stream (no sockets): a snapshot followed by `messages - 1`
 * updates, each line one OKX push exactly as the WS server sends it. Used by benchmarks and to make replay files.
 */
import { OkxExchange } from '../okx/exchange.js';
import { BooksFeed } from '../okx/books-feed.js';
import { DEFAULT_OKX_INSTRUMENTS } from '../okx/instruments.js';
import { MarketGenerator, type GeneratorOptions } from './generator.js';

export interface RecordBooksOptions {
  seed: number;
  instId?: string;
  messages: number;
  /** Start time of the recording, epoch ms; each step advances 100 ms. */
  startTime?: number;
  generator?: GeneratorOptions;
  checksum?: boolean;
}

export function recordBooksStream(options: RecordBooksOptions): string[] {
  const instId = options.instId ?? 'BTC-USDT-SWAP';
  let t = options.startTime ?? Date.UTC(2026, 0, 1);
  const feeds = new Map<string, BooksFeed>();
  const exchange = new OkxExchange(DEFAULT_OKX_INSTRUMENTS, () => t, (id, side, price) => feeds.get(id)?.levelChanged(side, price));
  const market = exchange.market(instId);
  if (!market) throw new Error(`unknown instrument ${instId}`);
  const feed = new BooksFeed(market.def, market.book, () => options.checksum ?? true, 1_000_000);
  feeds.set(instId, feed);
  const generator = new MarketGenerator(exchange, options.seed, { depth: 200, churn: 4, ...options.generator }, [instId]);
  generator.seedBooks();
  feed.flush(t);
  const lines = [JSON.stringify(feed.snapshot(t))];
  while (lines.length < options.messages) {
    t += 100;
    generator.step(t);
    const msg = feed.flush(t);
    if (msg) lines.push(JSON.stringify(msg));
  }
  return lines;
}
