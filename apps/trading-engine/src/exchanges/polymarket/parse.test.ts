import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { LocalBook } from './local-book.js';
import { marketEventSchema, parseFrame, takerFee, userEventSchema } from './parse.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');

describe('market channel parsing', () => {
  it('parses a book frame (array) and normalizes best-first, whatever the venue order', () => {
    const { events, dropped } = parseFrame(fixture('book.json'), marketEventSchema);
    expect(dropped).toBe(0);
    const e = events[0];
    if (e?.event_type !== 'book') throw new Error('expected a book');
    const book = new LocalBook('polymarket:1');
    book.snapshot(e.bids, e.asks, Number(e.timestamp));
    const v = book.view();
    expect(v.bids.map(([p, s]) => `${p.toString()}x${s.toString()}`)).toEqual(['0.48x1520.5', '0.47x200', '0.46x300']);
    expect(v.asks.map(([p, s]) => `${p.toString()}x${s.toString()}`)).toEqual(['0.51x88.12', '0.52x100', '0.53x400']);
    expect(v.timestamp).toBe(1764151200123);
  });

  it('applies price_change level totals (0 removes) for the subscribed token only', () => {
    const book = new LocalBook('polymarket:1');
    const snap = parseFrame(fixture('book.json'), marketEventSchema).events[0];
    if (snap?.event_type !== 'book') throw new Error('expected a book');
    book.snapshot(snap.bids, snap.asks, 1);
    const { events } = parseFrame(fixture('price-change.json'), marketEventSchema);
    const e = events[0];
    if (e?.event_type !== 'price_change') throw new Error('expected price_change');
    for (const c of e.price_changes) if (c.asset_id === snap.asset_id) book.setLevel(c.side, c.price, c.size, Number(e.timestamp));
    const v = book.view();
    expect(v.bids[0]?.[0].toString()).toBe('0.47');
    expect(v.asks[0]?.map((x) => x.toString())).toEqual(['0.505', '12.5']);
    expect(e.price_changes).toHaveLength(3);
  });

  it('parses last_trade_price with exact decimals', () => {
    const e = parseFrame(fixture('last-trade-price.json'), marketEventSchema).events[0];
    if (e?.event_type !== 'last_trade_price') throw new Error('expected last_trade_price');
    expect(new Decimal(e.price).toString()).toBe('0.51');
    expect(e.fee_rate_bps).toBe('720');
  });

  it('drops malformed events without throwing and keeps the valid ones', () => {
    const { events, dropped } = parseFrame(fixture('malformed.json'), marketEventSchema);
    expect(dropped).toBe(4);
    expect(events.map((e) => e.event_type)).toEqual(['tick_size_change']);
    expect(parseFrame('not json', marketEventSchema)).toEqual({ events: [], dropped: 1 });
  });
});

describe('user channel parsing', () => {
  it('parses an order PLACEMENT', () => {
    const { events, dropped } = parseFrame(fixture('order-placement.json'), userEventSchema);
    expect(dropped).toBe(0);
    const e = events[0];
    if (e?.event_type !== 'order') throw new Error('expected order');
    expect([e.type, e.status, e.original_size, e.size_matched]).toEqual(['PLACEMENT', 'LIVE', '10', '0']);
  });

  it('parses a MATCHED trade with maker orders in the complement token, and the fee formula', () => {
    const e = parseFrame(fixture('trade-matched.json'), userEventSchema).events[0];
    if (e?.event_type !== 'trade') throw new Error('expected trade');
    expect(e.status).toBe('MATCHED');
    expect(e.maker_orders[0]?.price).toBe('0.43');
    // 10 × 0.072 × 0.57 × 0.43 = 0.176472
    expect(takerFee(new Decimal(e.size), e.fee_rate_bps, new Decimal(e.price)).toString()).toBe('0.176472');
  });

  it('normalizes ORDER_STATUS_* spellings', () => {
    const raw = JSON.parse(fixture('order-placement.json')) as Record<string, unknown>;
    const e = userEventSchema.safeParse({ ...raw, status: 'ORDER_STATUS_LIVE' });
    expect(e.success && e.data.status).toBe('LIVE');
  });
});
