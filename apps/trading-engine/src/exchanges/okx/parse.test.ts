import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OkxOrderBook } from './order-book.js';
import { parseBalances, parseBooksPush, parseInstrument, parseOkxError, parseOrder, parsePosition } from './parse.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));
const firstRow = (name: string): unknown => (fixture(name) as { data: unknown[] }).data[0];

describe('OKX parse (recorded OKX payloads)', () => {
  it('applies a books snapshot and update with OKX checksums and seqId chain', () => {
    const book = new OkxOrderBook('okx:ETH-USDT');
    const snap = parseBooksPush(fixture('books-snapshot.json'));
    expect(snap?.action).toBe('snapshot');
    expect(snap && book.applySnapshot(snap.data)).toBe('ok');
    const upd = parseBooksPush(fixture('books-update.json'));
    expect(upd && book.applyUpdate(upd.data)).toBe('ok');
    expect(book.levels('bids')).toEqual([['3366.5', '3'], ['3366.1', '7'], ['3366', '6']]);
    expect(book.levels('asks')).toEqual([['3368', '8']]);
    expect(book.sequence).toBe(123457);
    const view = book.view();
    expect(view.bids[0]?.[0].toString()).toBe('3366.5');
  });

  it('reports a sequence gap and a checksum mismatch', () => {
    const book = new OkxOrderBook('okx:ETH-USDT');
    const snap = parseBooksPush(fixture('books-snapshot.json'));
    if (!snap) throw new Error('fixture');
    book.applySnapshot(snap.data);
    const gap = parseBooksPush(fixture('books-update-gap.json'));
    expect(gap && book.applyUpdate(gap.data)).toBe('gap');
    expect(book.isInitialized).toBe(false);
    book.applySnapshot(snap.data);
    const upd = parseBooksPush(fixture('books-update.json'));
    if (!upd) throw new Error('fixture');
    expect(book.applyUpdate({ ...upd.data, checksum: 12345 })).toBe('checksum');
  });

  it('drops malformed book pushes instead of throwing', () => {
    expect(parseBooksPush(fixture('books-malformed.json'))).toBeNull();
    expect(parseBooksPush(null)).toBeNull();
    expect(parseBooksPush({ arg: {}, data: 'x' })).toBeNull();
  });

  it('parses an orders push with a fill (fees positive when paid)', () => {
    const parsed = parseOrder(firstRow('orders-fill.json'));
    expect(parsed?.order).toMatchObject({ clientOrderId: 'bot1abc', exchangeOrderId: '452197707845865472', status: 'PARTIALLY_FILLED', side: 'BUY', type: 'LIMIT', instrumentId: 'okx:BTC-USDT-SWAP' });
    expect(parsed?.order.fee.toString()).toBe('0.15');
    expect(parsed?.fill).toMatchObject({ fillId: '242589207:452197707845865472', role: 'taker', feeCurrency: 'USDT' });
    expect(parsed?.fill?.quantity.toString()).toBe('0.5');
    expect(parseOrder({ ...(firstRow('orders-fill.json') as object), sz: 'abc' })).toBeNull();
  });

  it('parses positions, balances and instruments', () => {
    expect(parsePosition(firstRow('positions-push.json'))).toMatchObject({ instrumentId: 'okx:ETH-USD-210430', marginMode: 'isolated', leverage: 10 });
    const balances = parseBalances(firstRow('account-push.json'));
    expect(balances?.[0]?.currency).toBe('USDT');
    expect(balances?.[0]?.total.toString()).toBe('4750.426970691436');
    const swap = parseInstrument(fixture('instrument-swap.json'));
    expect(swap).toMatchObject({ kind: 'swap', base: 'BTC', quote: 'USDT', settleCurrency: 'USDT', maxLeverage: 100 });
    expect(swap?.contractValue.toString()).toBe('0.01');
  });

  it('reads OKX error envelopes', () => {
    expect(parseOkxError(fixture('error-insufficient.json'))).toMatchObject({ code: '1', sCode: '51008' });
    expect(parseOkxError(fixture('error-auth.json'))).toMatchObject({ code: '50113' });
    expect(parseOkxError(fixture('error-rate-limit.json'))).toMatchObject({ code: '50011' });
    expect(parseOkxError(new Error('socket hang up'))).toBeNull();
  });
});
