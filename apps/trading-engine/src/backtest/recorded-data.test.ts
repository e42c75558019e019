/** The recorded JSONL format: snapshots and deltas rebuild the book; OKX `books` pushes convert to it. */
import { describe, expect, it } from 'vitest';
import { parseRecordedData, toJsonl } from './recorded-data.js';
import { convertOkxBooks } from './okx-books-converter.js';
import { BTC_SWAP } from './synthetic-data.js';

const ID = BTC_SWAP.id;

describe('recorded data', () => {
  it('applies snapshots and deltas (size 0 deletes) into full, sorted books with exact decimals', () => {
    const text = toJsonl([
      BTC_SWAP,
      { type: 'book', ts: 1, instrumentId: ID, action: 'snapshot', bids: [['100.1', '1'], ['100.3', '2']], asks: [['100.5', '3']] },
      { type: 'book', ts: 2, instrumentId: ID, action: 'update', bids: [['100.3', '0'], ['100.2', '4']], asks: [['100.4', '1']] },
      { type: 'trade', ts: 3, instrumentId: ID, tradeId: 't', side: 'BUY', price: '100.4', quantity: '0.5' },
      { type: 'funding', ts: 4, instrumentId: ID, fundingRate: '0.0001', nextFundingTime: 28_800_000 },
      { type: 'signal', ts: 5, signalId: 's', source: 'm', instrumentId: ID, direction: 'long', confidence: 0.7, timestamp: 5, price: '100.4' },
    ]);
    const data = parseRecordedData(text);
    expect(data.instruments.map((instrument) => [instrument.id, instrument.tickSize.toFixed()])).toEqual([[ID, '0.1']]);
    const second = data.events[1];
    expect(second?.type).toBe('book');
    if (second?.type !== 'book') return;
    expect(second.book.bids.map(([p, s]) => [p.toFixed(), s.toFixed()])).toEqual([['100.2', '4'], ['100.1', '1']]);
    expect(second.book.asks.map(([p, s]) => [p.toFixed(), s.toFixed()])).toEqual([['100.4', '1'], ['100.5', '3']]);
    expect(data.events.map((event) => event.type)).toEqual(['book', 'book', 'trade', 'funding', 'signal']);
    const signal = data.events[4];
    expect(signal?.type === 'signal' && signal.price?.toFixed()).toBe('100.4');
  });

  it('rejects time going backwards and invalid signals', () => {
    const back = toJsonl([
      { type: 'mark-price', ts: 5, instrumentId: ID, markPrice: '1' },
      { type: 'mark-price', ts: 4, instrumentId: ID, markPrice: '1' },
    ]);
    expect(() => parseRecordedData(back)).toThrow(/line 2/);
    const badSignal = toJsonl([{ type: 'signal', ts: 1, signalId: 's', source: 'm', instrumentId: ID, direction: 'up', confidence: 2, timestamp: 1 }]);
    expect(() => parseRecordedData(badSignal)).toThrow(/TradingSignal/);
  });

  it('converts recorded OKX books pushes (snapshot then updates)', () => {
    const pushes = [
      JSON.stringify({ event: 'subscribe', arg: { channel: 'books', instId: 'BTC-USDT-SWAP' } }),
      JSON.stringify({ arg: { channel: 'books', instId: 'BTC-USDT-SWAP' }, action: 'snapshot', data: [{ asks: [['100.5', '3', '0', '1']], bids: [['100.1', '1', '0', '2']], ts: '1000', checksum: 0, prevSeqId: -1, seqId: 1 }] }),
      JSON.stringify({ arg: { channel: 'books', instId: 'BTC-USDT-SWAP' }, action: 'update', data: [{ asks: [['100.5', '0', '0', '0']], bids: [], ts: '1100', checksum: 0, prevSeqId: 1, seqId: 2 }] }),
    ].join('\n');
    const lines = convertOkxBooks(pushes);
    expect(lines).toEqual([
      { type: 'book', ts: 1000, instrumentId: ID, action: 'snapshot', bids: [['100.1', '1']], asks: [['100.5', '3']] },
      { type: 'book', ts: 1100, instrumentId: ID, action: 'update', bids: [], asks: [['100.5', '0']] },
    ]);
    const data = parseRecordedData(toJsonl(lines));
    const last = data.events[1];
    expect(last?.type === 'book' && last.book.asks.length).toBe(0);
  });
});
