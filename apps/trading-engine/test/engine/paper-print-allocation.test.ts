/**
 * MatchingConfig.printAllocation 'shared' (docs/paper-trading.md, "Trade prints"): one print fills the resting paper
 * orders together, never more than its size, in the aggressor's priority; fills through an order's price are taken
 * off the same sweep's later prints. 'per-order' (default) keeps the historical model: each order sees the whole
 * print. MatchingConfig.liquidityMemory 'while-shown' keeps displayed liquidity that paper orders took until the
 * level disappears ('next-book', default: until the next book update). Cases from the fidelity harness
 * (src/fidelity), where the simulator's matching engine was the reference.
 */
import { describe, expect, it } from 'vitest';
import { BTC_SWAP, book, d, fills, paperRig, record, trade } from './fixtures.js';
import type { OrderRequest } from '../../src/ports/execution.js';

const BTC = BTC_SWAP.id;

function bid(id: string, price: string, quantity: string): OrderRequest {
  return { clientOrderId: id, instrumentId: BTC, side: 'BUY', type: 'LIMIT', price: d(price), quantity: d(quantity) };
}

function filled(events: ReturnType<typeof record>): string[][] {
  return fills(events).map((fill) => [fill.clientOrderId, fill.price.toFixed(), fill.quantity.toFixed()]);
}

async function sweepScenario(printAllocation: 'per-order' | 'shared'): Promise<string[][]> {
  // Our bids: 2 at 100.1 (alone, best) and 2 at 100.0 behind 3 displayed. A seller sweeps 4: on a real book it
  // fills our 100.1 bid (2) and 2 of the 3 ahead of us at 100.0, so our 100.0 bid gets nothing. Without us the
  // same seller prints 3 at 100.0 and 1 at 99.9 — the prints a paper venue sees.
  const rig = paperRig({ printAllocation });
  rig.feed.publish(book(BTC, [[100, 3], [99.9, 5]], [[100.3, 5]], 1_000));
  const account = rig.account('a', { USDT: '100000' }, { leverage: 10 });
  const events = record(account);
  await account.createOrder(bid('best', '100.1', '2'));
  await account.createOrder(bid('behind', '100', '2'));
  rig.feed.publish(trade(BTC, 'SELL', '100', '3', 1_001));
  rig.feed.publish(trade(BTC, 'SELL', '99.9', '1', 1_001));
  return filled(events);
}

describe('paper trade-print allocation', () => {
  it("'per-order' (default) lets every order see the whole sweep", async () => {
    expect(await sweepScenario('per-order')).toEqual([
      ['best', '100.1', '2'],
      ['behind', '100', '1'],
    ]);
  });

  it("'shared' takes what the better-priced order got off the sweep's later prints", async () => {
    expect(await sweepScenario('shared')).toEqual([['best', '100.1', '2']]);
  });

  it("'shared' never fills more than one print's size across several orders, best price first", async () => {
    const rig = paperRig({ printAllocation: 'shared' });
    rig.feed.publish(book(BTC, [[99, 5]], [[101, 5]], 1_000));
    const account = rig.account('a', { USDT: '100000' }, { leverage: 10 });
    const events = record(account);
    await account.createOrder(bid('low', '100.2', '2'));
    await account.createOrder(bid('high', '100.4', '2'));
    // One print of 3 through both bids: 2 to the better bid, the remaining 1 to the other.
    rig.feed.publish(trade(BTC, 'SELL', '100', '3', 1_001));
    expect(filled(events)).toEqual([
      ['high', '100.4', '2'],
      ['low', '100.2', '1'],
    ]);
  });

  it("'shared' still eats the displayed queue ahead first at the print's price, then fills in arrival order", async () => {
    const rig = paperRig({ printAllocation: 'shared' });
    rig.feed.publish(book(BTC, [[100, 3]], [[101, 5]], 1_000));
    const account = rig.account('a', { USDT: '100000' }, { leverage: 10 });
    const events = record(account);
    await account.createOrder(bid('first', '100', '1'));
    await account.createOrder(bid('second', '100', '2'));
    rig.feed.publish(trade(BTC, 'SELL', '100', '2', 1_001)); // 2 of the 3 ahead
    expect(filled(events)).toEqual([]);
    rig.feed.publish(trade(BTC, 'SELL', '100', '3', 1_002)); // 1 ahead, then 1 to `first`, 1 to `second`
    expect(filled(events)).toEqual([
      ['first', '100', '1'],
      ['second', '100', '1'],
    ]);
    const resting = rig.venue.matching.restingOrders(BTC);
    expect(resting.map((order) => [order.request.clientOrderId, order.queueAhead.toFixed()])).toEqual([['second', '0']]);
  });
});

describe('paper liquidity memory', () => {
  async function twoTakers(liquidityMemory: 'next-book' | 'while-shown'): Promise<string[][]> {
    const rig = paperRig({ liquidityMemory });
    rig.feed.publish(book(BTC, [[99, 5]], [[100, 3]], 1_000));
    const account = rig.account('a', { USDT: '100000' }, { leverage: 10 });
    const events = record(account);
    await account.createOrder({ ...bid('t1', '100', '2'), type: 'IOC' });
    // The feed never shows the paper order's impact: the next update still displays 3 at 100.
    rig.feed.publish(book(BTC, [[99, 6]], [[100, 3]], 1_001));
    await account.createOrder({ ...bid('t2', '100', '2'), type: 'IOC' });
    return fills(events).map((fill) => [fill.clientOrderId, fill.quantity.toFixed(), fill.role]);
  }

  it("'next-book' (default) forgets what paper orders took at the next book update", async () => {
    expect(await twoTakers('next-book')).toEqual([
      ['t1', '2', 'taker'],
      ['t2', '2', 'taker'],
    ]);
  });

  it("'while-shown' keeps it taken while the level is displayed (capped at its size), so 3 shown fill 3", async () => {
    expect(await twoTakers('while-shown')).toEqual([
      ['t1', '2', 'taker'],
      ['t2', '1', 'taker'],
    ]);
  });
});
