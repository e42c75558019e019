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
import type { BookLevel, MarketEvent } from '../ports/market-data.js';
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

/** A full-depth book kept from snapshots and updates (size 0 deletes a level). */
class LocalBook {
  private readonly bids = new Map<string, Decimal>();
  private readonly asks = new Map<string, Decimal>();
  sequence = 0;

  apply(action: 'snapshot' | 'update', bids: readonly RecordedLevel[], asks: readonly RecordedLevel[]): void {
    if (action === 'snapshot') {
      this.bids.clear();
      this.asks.clear();
    }
    for (const [price, size] of bids) LocalBook.set(this.bids, price, size);
    for (const [price, size] of asks) LocalBook.set(this.asks, price, size);
    this.sequence += 1;
  }

  private static set(side: Map<string, Decimal>, price: string, size: string): void {
    const value = new Decimal(size);
    if (value.isZero()) side.delete(price);
    else side.set(price, value);
  }

  view(): { bids: BookLevel[]; asks: BookLevel[] } {
    const toLevels = (side: Map<string, Decimal>, descending: boolean): BookLevel[] =>
      [...side.entries()]
        .map(([price, size]) => [new Decimal(price), size] as const)
        .sort((a, b) => (descending ? b[0].comparedTo(a[0]) : a[0].comparedTo(b[0])));
    return { bids: toLevels(this.bids, true), asks: toLevels(this.asks, false) };
  }
}

function lineError(index: number, message: string): Error {
  return new Error(`recorded data line ${String(index + 1)}: ${message}`);
}

/** Parses a recorded JSONL text. Throws on a malformed line or on time going backwards. */
export function parseRecordedData(text: string): RecordedData {
  const instruments: Instrument[] = [];
  const events: ReplayEvent[] = [];
  const books = new Map<string, LocalBook>();
  let last = -Infinity;
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const raw = lines[index]?.trim() ?? '';
    if (raw === '') continue;
    let line: RecordedLine;
    try {
      line = JSON.parse(raw) as RecordedLine;
    } catch {
      throw lineError(index, 'not JSON');
    }
    if (line.type === 'instrument') {
      instruments.push(toInstrument(line));
      continue;
    }
    if (typeof line.ts !== 'number' || line.ts < last) throw lineError(index, 'timestamps must be numbers in non-decreasing order');
    last = line.ts;
    switch (line.type) {
      case 'book': {
        let book = books.get(line.instrumentId);
        if (!book) {
          book = new LocalBook();
          books.set(line.instrumentId, book);
        }
        const action = line.action ?? 'snapshot';
        book.apply(action, line.bids, line.asks);
        const { bids, asks } = book.view();
        events.push({ type: 'book', resynced: false, book: { instrumentId: line.instrumentId as InstrumentId, bids, asks, timestamp: line.ts, sequence: book.sequence } });
        break;
      }
      case 'trade':
        events.push({ type: 'trade', instrumentId: line.instrumentId as InstrumentId, tradeId: line.tradeId, side: line.side, price: new Decimal(line.price), quantity: new Decimal(line.quantity), timestamp: line.ts });
        break;
      case 'funding':
        events.push({ type: 'funding', instrumentId: line.instrumentId as InstrumentId, fundingRate: new Decimal(line.fundingRate), nextFundingTime: line.nextFundingTime, timestamp: line.ts });
        break;
      case 'mark-price':
        events.push({ type: 'mark-price', instrumentId: line.instrumentId as InstrumentId, markPrice: new Decimal(line.markPrice), timestamp: line.ts });
        break;
      case 'market-resolved':
        events.push({ type: 'market-resolved', instrumentId: line.instrumentId as InstrumentId, settlementPrice: new Decimal(line.settlementPrice), timestamp: line.ts });
        break;
      case 'signal': {
        const { type: _type, ts: _ts, ...fields } = line;
        events.push(toSignalEvent(assertValid('TradingSignal', fields)));
        break;
      }
      default:
        throw lineError(index, `unknown type ${String((line as { type: unknown }).type)}`);
    }
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
