import { describe, expect, it } from 'vitest';
import { recordBooksStream } from '@trading/exchange-sim';
import { OkxOrderBook } from './order-book.js';
import { parseBooksPush } from './parse.js';

describe('OkxOrderBook against a recorded simulator stream', () => {
  it('applies every message with matching sequence and checksum, ending equal to the last state', () => {
    const lines = recordBooksStream({ seed: 5, instId: 'ETH-USDT-SWAP', messages: 400, generator: { depth: 60 } });
    const book = new OkxOrderBook('okx:ETH-USDT-SWAP');
    const results = lines.map((line) => {
      const push = parseBooksPush(JSON.parse(line));
      if (!push) return 'malformed';
      return push.action === 'snapshot' ? book.applySnapshot(push.data) : book.applyUpdate(push.data);
    });
    expect(results.filter((r) => r !== 'ok')).toEqual([]);
    expect(book.checksum()).toBe(book.checksumViaZlib());
    const bids = book.levels('bids');
    const asks = book.levels('asks');
    expect(bids.length).toBeGreaterThan(25);
    expect(Number(bids[0]?.[0])).toBeLessThan(Number(asks[0]?.[0]));
  });

  it('detects a corrupted level through the checksum even when the sequence chains', () => {
    const lines = recordBooksStream({ seed: 6, messages: 30, generator: { depth: 40 } });
    const book = new OkxOrderBook('okx:BTC-USDT-SWAP');
    const first = parseBooksPush(JSON.parse(lines[0] ?? ''));
    if (!first) throw new Error('snapshot');
    expect(book.applySnapshot(first.data)).toBe('ok');
    const second = parseBooksPush(JSON.parse(lines[1] ?? ''));
    if (!second) throw new Error('update');
    const bid = second.data.bids[0] ?? first.data.bids[0];
    if (!bid) throw new Error('bid');
    const tampered = { ...second.data, bids: [[bid[0], '123456'] as const, ...second.data.bids.slice(1)] };
    expect(book.applyUpdate(tampered)).toBe('checksum');
  });
});
