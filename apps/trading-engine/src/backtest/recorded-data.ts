/**
 * The recorded market-data format of backtests: JSON Lines, one normalized event per line, exact decimal strings,
 * epoch-ms timestamps (`ts`), in time order. Instrument definitions come first, so a file is self-contained:
 *
 *   {"type":"instrument","id":"okx:BTC-USDT-SWAP","exchange":"okx",...,"tickSize":"0.1",...}
 *   {"type":"book","ts":1767225600000,"instrumentId":"okx:BTC-USDT-SWAP","bids":[["95000.1","1.2"]],"asks":[...]}   (a snapshot)
 *   {"type":"book","ts":...,"instrumentId":...,"action":"update","bids":[["95000.1","0"]],"asks":[]}   (size "0" deletes)
 *   {"type":"trade","ts":...,"instrumentId":...,"tradeId":"t1","side":"BUY","price":"95000.2","quantity":"0.5"}
 *   {"type":"funding","ts":...,"instrumentId":...,"fundingRate":"0.0001","nextFundingTime":...}
 *   {"type":"mark-price","ts":...,"instrumentId":...,"markPrice":"95001"}
 *   {"type":"market-resolved","ts":...,"instrumentId":...,"settlementPrice":"1"}
 *   {"type":"signal","ts":..., ...TradingSignal fields}            (schemas/events/trading-signal.json)
 *
 * `parseRecordedData` turns the text into instruments and engine events (BookEvents carry the full book after the
 * update, as the data engine delivers them).
 */
import { Decimal } from 'decimal.js';
import { assertValid, type Exchange, type OrderSide, type Outcome } from '@trading/shared-types';
import type { Instrument, InstrumentId, InstrumentKind } from '../ports/instruments.js';
import type { BookEvent, BookLevel, MarketEvent, TradeEvent } from '../ports/market-data.js';
import { emptyScannedBookBytes, emptyScannedBookLine, emptyScannedTradeBytes, levelKey, scanBookBytes, scanBookLine, scanTradeBytes, type KeyedDecimals, type ScannedBookBytes } from './book-line.js';
import { ZERO, compareDecimals } from '../core/decimal.js';
import { toSignalEvent, type SignalEvent } from '../strategies/signal-event.js';

export type RecordedLevel = [price: string, size: string];

export interface RecordedInstrument {
  type: 'instrument';
  id: string;
  exchange: Exchange;
  symbol: string;
  kind: InstrumentKind;
  base: string;
  quote: string;
  settleCurrency: string;
  tickSize: string;
  lotSize: string;
  minSize: string;
  contractValue: string;
  expiry: number | null;
  maxLeverage: number | null;
  makerFeeRate: string;
  takerFeeRate: string;
  polymarket?: { marketId: string; outcome: Outcome; complementTokenId: string; negRisk: boolean; endTime: number | null };
}

export type RecordedLine =
  | RecordedInstrument
  | { type: 'book'; ts: number; instrumentId: string; action?: 'snapshot' | 'update'; bids: RecordedLevel[]; asks: RecordedLevel[] }
  | { type: 'trade'; ts: number; instrumentId: string; tradeId: string; side: OrderSide; price: string; quantity: string }
  | { type: 'funding'; ts: number; instrumentId: string; fundingRate: string; nextFundingTime: number }
  | { type: 'mark-price'; ts: number; instrumentId: string; markPrice: string }
  | { type: 'market-resolved'; ts: number; instrumentId: string; settlementPrice: string }
  | ({ type: 'signal'; ts: number } & Record<string, unknown>);

export type ReplayEvent = MarketEvent | SignalEvent;

export interface RecordedData {
  instruments: Instrument[];
  events: ReplayEvent[];
}

export function toInstrument(line: RecordedInstrument): Instrument {
  const instrument: Instrument = {
    id: line.id as InstrumentId,
    exchange: line.exchange,
    symbol: line.symbol,
    kind: line.kind,
    base: line.base,
    quote: line.quote,
    settleCurrency: line.settleCurrency,
    tickSize: new Decimal(line.tickSize),
    lotSize: new Decimal(line.lotSize),
    minSize: new Decimal(line.minSize),
    contractValue: new Decimal(line.contractValue),
    expiry: line.expiry,
    maxLeverage: line.maxLeverage,
    makerFeeRate: new Decimal(line.makerFeeRate),
    takerFeeRate: new Decimal(line.takerFeeRate),
  };
  if (line.polymarket) instrument.polymarket = { ...line.polymarket };
  return instrument;
}

/**
 * Decimals of the strings a recording repeats (prices near the touch, common sizes): a Map lookup instead of a
 * parse and an allocation per level per line. decimal.js values are immutable and `new Decimal(text)` does not
 * round, so a shared instance is the very value a fresh parse gives. Canonical texts read from bytes are looked up
 * by their key (book-line.ts), which stands for the text, so no string is made for them. Bounded: emptied when it
 * grows large.
 */
class DecimalCache implements KeyedDecimals {
  private readonly values = new Map<string, Decimal>();
  private readonly keyed = new Map<number, Decimal>();

  get(text: string): Decimal {
    let value = this.values.get(text);
    if (value === undefined) {
      value = new Decimal(text);
      if (this.values.size >= 65_536) this.values.clear();
      this.values.set(text, value);
    }
    return value;
  }

  byKey(key: number, buf: Buffer, from: number, to: number): Decimal {
    let value = this.keyed.get(key);
    if (value === undefined) {
      // A canonical text is ASCII digits and a dot.
      value = new Decimal(buf.toString('latin1', from, to));
      if (this.keyed.size >= 65_536) this.keyed.clear();
      this.keyed.set(key, value);
    }
    return value;
  }
}

type Level = readonly [Decimal, Decimal];
/** A level's price as levelKey (book-line.ts) gives it: the key of a canonical text, else the text. */
type PriceKey = number | string;

const NO_LEVELS: readonly Level[] = [];

/**
 * One side of a LocalBook. Levels are keyed by their price text (through levelKey, which maps texts one to one), and
 * `view` is the side sorted best first as the last BookEvent carried it (never changed after: events hold it, and
 * OrderBookView's sides are read-only for its consumers). After
 * a snapshot line that lists the side already sorted (the usual recording), the view alone holds the levels; the
 * map is rebuilt from it (in the same order, so with the same insertion order) only when an update line comes.
 */
class BookSide {
  private levels: Map<PriceKey, Level> | null = new Map();
  /** The view's price keys while `levels` is null. */
  private readonly viewKeys: PriceKey[] = [];
  view: readonly Level[] = NO_LEVELS;

  constructor(private readonly descending: boolean) {}

  /** The side as a map (rebuilt from the view after a sorted snapshot). */
  map(): Map<PriceKey, Level> {
    let levels = this.levels;
    if (levels === null) {
      levels = new Map();
      for (let i = 0; i < this.view.length; i += 1) {
        const level = this.view[i];
        if (level !== undefined) levels.set(this.viewKeys[i] ?? '', level);
      }
      this.levels = levels;
    }
    return levels;
  }

  clear(): void {
    this.levels = new Map();
    this.viewKeys.length = 0;
  }

  /** The view after map changes: every level, best first (stable: equal prices keep their insertion order). */
  sort(): void {
    const levels = [...this.map().values()];
    this.view = levels.sort(this.descending ? byPriceDescending : byPriceAscending);
  }

  /**
   * A snapshot side from flat [priceKey, sizeKey, ...] keys and [price, size, ...] decimals. Listed strictly best
   * first without a zero size (what sorting the map would give, in the listed order), it becomes the view as is;
   * otherwise it is applied as apply() would, through the map.
   */
  snapshot(keys: readonly number[], values: readonly Decimal[]): void {
    const view: Level[] = [];
    let sorted = true;
    let previous: Decimal | null = null;
    let previousKey = 0;
    for (let i = 0; i + 1 < values.length; i += 2) {
      const price = values[i];
      const size = values[i + 1];
      const key = keys[i] ?? 0;
      if (price === undefined || size === undefined || size.isZero()) {
        sorted = false;
        break;
      }
      if (previous !== null) {
        // Keys with the same number of fraction digits order as their values (mantissa × 16 + digits).
        const order = key % 16 === previousKey % 16 ? key - previousKey : compareDecimals(price, previous);
        if (this.descending ? order >= 0 : order <= 0) {
          sorted = false;
          break;
        }
      }
      previous = price;
      previousKey = key;
      view.push([price, size]);
    }
    if (sorted) {
      this.levels = null;
      const viewKeys = this.viewKeys;
      let n = 0;
      for (let i = 0; i < keys.length; i += 2) viewKeys[n++] = keys[i] ?? 0;
      if (viewKeys.length !== n) viewKeys.length = n;
      this.view = view;
      return;
    }
    this.clear();
    this.update(keys, values);
  }

  /** Update levels from flat keys and decimals (size 0 deletes), then the view. */
  update(keys: readonly number[], values: readonly Decimal[]): void {
    const levels = this.map();
    for (let i = 0; i + 1 < values.length; i += 2) {
      const price = values[i];
      const size = values[i + 1];
      const key = keys[i] ?? 0;
      if (price === undefined || size === undefined) continue;
      if (size.isZero()) levels.delete(key);
      else levels.set(key, [price, size]);
    }
    this.sort();
  }
}

/**
 * A full-depth book kept from snapshots and updates (size 0 deletes a level). Levels keyed by the price text; each
 * holds its [price, size] pair ready for the view, so a view allocates only its arrays (pairs are immutable and
 * shared by the events of the lines that did not change them).
 */
class LocalBook {
  private readonly bids = new BookSide(true);
  private readonly asks = new BookSide(false);
  sequence = 0;

  constructor(private readonly decimals: DecimalCache) {}

  apply(action: 'snapshot' | 'update', bids: readonly RecordedLevel[], asks: readonly RecordedLevel[]): void {
    if (action === 'snapshot') {
      this.bids.clear();
      this.asks.clear();
    }
    const bidLevels = this.bids.map();
    const askLevels = this.asks.map();
    for (const [price, size] of bids) this.set(bidLevels, price, size, 'bids');
    for (const [price, size] of asks) this.set(askLevels, price, size, 'asks');
    this.bids.sort();
    this.asks.sort();
    this.sequence += 1;
  }

  /** apply() for a scanned line's flat [price, size, ...] texts (book-line.ts), in the same order. */
  applyFlat(action: 'snapshot' | 'update', bids: readonly string[], asks: readonly string[]): void {
    if (action === 'snapshot') {
      this.bids.clear();
      this.asks.clear();
    }
    const bidLevels = this.bids.map();
    const askLevels = this.asks.map();
    for (let i = 0; i + 1 < bids.length; i += 2) this.set(bidLevels, bids[i] ?? '', bids[i + 1] ?? '', 'bids');
    for (let i = 0; i + 1 < asks.length; i += 2) this.set(askLevels, asks[i] ?? '', asks[i + 1] ?? '', 'asks');
    this.bids.sort();
    this.asks.sort();
    this.sequence += 1;
  }

  /** apply() for a line read from bytes (book-line.ts): canonical decimals only, so nothing here can fail. */
  applyScanned(line: ScannedBookBytes): void {
    if (line.action === 'snapshot') {
      this.bids.snapshot(line.bidKeys, line.bids);
      this.asks.snapshot(line.askKeys, line.asks);
    } else {
      this.bids.update(line.bidKeys, line.bids);
      this.asks.update(line.askKeys, line.asks);
    }
    this.sequence += 1;
  }

  // Every line's sizes and the prices of the levels it sets are checked on that line (a deleting line's price text
  // is never parsed, as before).
  private set(side: Map<PriceKey, Level>, price: string, size: string, field: string): void {
    const value = this.decimal(size, `${field} size`);
    if (value.isZero()) side.delete(levelKey(price));
    else side.set(levelKey(price), [this.decimal(price, `${field} price`), value]);
  }

  private decimal(text: string, field: string): Decimal {
    try {
      return this.decimals.get(text);
    } catch {
      throw new FieldError(`${field} ${JSON.stringify(text)} is not a decimal`);
    }
  }

  view(): { bids: BookLevel[]; asks: BookLevel[] } {
    return { bids: this.bids.view as BookLevel[], asks: this.asks.view as BookLevel[] };
  }
}

const byPriceAscending = (a: Level, b: Level): number => compareDecimals(a[0], b[0]);
const byPriceDescending = (a: Level, b: Level): number => compareDecimals(b[0], a[0]);

/** A bad field of a line; parseLine adds the line number. */
class FieldError extends Error {}

function lineError(index: number, message: string): Error {
  return new Error(`recorded data line ${String(index + 1)}: ${message}`);
}

/**
 * The line-by-line half of parseRecordedData: one line in, its instrument or event out, each BookEvent built from
 * the previous book state of its instrument. Holds only the books and the last timestamp, so a file can be read
 * incrementally (recorded-file.ts) with exactly the checks and results of parsing the whole text.
 */
export class RecordedDataParser {
  private readonly books = new Map<string, LocalBook>();
  private readonly decimals = new DecimalCache();
  private readonly scanned = emptyScannedBookLine();
  private readonly scannedBytes = emptyScannedBookBytes();
  private readonly scannedTrade = emptyScannedTradeBytes(ZERO);
  private last = -Infinity;

  private book(instrumentId: string): LocalBook {
    let book = this.books.get(instrumentId);
    if (!book) {
      book = new LocalBook(this.decimals);
      this.books.set(instrumentId, book);
    }
    return book;
  }

  /** The BookEvent of a book line once applied: the full book after it. */
  private bookEvent(book: LocalBook, instrumentId: string, ts: number, index: number, apply: () => void): BookEvent {
    let levels: { bids: BookLevel[]; asks: BookLevel[] };
    try {
      apply();
      levels = book.view();
    } catch (error) {
      throw error instanceof FieldError ? lineError(index, error.message) : error;
    }
    return { type: 'book', resynced: false, book: { instrumentId: instrumentId as InstrumentId, bids: levels.bids, asks: levels.asks, timestamp: ts, sequence: book.sequence } };
  }

  /**
   * parseLine for the line at bytes [start, end) of `buf` when it is a book or trade line scanBookBytes or
   * scanTradeBytes reads (book-line.ts), without decoding it; undefined for any other line, which the caller then
   * decodes and gives to parseLine. A line read here is one parseLine reads the same way (same event, same checks:
   * its numbers cannot fail).
   */
  parseBytes(buf: Buffer, start: number, end: number, index: number): BookEvent | TradeEvent | undefined {
    const scanned = this.scannedBytes;
    if (!scanBookBytes(buf, start, end, scanned, this.decimals)) return this.parseTradeBytes(buf, start, end, index);
    if (scanned.ts < this.last) throw lineError(index, 'timestamps must be numbers in non-decreasing order');
    this.last = scanned.ts;
    const book = this.book(scanned.instrumentId);
    book.applyScanned(scanned);
    const levels = book.view();
    return { type: 'book', resynced: false, book: { instrumentId: scanned.instrumentId as InstrumentId, bids: levels.bids, asks: levels.asks, timestamp: scanned.ts, sequence: book.sequence } };
  }

  private parseTradeBytes(buf: Buffer, start: number, end: number, index: number): TradeEvent | undefined {
    const trade = this.scannedTrade;
    if (!scanTradeBytes(buf, start, end, trade, this.decimals)) return undefined;
    if (trade.ts < this.last) throw lineError(index, 'timestamps must be numbers in non-decreasing order');
    this.last = trade.ts;
    return { type: 'trade', instrumentId: trade.instrumentId as InstrumentId, tradeId: trade.tradeId, side: trade.side, price: trade.price, quantity: trade.quantity, timestamp: trade.ts };
  }

  /** `index` is the 0-based line number (errors name it 1-based). Returns null for a blank line. */
  parseLine(text: string, index: number): Instrument | ReplayEvent | null {
    const raw = text.trim();
    if (raw === '') return null;
    const scanned = this.scanned;
    if (scanBookLine(raw, scanned)) {
      if (scanned.ts < this.last) throw lineError(index, 'timestamps must be numbers in non-decreasing order');
      this.last = scanned.ts;
      const book = this.book(scanned.instrumentId);
      return this.bookEvent(book, scanned.instrumentId, scanned.ts, index, () => {
        book.applyFlat(scanned.action, scanned.bids, scanned.asks);
      });
    }
    let line: RecordedLine;
    try {
      line = JSON.parse(raw) as RecordedLine;
    } catch {
      throw lineError(index, 'not JSON');
    }
    if (line.type === 'instrument') return toInstrument(line);
    if (typeof line.ts !== 'number' || line.ts < this.last) throw lineError(index, 'timestamps must be numbers in non-decreasing order');
    this.last = line.ts;
    switch (line.type) {
      case 'book': {
        const book = this.book(line.instrumentId);
        const { bids, asks } = line;
        return this.bookEvent(book, line.instrumentId, line.ts, index, () => {
          book.apply(line.action ?? 'snapshot', bids, asks);
        });
      }
      case 'trade':
        return { type: 'trade', instrumentId: line.instrumentId as InstrumentId, tradeId: line.tradeId, side: line.side, price: new Decimal(line.price), quantity: new Decimal(line.quantity), timestamp: line.ts };
      case 'funding':
        return { type: 'funding', instrumentId: line.instrumentId as InstrumentId, fundingRate: new Decimal(line.fundingRate), nextFundingTime: line.nextFundingTime, timestamp: line.ts };
      case 'mark-price':
        return { type: 'mark-price', instrumentId: line.instrumentId as InstrumentId, markPrice: new Decimal(line.markPrice), timestamp: line.ts };
      case 'market-resolved':
        return { type: 'market-resolved', instrumentId: line.instrumentId as InstrumentId, settlementPrice: new Decimal(line.settlementPrice), timestamp: line.ts };
      case 'signal': {
        const { type: _type, ts: _ts, ...fields } = line;
        return toSignalEvent(assertValid('TradingSignal', fields));
      }
      default:
        throw lineError(index, `unknown type ${String((line as { type: unknown }).type)}`);
    }
  }
}

/** True for the instruments parseLine returns (events all carry a `type`). */
export function isInstrument(parsed: Instrument | ReplayEvent): parsed is Instrument {
  return !('type' in parsed);
}

/** Parses a recorded JSONL text. Throws on a malformed line or on time going backwards. */
export function parseRecordedData(text: string): RecordedData {
  const instruments: Instrument[] = [];
  const events: ReplayEvent[] = [];
  const parser = new RecordedDataParser();
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const parsed = parser.parseLine(lines[index] ?? '', index);
    if (parsed === null) continue;
    if (isInstrument(parsed)) instruments.push(parsed);
    else events.push(parsed);
  }
  return { instruments, events };
}

export function eventTime(event: ReplayEvent): number {
  return event.type === 'book' ? event.book.timestamp : event.timestamp;
}

/** One JSONL line per value (stable key order is the caller's: build objects in the documented order). */
export function toJsonl(lines: readonly RecordedLine[]): string {
  return lines.map((line) => JSON.stringify(line)).join('\n') + '\n';
}
