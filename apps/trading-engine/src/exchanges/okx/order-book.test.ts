import { describe, expect, it } from 'vitest';
import { recordBooksStream } from '@trading/exchange-sim';
import { OkxOrderBook } from './order-book.js';
import { parseBooksPush } from './parse.js';

describe('OkxOrderBook against a recorded simulator stream', () => {
  it('applies every message with matching sequence and checksum, ending equal to the last state', () => {
    const lines = recordBooksStream({ seed: 5, instId: 'ETH-USDT-SWAP', messages: 400, generator: { depth: 60 } });
    const book = new OkxOrderBook('okx:ETH-USDT-SWAP');
    let differing = 0;
    const results = lines.map((line) => {
      const push = parseBooksPush(JSON.parse(line));
      if (!push) return 'malformed';
      const result = push.action === 'snapshot' ? book.applySnapshot(push.data) : book.applyUpdate(push.data);
      // The resumed checksum (only the pairs from the shallowest changed rank are recomputed) against a full one.
      if (book.checksum() !== book.checksumViaZlib()) differing += 1;
      return result;
    });
    expect(results.filter((r) => r !== 'ok')).toEqual([]);
    expect(differing).toBe(0);
    const bids = book.levels('bids');
    const asks = book.levels('asks');
    expect(bids.length).toBeGreaterThan(25);
    expect(Number(bids[0]?.[0])).toBeLessThan(Number(asks[0]?.[0]));
  });

  it('keeps the checksum right when a change inside the top 25 shifts the levels below it', () => {
    const book = new OkxOrderBook('okx:BTC-USDT-SWAP');
    const bids = Array.from({ length: 30 }, (_, i) => [String(1000 - i), '1'] as const);
    const asks = Array.from({ length: 3 }, (_, i) => [String(1001 + i), '2'] as const);
    expect(book.applySnapshot({ bids, asks, ts: '1', seqId: 1 })).toBe('ok');
    const changes: (readonly [string, string])[][] = [
      [['990', '5']], // size at rank 10
      [['985.5', '3']], // insert at rank 15: ranks 15… shift
      [['1000', '0']], // remove rank 0: everything shifts
      [['975', '0']], // remove a level below the top 25 (ranks unchanged)
      [['1000.5', '1'], ['960', '1']], // new best and a deep insert in one update
    ];
    let seq = 1;
    for (const change of changes) {
      expect(book.applyUpdate({ bids: change, asks: [], ts: String(seq + 1), prevSeqId: seq, seqId: seq + 1 })).toBe('ok');
      seq += 1;
      expect(book.checksum()).toBe(book.checksumViaZlib());
    }
    // An ask change after bid changes: the interleaved string mixes both sides at each rank.
    expect(book.applyUpdate({ bids: [], asks: [['1002', '0']], ts: '9', prevSeqId: seq, seqId: seq + 1 })).toBe('ok');
    expect(book.checksum()).toBe(book.checksumViaZlib());
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

describe('OkxOrderBook order counts', () => {
  it('keeps the per-level order count OKX sends as the 4th field, in the decimal view', () => {
    const book = new OkxOrderBook('okx:BTC-USDT-SWAP');
    expect(
      book.applySnapshot({
        bids: [['100', '5', '0', '3'], ['99.9', '2', '0', '1']],
        asks: [['100.1', '4', '0', '2'], ['100.2', '7']],
        ts: '1',
        seqId: 10,
      }),
    ).toBe('ok');
    const counts = (levels: readonly (readonly unknown[])[]) => levels.map((level) => level[2]);
    expect(counts(book.view().bids)).toEqual([3, 1]);
    // A level sent without a count has none (not a guessed 0).
    expect(counts(book.view().asks)).toEqual([2, undefined]);
    expect(book.applyUpdate({ bids: [['100', '6', '0', '4'], ['99.9', '0', '0', '0']], asks: [], ts: '2', prevSeqId: 10, seqId: 11 })).toBe('ok');
    expect(book.view().bids.map((level) => [level[0].toFixed(), level[1].toFixed(), level[2]])).toEqual([['100', '6', 4]]);
    // A removed level forgets its count: re-added without one, it has none.
    expect(book.applyUpdate({ bids: [['99.9', '1']], asks: [], ts: '3', prevSeqId: 11, seqId: 12 })).toBe('ok');
    expect(counts(book.view().bids)).toEqual([4, undefined]);
  });

  it('carries the simulator’s counts through a recorded stream', () => {
    const lines = recordBooksStream({ seed: 5, instId: 'ETH-USDT-SWAP', messages: 50, generator: { depth: 20 } });
    const book = new OkxOrderBook('okx:ETH-USDT-SWAP');
    for (const line of lines) {
      const push = parseBooksPush(JSON.parse(line));
      if (!push) throw new Error('malformed');
      expect(push.action === 'snapshot' ? book.applySnapshot(push.data) : book.applyUpdate(push.data)).toBe('ok');
    }
    const bids = book.view().bids;
    expect(bids.length).toBeGreaterThan(5);
    expect(bids.every((level) => typeof level[2] === 'number' && level[2] >= 1)).toBe(true);
  });
});
