/**
 * Polymarket in paper trading: the fee curve (taker C·feeRate·p·(1−p), maker rebate), the YES/NO complement,
 * tick / min-size / whole-share rejections with the venue's codes, balance checks, settlement at 1 or 0.
 */
import { describe, expect, it } from 'vitest';
import { PM_NO, PM_YES, book, d, fills, paperRig, record, trade } from './fixtures.js';
import { PolymarketFeeModel } from '../../src/paper/fee-model.js';

const YES = PM_YES.id;
const NO = PM_NO.id;

describe('Polymarket fee model', () => {
  const model = new PolymarketFeeModel(d('0.2'));
  it.each([
    { shares: '100', price: '0.4', rate: '0.03', expected: '0.72' },
    { shares: '100', price: '0.5', rate: '0.03', expected: '0.75' },
    { shares: '10', price: '0.99', rate: '0.072', expected: '0.007128' },
    { shares: '1000', price: '0.5', rate: '0', expected: '0' },
  ])('taker fee of $shares shares at $price, rate $rate = $expected', ({ shares, price, rate, expected }) => {
    expect(model.takerFee(d(rate), d(price), d(shares)).toFixed()).toBe(expected);
    expect(model.fee({ ...PM_YES, takerFeeRate: d(rate) }, 'taker', d(price), d(shares)).toFixed()).toBe(
      expected,
    );
  });
  it('pays makers a rebate share of the taker fee (a negative fee)', () => {
    expect(model.fee(PM_YES, 'maker', d('0.4'), d(100)).toFixed()).toBe('-0.144');
  });
});

describe('Polymarket paper account', () => {
  it('charges the taker fee on a marketable buy and debits price × shares + fee', async () => {
    const rig = paperRig();
    rig.feed.publish(book(YES, [[0.39, 100]], [[0.4, 100]], 1_000));
    const account = rig.account('pm', { USDC: '1000' });
    const events = record(account);
    await account.createOrder({
      clientOrderId: 'b1',
      instrumentId: YES,
      side: 'BUY',
      type: 'LIMIT',
      price: d('0.4'),
      quantity: d(100),
    });
    const [fill] = fills(events);
    expect(fill?.fee.toFixed()).toBe('0.72');
    expect(fill?.role).toBe('taker');
    expect(account.cashBalance('USDC').toFixed()).toBe('959.28');
  });

  it('matches a BUY YES against a BUY NO (complement), both as resting and as taker', async () => {
    const rig = paperRig();
    rig.feed.publish(book(YES, [[0.5, 10]], [[0.7, 10]], 1_000));
    rig.feed.publish(book(NO, [[0.3, 10]], [[0.5, 10]], 1_000));
    const account = rig.account('pm', { USDC: '1000' });
    const events = record(account);
    // Resting BUY YES at 0.60: a buyer of NO at 0.40 is the mirror of a seller of YES at 0.60.
    await account.createOrder({
      clientOrderId: 'r1',
      instrumentId: YES,
      side: 'BUY',
      type: 'LIMIT',
      price: d('0.6'),
      quantity: d(10),
    });
    rig.feed.publish(trade(NO, 'BUY', '0.4', '6', 1_001));
    expect(
      fills(events).map((fill) => [
        fill.instrumentId,
        fill.price.toFixed(),
        fill.quantity.toFixed(),
        fill.role,
      ]),
    ).toEqual([[YES, '0.6', '6', 'maker']]);
    // Taker: NO bids at 0.45 appear as YES asks at 0.55, better than the YES book's own 0.70 ask.
    rig.feed.publish(book(NO, [[0.45, 20]], [[0.5, 10]], 1_002));
    await account.createOrder({
      clientOrderId: 't1',
      instrumentId: YES,
      side: 'BUY',
      type: 'LIMIT',
      price: d('0.56'),
      quantity: d(5),
    });
    const last = fills(events).at(-1);
    expect([last?.price.toFixed(), last?.quantity.toFixed(), last?.role]).toEqual(['0.55', '5', 'taker']);
  });

  it.each([
    { name: 'price off the tick', price: '0.555', quantity: '10', code: 'INVALID_ORDER_MIN_TICK_SIZE' },
    { name: 'price above 1 − tick', price: '0.995', quantity: '10', code: 'INVALID_ORDER_MIN_TICK_SIZE' },
    { name: 'price 1', price: '1', quantity: '10', code: 'INVALID_ORDER_MIN_TICK_SIZE' },
    { name: 'below min size', price: '0.5', quantity: '4', code: 'INVALID_ORDER_MIN_SIZE' },
    { name: 'fractional shares', price: '0.5', quantity: '5.5', code: 'INVALID_ORDER_ERROR' },
  ])('rejects $name with $code', async ({ price, quantity, code }) => {
    const rig = paperRig();
    rig.feed.publish(book(YES, [[0.4, 100]], [[0.6, 100]], 1_000));
    const account = rig.account('pm', { USDC: '1000' });
    await expect(
      account.createOrder({
        clientOrderId: 'x',
        instrumentId: YES,
        side: 'BUY',
        type: 'LIMIT',
        price: d(price),
        quantity: d(quantity),
      }),
    ).rejects.toMatchObject({ code });
  });

  it('rejects a buy above the balance and a sell of shares not held', async () => {
    const rig = paperRig();
    rig.feed.publish(book(YES, [[0.4, 100]], [[0.6, 100]], 1_000));
    const account = rig.account('pm', { USDC: '10' });
    await expect(
      account.createOrder({
        clientOrderId: 'b',
        instrumentId: YES,
        side: 'BUY',
        type: 'LIMIT',
        price: d('0.5'),
        quantity: d(30),
      }),
    ).rejects.toMatchObject({ code: 'INVALID_ORDER_NOT_ENOUGH_BALANCE' });
    await expect(
      account.createOrder({
        clientOrderId: 's',
        instrumentId: YES,
        side: 'SELL',
        type: 'LIMIT',
        price: d('0.7'),
        quantity: d(5),
      }),
    ).rejects.toMatchObject({ code: 'INVALID_ORDER_NOT_ENOUGH_BALANCE' });
  });

  it('settles at 1 for the winning token and 0 for the losing one', async () => {
    const rig = paperRig();
    rig.feed.publish(book(YES, [[0.54, 100]], [[0.55, 100]], 1_000));
    rig.feed.publish(book(NO, [[0.44, 100]], [[0.45, 100]], 1_000));
    const account = rig.account('pm', { USDC: '100' });
    await account.createOrder({
      clientOrderId: 'y',
      instrumentId: YES,
      side: 'BUY',
      type: 'LIMIT',
      price: d('0.55'),
      quantity: d(10),
    });
    await account.createOrder({
      clientOrderId: 'n',
      instrumentId: NO,
      side: 'BUY',
      type: 'LIMIT',
      price: d('0.45'),
      quantity: d(20),
    });
    await account.createOrder({
      clientOrderId: 'rest',
      instrumentId: YES,
      side: 'BUY',
      type: 'LIMIT',
      price: d('0.5'),
      quantity: d(10),
    });
    // Fees: 10·0.03·0.55·0.45 = 0.07425 and 20·0.03·0.45·0.55 = 0.1485.
    expect(account.cashBalance('USDC').toFixed()).toBe(
      d(100).sub('5.5').sub('0.07425').sub('9').sub('0.1485').toFixed(),
    );
    const before = account.cashBalance('USDC');
    rig.feed.publish({ type: 'market-resolved', instrumentId: YES, settlementPrice: d(1), timestamp: 2_000 });
    rig.feed.publish({ type: 'market-resolved', instrumentId: NO, settlementPrice: d(0), timestamp: 2_000 });
    expect(account.cashBalance('USDC').sub(before).toFixed()).toBe('10');
    expect(account.position(YES).quantity.isZero()).toBe(true);
    expect(account.position(YES).realizedPnl.toFixed()).toBe('4.5');
    expect(account.position(NO).realizedPnl.toFixed()).toBe('-9');
    expect(await account.fetchOpenOrders()).toHaveLength(0);
  });
});
