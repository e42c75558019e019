/**
 * MatchingConfig.queueModel (docs/paper-trading.md, "Queue position"): where size that leaves a resting order's level
 * without a trade is assumed to have been cancelled. 'ahead' (all of it in front of us) only shrinks the queue to
 * the level; 'power' / 'log' spread it over the queue in proportion to f(ahead) and f(behind) (hftbacktest's
 * ProbQueueModel). Expected values are worked out by hand in each case.
 */
import { describe, expect, it } from 'vitest';
import { BTC_SWAP, book, d, fills, paperRig, record, trade } from './fixtures.js';
import type { MatchingConfig } from '../../src/paper/matching-engine.js';
import type { PaperVenueConfig } from '../../src/paper/paper-venue.js';
import type { OrderRequest } from '../../src/ports/execution.js';
import type { BookEvent } from '../../src/ports/market-data.js';

const BTC = BTC_SWAP.id;

function bid(id: string, price: string, quantity: string): OrderRequest {
  return { clientOrderId: id, instrumentId: BTC, side: 'BUY', type: 'LIMIT', price: d(price), quantity: d(quantity) };
}

/**
 * We join a bid level of 6 (6 ahead), 4 more join behind us (level 10), then 3 are cancelled without a trade
 * (level 7). Returns the queue ahead of us after each book.
 */
async function cancelAfterGrowth(config: Partial<MatchingConfig>): Promise<string[]> {
  const rig = paperRig(config);
  rig.feed.publish(book(BTC, [[99, 6]], [[100, 5]], 1_000));
  const account = rig.account('a', { USDT: '100000' }, { leverage: 10 });
  await account.createOrder(bid('b1', '99', '2'));
  const ahead = (): string => rig.venue.matching.restingOrders(BTC)[0]?.queueAhead.toFixed() ?? 'gone';
  const seen = [ahead()];
  rig.feed.publish(book(BTC, [[99, 10]], [[100, 5]], 1_001));
  seen.push(ahead());
  rig.feed.publish(book(BTC, [[99, 7]], [[100, 5]], 1_002));
  seen.push(ahead());
  return seen;
}

/** A book with order counts on its bid levels (best first) and one ask of 5 at 100. */
function countedBids(bids: [number, number, number][], timestamp: number): BookEvent {
  const base = book(BTC, bids.map(([price, size]) => [price, size]), [[100, 5]], timestamp);
  return { ...base, book: { ...base.book, bids: bids.map(([price, size, orders]) => [d(price), d(size), orders]) } };
}

/** A book whose bid level at 99 carries an order count, as OKX `books` levels do. */
function countedBook(size: number, orders: number, timestamp: number): BookEvent {
  const base = book(BTC, [[99, size]], [[100, 5]], timestamp);
  return { ...base, book: { ...base.book, bids: [[d(99), d(size), orders]] } };
}

describe('paper queue model', () => {
  it("'ahead' (the default) assumes every cancellation was ahead: the queue only shrinks to the level", async () => {
    expect(await cancelAfterGrowth({})).toEqual(['6', '6', '6']);
    expect(await cancelAfterGrowth({ queueModel: 'ahead' })).toEqual(['6', '6', '6']);
  });

  it("'power' moves the order forward by cancelled × ahead^k / (ahead^k + behind^k), rounded up to a lot", async () => {
    // k = 1: 3 × 6 / (6 + 4) = 1.8 of the cancelled 3 were ahead → 6 − 1.8 = 4.2.
    expect(await cancelAfterGrowth({ queueModel: 'power', queueExponent: 1 })).toEqual(['6', '6', '4.2']);
    // k = 2 (the default exponent): 3 × 36 / 52 = 2.0769… → 3.923… → 3.93 (lot 0.01, rounded up: never optimistic).
    expect(await cancelAfterGrowth({ queueModel: 'power' })).toEqual(['6', '6', '3.93']);
    // k = 3: 3 × 216 / 280 = 2.314… → 3.6857… → 3.69.
    expect(await cancelAfterGrowth({ queueModel: 'power', queueExponent: 3 })).toEqual(['6', '6', '3.69']);
  });

  it("'log' weighs the queue by ln(1 + size)", async () => {
    // 3 × ln 7 / (ln 7 + ln 5) = 1.6419… → 4.3580… → 4.36.
    expect(await cancelAfterGrowth({ queueModel: 'log' })).toEqual(['6', '6', '4.36']);
  });

  it('with nothing behind us every cancellation is ahead, whatever the model', async () => {
    const rig = paperRig({ queueModel: 'power', queueExponent: 1 });
    rig.feed.publish(book(BTC, [[99, 6]], [[100, 5]], 1_000));
    const account = rig.account('a', { USDT: '100000' }, { leverage: 10 });
    await account.createOrder(bid('b1', '99', '2'));
    rig.feed.publish(book(BTC, [[99, 4]], [[100, 5]], 1_001));
    expect(rig.venue.matching.restingOrders(BTC)[0]?.queueAhead.toFixed()).toBe('4');
  });

  it('a cancellation larger than the size behind us takes the excess from ahead of us', async () => {
    // Ahead 2, behind 4 (level 6) → 0.5: 5.5 cancelled; k = 2 puts 5.5 × 16/20 = 4.4 behind, but only 4 are there,
    // so 1.1 + 0.4 come from ahead → 0.5 = the whole remaining level.
    const rig = paperRig({ queueModel: 'power' });
    rig.feed.publish(book(BTC, [[99, 2]], [[100, 5]], 1_000));
    const account = rig.account('a', { USDT: '100000' }, { leverage: 10 });
    await account.createOrder(bid('b1', '99', '2'));
    rig.feed.publish(book(BTC, [[99, 6]], [[100, 5]], 1_001));
    rig.feed.publish(book(BTC, [[99, 0.5]], [[100, 5]], 1_002));
    expect(rig.venue.matching.restingOrders(BTC)[0]?.queueAhead.toFixed()).toBe('0.5');
  });

  it('size that left the level by trading is not counted again as a cancellation', async () => {
    const rig = paperRig({ queueModel: 'power', queueExponent: 1 });
    rig.feed.publish(book(BTC, [[99, 6]], [[100, 5]], 1_000));
    const account = rig.account('a', { USDT: '100000' }, { leverage: 10 });
    const events = record(account);
    await account.createOrder(bid('b1', '99', '2'));
    rig.feed.publish(book(BTC, [[99, 10]], [[100, 5]], 1_001)); // 6 ahead, 4 behind
    rig.feed.publish(trade(BTC, 'SELL', '99', '3', 1_002)); // eats 3 of the 6 ahead
    rig.feed.publish(book(BTC, [[99, 7]], [[100, 5]], 1_003)); // 10 − 3 traded = 7: nothing was cancelled
    expect(rig.venue.matching.restingOrders(BTC)[0]?.queueAhead.toFixed()).toBe('3');
    // Then 2 cancelled (7 → 5): 2 × 3 / (3 + 4) = 0.857… ahead → 2.142… → 2.15.
    rig.feed.publish(book(BTC, [[99, 5]], [[100, 5]], 1_004));
    expect(rig.venue.matching.restingOrders(BTC)[0]?.queueAhead.toFixed()).toBe('2.15');
    // A print of 3 at our price eats the 2.15 ahead and fills us with the remaining 0.85.
    rig.feed.publish(trade(BTC, 'SELL', '99', '3', 1_005));
    // The print's fill is reported once its sweep is over (sweepFills 'per-taker'): here, when time moves on.
    rig.venue.advance(1_006);
    expect(fills(events).map((fill) => [fill.price.toFixed(), fill.quantity.toFixed(), fill.role])).toEqual([
      ['99', '0.85', 'maker'],
    ]);
  });

  it('with order counts, a level that grew without a trade and kept its count had an order re-entered behind us', async () => {
    // One order of 6 ahead of us; the book then shows 9 in still one order, nothing traded: that order was replaced
    // (or amended up) and lost its priority → 6 − 6/1 = 0 ahead. With three orders: 6 − 6/3 = 4 in expectation.
    async function regrow(config: Partial<MatchingConfig>, orders: number): Promise<string> {
      const rig = paperRig(config);
      rig.feed.publish(countedBook(6, orders, 1_000));
      const account = rig.account('a', { USDT: '100000' }, { leverage: 10 });
      await account.createOrder(bid('b1', '99', '2'));
      rig.feed.publish(countedBook(9, orders, 1_001));
      return rig.venue.matching.restingOrders(BTC)[0]?.queueAhead.toFixed() ?? 'gone';
    }
    expect(await regrow({ queueModel: 'power' }, 1)).toBe('0');
    expect(await regrow({ queueModel: 'log' }, 3)).toBe('4');
    // One more order (a new one behind us) or the pessimistic model: nothing moves.
    expect(await regrow({ queueModel: 'ahead' }, 1)).toBe('6');
    const rig = paperRig({ queueModel: 'power' });
    rig.feed.publish(countedBook(6, 1, 1_000));
    const account = rig.account('a', { USDT: '100000' }, { leverage: 10 });
    await account.createOrder(bid('b1', '99', '2'));
    rig.feed.publish(countedBook(9, 2, 1_001));
    expect(rig.venue.matching.restingOrders(BTC)[0]?.queueAhead.toFixed()).toBe('6');
  });

  it('with order counts, a level that shrank without a trade and kept its count had an order resized behind us', async () => {
    // One order of 6 ahead; the book then shows 4 in still one order, nothing traded: the order was resized (cancel +
    // new order) and is behind us → 0 ahead. Three orders: 6 − 6/3 = 4, then capped by the level (4).
    // Without counts (or with one order fewer: a cancellation), the power model's cancellation split applies.
    async function shrink(config: Partial<MatchingConfig>, before: number, after: number): Promise<string> {
      const rig = paperRig(config);
      rig.feed.publish(countedBook(6, before, 1_000));
      const account = rig.account('a', { USDT: '100000' }, { leverage: 10 });
      await account.createOrder(bid('b1', '99', '2'));
      rig.feed.publish(countedBook(4, after, 1_001));
      return rig.venue.matching.restingOrders(BTC)[0]?.queueAhead.toFixed() ?? 'gone';
    }
    expect(await shrink({ queueModel: 'power' }, 1, 1)).toBe('0');
    expect(await shrink({ queueModel: 'power' }, 3, 3)).toBe('4');
    // Nothing behind us, so the 2 that left were all ahead: 6 − 2 = 4.
    expect(await shrink({ queueModel: 'power' }, 2, 1)).toBe('4');
    expect(await shrink({ queueModel: 'ahead' }, 1, 1)).toBe('4');
  });

  it('refuses a bad exponent or model name with the field named', () => {
    expect(() => paperRig({ queueModel: 'power', queueExponent: 0 })).toThrow(/queueExponent/);
    expect(() => paperRig({ queueModel: 'front' as MatchingConfig['queueModel'] })).toThrow(/queueModel/);
    expect(() => paperRig({ queueModel: 'power', hiddenReplaces: 'guess' as MatchingConfig['hiddenReplaces'] })).toThrow(/hiddenReplaces/);
  });

  describe('hidden replaces (an order ahead re-entered at its own size: the level shows no change)', () => {
    /**
     * A feed in which the single order at 99 is replaced often: 70 of our bids, one after the other, each joins
     * behind it; every second one first sees an update that changes nothing, then each sees a replace the feed
     * shows (same count, size 6 ↔ 7: it goes to the back, we are at the front) and is cancelled. Then bid `last`
     * joins behind the order (6) and one more update changes nothing. Returns the queue ahead of `last` and its
     * fills after a sell print of 2 at 99.
     */
    async function replacedOften(config: Partial<MatchingConfig>, visibleReplaces = true): Promise<{ ahead: string; filled: string[] }> {
      const rig = paperRig(config);
      let time = 1_000;
      let size = 6;
      rig.feed.publish(countedBook(size, 1, time));
      const account = rig.account('a', { USDT: '1000000' }, { leverage: 10 });
      for (let index = 0; index < 70; index += 1) {
        await account.createOrder(bid(`b${String(index)}`, '99', '2'));
        if (index % 2 === 0) rig.feed.publish(countedBook(size, 1, (time += 1)));
        if (visibleReplaces) size = size === 6 ? 7 : 6;
        rig.feed.publish(countedBook(size, 1, (time += 1)));
        await account.cancelOrder(BTC, `b${String(index)}`);
      }
      if (size !== 6) rig.feed.publish(countedBook((size = 6), 1, (time += 1)));
      const events = record(account);
      await account.createOrder(bid('last', '99', '2'));
      rig.feed.publish(countedBook(size, 1, (time += 1)));
      const ahead = rig.venue.matching.restingOrders(BTC)[0]?.queueAhead.toFixed() ?? 'gone';
      rig.feed.publish(trade(BTC, 'SELL', '99', '2', time + 1));
      rig.venue.advance(time + 2);
      return { ahead, filled: fills(events).map((fill) => fill.quantity.toFixed()) };
    }

    it('an update that changes nothing moved the order ahead behind us with the probability the feed suggests', async () => {
      // 70 visible replaces against 35 updates without a change; the sizes seen at the level are about half 6, half
      // 7, so two orders have the same size with q ≈ 0.5 and a replace hides as often as it shows: per quiet update
      // P(hidden) ≈ (70 / 35) · q / (1 − q) ≈ 2 → certain. The quiet update before the print put `last` at the
      // front: the print of 2 fills it, as a matching engine would after the hidden replace.
      expect(await replacedOften({ queueModel: 'power' })).toEqual({ ahead: '0', filled: ['2'] });
      expect(await replacedOften({ queueModel: 'log', hiddenReplaces: 'estimate' })).toEqual({ ahead: '0', filled: ['2'] });
    });

    it('without replaces the feed shows, or with the estimate off, an unchanged level changes nothing', async () => {
      expect(await replacedOften({ queueModel: 'power' }, false)).toEqual({ ahead: '6', filled: [] });
      expect(await replacedOften({ queueModel: 'power', hiddenReplaces: 'off' })).toEqual({ ahead: '6', filled: [] });
      expect(await replacedOften({ queueModel: 'ahead' })).toEqual({ ahead: '6', filled: [] });
    });

    it("uses the replace rate of the level's rank: replaces at the best level are not diluted by quiet deeper levels", async () => {
      const rig = paperRig({ queueModel: 'power' });
      let time = 1_000;
      let size = 6;
      rig.feed.publish(countedBids([[99, size, 1]], time));
      const account = rig.account('a', { USDT: '10000000' }, { leverage: 10 });
      let next = 0;
      const place = async (count: number): Promise<string[]> => {
        const ids: string[] = [];
        for (let index = 0; index < count; index += 1) {
          const id = `o${String((next += 1))}`;
          ids.push(id);
          await account.createOrder(bid(id, '99', '1'));
        }
        return ids;
      };
      const cancel = async (ids: string[]): Promise<void> => {
        for (const id of ids) await account.cancelOrder(BTC, id);
      };
      // At the best level (rank 0) the single order is replaced often: 12 orders see 10 replaces the feed shows
      // (6 ↔ 7, 120 updates) and 3 unchanged updates (36), so P(hidden) per quiet update there is ≈ 120/36 · q/(1 − q),
      // q ≈ ½ from the sizes: certain.
      for (let round = 0; round < 10; round += 1) {
        const ids = await place(12);
        if (round < 3) rig.feed.publish(countedBids([[99, size, 1]], (time += 1)));
        size = size === 6 ? 7 : 6;
        rig.feed.publish(countedBids([[99, size, 1]], (time += 1)));
        await cancel(ids);
      }
      // One level deeper (rank 1, two orders: no size samples) nothing is ever replaced: 20 orders × 100 unchanged
      // updates. Pooled with the best level, the rate would be 120 / 2 036 · q/(1 − q) ≈ 0.06.
      const deep = await place(20);
      for (let update = 0; update < 100; update += 1) rig.feed.publish(countedBids([[99.5, 4, 1], [99, 12, 2]], (time += 1)));
      await cancel(deep);
      rig.feed.publish(countedBids([[99, size, 1]], (time += 1)));
      await account.createOrder(bid('last', '99', '1'));
      rig.feed.publish(countedBids([[99, size, 1]], time + 1));
      const last = rig.venue.matching.restingOrders(BTC).find((order) => order.request.clientOrderId === 'last');
      expect(last?.queueAhead.toFixed()).toBe('0');
    });
  });

  it('with order counts, a level that changed by more than the prints at it, at an unchanged count, had an order resized', async () => {
    // One order of 6 ahead; a sell print of 2 at 99 eats 2 of it (4 ahead); the book then shows 9 in still one order,
    // not the 4 the print left: the order was also replaced, and is behind us whether before or after the print.
    async function printAndRegrow(level: number): Promise<string> {
      const rig = paperRig({ queueModel: 'power' });
      rig.feed.publish(countedBook(6, 1, 1_000));
      const account = rig.account('a', { USDT: '100000' }, { leverage: 10 });
      await account.createOrder(bid('b1', '99', '2'));
      rig.feed.publish(trade(BTC, 'SELL', '99', '2', 1_001));
      rig.feed.publish(countedBook(level, 1, 1_002));
      return rig.venue.matching.restingOrders(BTC)[0]?.queueAhead.toFixed() ?? 'gone';
    }
    expect(await printAndRegrow(9)).toBe('0');
    // What the print left (6 − 2 = 4): the same order, partly traded; nothing moves.
    expect(await printAndRegrow(4)).toBe('4');
  });

  describe('crossed prints (a buyer took an ask at or below our resting bid)', () => {
    async function crossed(config: Partial<MatchingConfig>): Promise<string[][]> {
      const rig = paperRig(config);
      rig.feed.publish(book(BTC, [[99, 6]], [[100, 5]], 1_000));
      const account = rig.account('a', { USDT: '100000' }, { leverage: 10 });
      const events = record(account);
      await account.createOrder(bid('b1', '99', '2'));
      // The ask at 98.9 rested below our bid: on the venue it traded with our bid when it arrived.
      rig.feed.publish(trade(BTC, 'BUY', '98.9', '1', 1_001));
      // A buyer above our bid says nothing about us.
      rig.feed.publish(trade(BTC, 'BUY', '99.5', '3', 1_002));
      return fills(events).map((fill) => [fill.price.toFixed(), fill.quantity.toFixed(), fill.role]);
    }

    it('fill the resting order as maker at its price, up to the print', async () => {
      expect(await crossed({ queueModel: 'power' })).toEqual([['99', '1', 'maker']]);
      expect(await crossed({ queueModel: 'log', printAllocation: 'shared' })).toEqual([['99', '1', 'maker']]);
    });

    it("are skipped with crossedPrints 'ignore' and by the 'ahead' model", async () => {
      expect(await crossed({ queueModel: 'power', crossedPrints: 'ignore' })).toEqual([]);
      expect(await crossed({ queueModel: 'ahead' })).toEqual([]);
    });
  });

  describe('one taker, one fill (sweepFills)', () => {
    /**
     * One seller sweeps 99 (1 ahead of us, then us) and 98.9 at one timestamp: our bid of 2 fills 1 + 1. Returns the
     * fills reported right after the prints, then after `then`: the next book ('book') or two event-loop turns
     * with no market event ('turn').
     */
    async function sweepThen(config: Partial<PaperVenueConfig>, then: 'book' | 'turn'): Promise<{ before: string[]; after: string[] }> {
      const rig = paperRig(config);
      rig.feed.publish(book(BTC, [[99, 1]], [[100, 5]], 1_000));
      const account = rig.account('a', { USDT: '100000' }, { leverage: 10 });
      const events = record(account);
      await account.createOrder(bid('b1', '99', '2'));
      rig.feed.publish(trade(BTC, 'SELL', '99', '2', 1_001));
      rig.feed.publish(trade(BTC, 'SELL', '98.9', '3', 1_001));
      const reported = (): string[] => fills(events).map((fill) => `${fill.quantity.toFixed()}@${fill.price.toFixed()}`);
      const before = reported();
      if (then === 'book') rig.feed.publish(book(BTC, [[98.8, 4]], [[100, 5]], 1_001));
      else {
        await new Promise((resolve) => setImmediate(resolve));
        await new Promise((resolve) => setImmediate(resolve));
      }
      const after = reported();
      rig.venue.close();
      return { before, after };
    }

    const sweep = (config: Partial<MatchingConfig>): Promise<{ before: string[]; after: string[] }> => sweepThen(config, 'book');

    it('reports one order filled by one sweep as one fill once the sweep is over', async () => {
      expect(await sweep({ queueModel: 'power' })).toEqual({ before: [], after: ['2@99'] });
      expect(await sweep({ queueModel: 'power', printAllocation: 'shared' })).toEqual({ before: [], after: ['2@99'] });
    });

    it("sweepClose 'next-tick' (the engine's venue) reports the sweep on the next turn, with no market event after it", async () => {
      // One sweep, one fill, and it no longer waits for the market's next event.
      expect(await sweepThen({ queueModel: 'power', sweepClose: 'next-tick' }, 'turn')).toEqual({ before: [], after: ['2@99'] });
      // The default (backtests, fidelity: deterministic on a simulated clock) still waits for that event.
      expect(await sweepThen({ queueModel: 'power' }, 'turn')).toEqual({ before: [], after: [] });
    });

    it("reports every print's fill with sweepFills 'per-print' and with the 'ahead' model", async () => {
      expect(await sweep({ queueModel: 'power', sweepFills: 'per-print' })).toEqual({ before: ['1@99', '1@99'], after: ['1@99', '1@99'] });
      expect(await sweep({ queueModel: 'ahead' })).toEqual({ before: ['1@99', '1@99'], after: ['1@99', '1@99'] });
    });

    it('a print of another aggressor or a later time ends the sweep', async () => {
      const rig = paperRig({ queueModel: 'power' });
      rig.feed.publish(book(BTC, [[99, 1]], [[100, 5]], 1_000));
      const account = rig.account('a', { USDT: '100000' }, { leverage: 10 });
      const events = record(account);
      await account.createOrder(bid('b1', '99', '3'));
      rig.feed.publish(trade(BTC, 'SELL', '99', '2', 1_001));
      rig.feed.publish(trade(BTC, 'SELL', '98.9', '1', 1_002));
      expect(fills(events).map((fill) => fill.quantity.toFixed())).toEqual(['1']);
      rig.feed.publish(trade(BTC, 'BUY', '100', '1', 1_002));
      expect(fills(events).map((fill) => fill.quantity.toFixed())).toEqual(['1', '1']);
    });
  });
});
