import { describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { OrderBook, type BookSide, type TimeInForce } from './order-book.js';

const d = (v: string | number) => new Decimal(v);
let n = 0;
function order(side: BookSide, price: string | undefined, qty: string, timeInForce: TimeInForce = 'GTC', owner = 'a') {
  n++;
  return { id: `o${String(n)}`, owner, side, price: price === undefined ? undefined : d(price), quantity: d(qty), timeInForce, meta: null };
}

describe('OrderBook', () => {
  it('matches price-time priority at the maker price with partial fills', () => {
    const book = new OrderBook();
    const first = book.submit(order('sell', '101', '1'));
    const second = book.submit(order('sell', '101', '2'));
    book.submit(order('sell', '100', '1'));
    const res = book.submit(order('buy', '101', '2.5', 'GTC', 'b'));
    expect(res.outcome).toBe('filled');
    expect(res.fills.map((f) => [f.maker.id, f.price.toString(), f.quantity.toString()])).toEqual([
      [expect.any(String), '100', '1'],
      [first.resting?.id, '101', '1'],
      [second.resting?.id, '101', '0.5'],
    ]);
    expect(book.depth('sell')).toEqual([[d(101), d('1.5'), 1]]);
    expect(book.get(second.resting?.id ?? '')?.remaining.toString()).toBe('1.5');
  });

  it('never fills through a price that could not trade and conserves quantity', () => {
    const book = new OrderBook();
    book.submit(order('sell', '105', '3'));
    const res = book.submit(order('buy', '104', '2'));
    expect(res.outcome).toBe('rested');
    expect(res.fills).toHaveLength(0);
    expect(book.bestBid()?.toString()).toBe('104');
    const taker = book.submit(order('sell', '100', '5'));
    const total = taker.fills.reduce((s, f) => s.plus(f.quantity), d(0));
    expect(total.plus(taker.remaining).toString()).toBe('5');
    expect(taker.fills.every((f) => f.price.gte(100))).toBe(true);
    expect(book.bestAsk()?.toString()).toBe('100');
  });

  it('rejects post-only that would cross and FOK that cannot fill; IOC cancels the rest', () => {
    const book = new OrderBook();
    book.submit(order('sell', '100', '1'));
    expect(book.submit(order('buy', '100', '1', 'POST_ONLY')).outcome).toBe('rejected-post-only');
    expect(book.submit(order('buy', '100', '2', 'FOK')).outcome).toBe('rejected-fok');
    expect(book.depth('sell')[0]?.[1].toString()).toBe('1');
    const ioc = book.submit(order('buy', '100', '3', 'IOC'));
    expect(ioc.outcome).toBe('partially-filled-cancelled');
    expect(ioc.remaining.toString()).toBe('2');
    expect(book.depth('buy')).toEqual([]);
    const market = book.submit(order('buy', undefined, '1'));
    expect(market.outcome).toBe('cancelled-no-fill');
  });

  it('reports level changes and amends with the right priority', () => {
    const changes: string[] = [];
    const book = new OrderBook({ onLevelChange: (s, p, t) => changes.push(`${s}:${p.toString()}:${t.toString()}`) });
    const a = book.submit(order('buy', '99', '2'));
    const b = book.submit(order('buy', '99', '1'));
    book.amend(a.resting?.id ?? '', { quantity: d(1) });
    expect(book.get(a.resting?.id ?? '')?.sequence).toBeLessThan(book.get(b.resting?.id ?? '')?.sequence ?? 0);
    book.amend(a.resting?.id ?? '', { quantity: d(3) });
    expect(book.get(a.resting?.id ?? '')?.sequence).toBeGreaterThan(book.get(b.resting?.id ?? '')?.sequence ?? 0);
    book.cancel(b.resting?.id ?? '');
    book.cancel(a.resting?.id ?? '');
    expect(changes).toEqual(['buy:99:2', 'buy:99:3', 'buy:99:2', 'buy:99:1', 'buy:99:4', 'buy:99:3', 'buy:99:0']);
  });

  it('keeps every level total equal to the sum of its orders under random flow', () => {
    const book = new OrderBook();
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let i = 0; i < 2000; i++) {
      const side: BookSide = rnd() < 0.5 ? 'buy' : 'sell';
      const price = (95 + Math.floor(rnd() * 10)).toString();
      const qty = (1 + Math.floor(rnd() * 5)).toString();
      const res = book.submit(order(side, price, qty));
      const filled = res.fills.reduce((s, f) => s.plus(f.quantity), d(0));
      expect(filled.plus(res.remaining).toString()).toBe(qty);
      const bid = book.bestBid();
      const ask = book.bestAsk();
      if (bid && ask) expect(bid.lt(ask)).toBe(true);
    }
    for (const side of ['buy', 'sell'] as const) {
      for (const [price, total] of book.depth(side)) {
        const sum = [...book.orders()].filter((o) => o.side === side && o.price.eq(price)).reduce((s, o) => s.plus(o.remaining), d(0));
        expect(sum.toString()).toBe(total.toString());
      }
    }
  });
});
