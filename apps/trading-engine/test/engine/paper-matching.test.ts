/**
 * Paper matching invariants: fills only at prices that traded or were quoted, quantity conserved across partial
 * fills, queue position respected, fees applied, latency as simulated time, immediate order types.
 */
import { describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { BTC_SWAP, book, d, fills, paperRig, record, trade } from './fixtures.js';
import type { OrderRequest, OrderState } from '../../src/ports/execution.js';

const BTC = BTC_SWAP.id;

function limit(
  id: string,
  side: 'BUY' | 'SELL',
  price: string,
  quantity: string,
  type: OrderRequest['type'] = 'LIMIT',
): OrderRequest {
  return { clientOrderId: id, instrumentId: BTC, side, type, price: d(price), quantity: d(quantity) };
}

function lastOrder(events: ReturnType<typeof record>, id: string): OrderState | undefined {
  return events
    .flatMap((event) => (event.type === 'order' && event.order.clientOrderId === id ? [event.order] : []))
    .at(-1);
}

describe('paper matching', () => {
  it('walks the book for a marketable order (slippage), then rests the remainder', async () => {
    const rig = paperRig();
    rig.feed.publish(
      book(
        BTC,
        [[99, 5]],
        [
          [100, 1],
          [101, 2],
          [102, 5],
        ],
        1_000,
      ),
    );
    const account = rig.account('a', { USDT: '100000' }, { leverage: 10 });
    const events = record(account);
    await account.createOrder(limit('b1', 'BUY', '101.5', '4'));
    const got = fills(events);
    expect(got.map((fill) => [fill.price.toFixed(), fill.quantity.toFixed(), fill.role])).toEqual([
      ['100', '1', 'taker'],
      ['101', '2', 'taker'],
    ]);
    // Taker fee: price × quantity × contract value × 0.0005.
    expect(got.map((fill) => fill.fee.toFixed())).toEqual(['0.0005', '0.00101']);
    const order = lastOrder(events, 'b1');
    expect(order?.status).toBe('PARTIALLY_FILLED');
    expect(order?.filledQuantity.toFixed()).toBe('3');
    expect(order?.averageFillPrice?.toFixed()).toBe(d(302).div(3).toFixed());
    expect(rig.venue.matching.restingOrders(BTC)).toHaveLength(1);
  });

  it('never fills a resting order through a price that did not trade, and respects the queue ahead', async () => {
    const rig = paperRig();
    rig.feed.publish(book(BTC, [[99, 3]], [[100, 5]], 1_000));
    const account = rig.account('a', { USDT: '100000' }, { leverage: 10 });
    const events = record(account);
    await account.createOrder(limit('b1', 'BUY', '99', '2'));
    expect(rig.venue.matching.restingOrders(BTC)[0]?.queueAhead.toFixed()).toBe('3');
    rig.feed.publish(trade(BTC, 'SELL', '99.5', '10', 1_001)); // above our bid: cannot fill us
    rig.feed.publish(trade(BTC, 'BUY', '98', '10', 1_002)); // buyer-initiated: does not hit bids
    rig.feed.publish(trade(BTC, 'SELL', '99', '2', 1_003)); // eats 2 of the 3 ahead of us
    expect(fills(events)).toHaveLength(0);
    expect(rig.venue.matching.restingOrders(BTC)[0]?.queueAhead.toFixed()).toBe('1');
    rig.feed.publish(trade(BTC, 'SELL', '99', '1.5', 1_004)); // 1 ahead, 0.5 for us
    rig.feed.publish(trade(BTC, 'SELL', '98', '10', 1_005)); // through our price: the rest, at OUR price
    const got = fills(events);
    expect(got.map((fill) => [fill.price.toFixed(), fill.quantity.toFixed(), fill.role])).toEqual([
      ['99', '0.5', 'maker'],
      ['99', '1.5', 'maker'],
    ]);
    // Maker fee: 99 × 0.5 × 0.01 × 0.0002.
    expect(got[0]?.fee.toFixed()).toBe('0.000099');
    const order = lastOrder(events, 'b1');
    expect(order?.status).toBe('FILLED');
    // Quantity conserved: the partial fills sum to the order quantity, never more.
    expect(got.reduce((sum, fill) => sum.add(fill.quantity), new Decimal(0)).toFixed()).toBe('2');
  });

  it('shrinks the queue ahead when the level shrinks (cancellations ahead of us)', async () => {
    const rig = paperRig();
    rig.feed.publish(book(BTC, [[99, 3]], [[100, 5]], 1_000));
    const account = rig.account('a', { USDT: '100000' }, { leverage: 10 });
    const events = record(account);
    await account.createOrder(limit('b1', 'BUY', '99', '1'));
    rig.feed.publish(book(BTC, [[99, 0.5]], [[100, 5]], 1_001));
    rig.feed.publish(trade(BTC, 'SELL', '99', '1', 1_002));
    expect(fills(events).map((fill) => fill.quantity.toFixed())).toEqual(['0.5']);
  });

  it('fills a resting order as maker at its own price when the book crosses it', async () => {
    const rig = paperRig();
    rig.feed.publish(book(BTC, [[99, 3]], [[100, 5]], 1_000));
    const account = rig.account('a', { USDT: '100000' }, { leverage: 10 });
    const events = record(account);
    await account.createOrder(limit('s1', 'SELL', '100.5', '3'));
    rig.feed.publish(
      book(
        BTC,
        [
          [100.7, 1],
          [100.6, 1],
          [100.4, 9],
        ],
        [[101, 5]],
        1_001,
      ),
    );
    expect(fills(events).map((fill) => [fill.price.toFixed(), fill.quantity.toFixed(), fill.role])).toEqual([
      ['100.5', '1', 'maker'],
      ['100.5', '1', 'maker'],
    ]);
  });

  it('does not let two paper orders take the same displayed liquidity', async () => {
    const rig = paperRig();
    rig.feed.publish(
      book(
        BTC,
        [[99, 5]],
        [
          [100, 1],
          [101, 1],
        ],
        1_000,
      ),
    );
    const first = rig.account('a', { USDT: '100000' }, { leverage: 10 });
    const second = rig.account('b', { USDT: '100000' }, { leverage: 10 });
    const secondEvents = record(second);
    await first.createOrder(limit('x1', 'BUY', '100', '1'));
    await second.createOrder(limit('y1', 'BUY', '101', '1.5'));
    expect(fills(secondEvents).map((fill) => [fill.price.toFixed(), fill.quantity.toFixed()])).toEqual([
      ['101', '1'],
    ]);
  });

  it('applies latency as simulated time: the order meets the book at its arrival, not at its sending', async () => {
    const rig = paperRig({ latencyMs: 50 });
    rig.feed.publish(book(BTC, [[99, 5]], [[100, 5]], 1_000));
    const account = rig.account('a', { USDT: '100000' }, { leverage: 10 });
    const events = record(account);
    const ack = await account.createOrder(limit('b1', 'BUY', '103', '1'));
    expect(ack.status).toBe('PENDING');
    rig.feed.publish(book(BTC, [[104, 5]], [[105, 5]], 1_020)); // the market moved before we arrived
    expect(fills(events)).toHaveLength(0);
    rig.clock.set(1_050);
    rig.venue.advance(1_050);
    expect(fills(events)).toHaveLength(0);
    expect(lastOrder(events, 'b1')?.status).toBe('OPEN');
    // A cancel also takes 50 ms: a trade in between still fills the order.
    await account.cancelOrder(BTC, 'b1');
    rig.feed.publish(trade(BTC, 'SELL', '102', '1', 1_060));
    rig.feed.publish(trade(BTC, 'SELL', '102', '1', 1_200));
    expect(fills(events).map((fill) => fill.price.toFixed())).toEqual(['103']);
    expect(lastOrder(events, 'b1')?.status).toBe('FILLED');
  });

  it('handles MARKET, IOC, FOK and POST_ONLY like the venue', async () => {
    const rig = paperRig();
    rig.feed.publish(
      book(
        BTC,
        [[99, 5]],
        [
          [100, 1],
          [101, 1],
        ],
        1_000,
      ),
    );
    const account = rig.account('a', { USDT: '100000' }, { leverage: 10 });
    const events = record(account);
    await account.createOrder({
      clientOrderId: 'f1',
      instrumentId: BTC,
      side: 'BUY',
      type: 'FOK',
      price: d(101),
      quantity: d(3),
    });
    expect(lastOrder(events, 'f1')?.status).toBe('CANCELLED');
    expect(fills(events)).toHaveLength(0);
    await expect(account.createOrder(limit('p1', 'BUY', '100', '1', 'POST_ONLY'))).rejects.toThrow(
      /post-only/,
    );
    await account.createOrder(limit('i1', 'BUY', '100', '3', 'IOC'));
    expect(lastOrder(events, 'i1')).toMatchObject({ status: 'CANCELLED' });
    expect(lastOrder(events, 'i1')?.filledQuantity.toFixed()).toBe('1');
    await account.createOrder({
      clientOrderId: 'm1',
      instrumentId: BTC,
      side: 'SELL',
      type: 'MARKET',
      quantity: d(2),
    });
    expect(fills(events).at(-1)).toMatchObject({ clientOrderId: 'm1', role: 'taker' });
    expect(fills(events).at(-1)?.price.toFixed()).toBe('99');
  });

  it('rejects tick, lot and min-size violations with the venue code, before anything rests', async () => {
    const rig = paperRig();
    rig.feed.publish(book(BTC, [[99, 5]], [[100, 5]], 1_000));
    const account = rig.account('a', { USDT: '100000' });
    await expect(account.createOrder(limit('t1', 'BUY', '99.05', '1'))).rejects.toMatchObject({
      code: '51000',
    });
    await expect(account.createOrder(limit('t2', 'BUY', '99', '1.005'))).rejects.toMatchObject({
      code: '51121',
    });
    await expect(account.createOrder(limit('t3', 'BUY', '99', '0.001'))).rejects.toMatchObject({
      code: '51121',
    });
    expect(rig.venue.matching.restingOrders(BTC)).toHaveLength(0);
  });
});
