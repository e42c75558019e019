/**
 * OKX margin in paper trading: the liquidation-price formula against worked examples (isolated long/short, cross),
 * liquidation booked at the liquidation price, funding payments at the funding times. The worked examples are the
 * ones in docs/paper-trading.md (checked there with 40-digit arithmetic; decimal.js keeps 20 significant digits).
 */
import { describe, expect, it } from 'vitest';
import { BTC_SWAP, book, d, fills, paperRig, record } from './fixtures.js';
import { liquidationPrice, fundingPayment } from '../../src/paper/margin.js';

const BTC = BTC_SWAP.id;
const MMR = d('0.005');
const FEE = d('0.0005');

describe('liquidation price formula (linear, OKX)', () => {
  // 1 BTC (100 contracts × 0.01) at 50 000, 10× isolated: margin 5 000.
  it.each([
    { name: 'isolated long', quantity: '100', margin: '5000', expected: '45248.868778280542986' },
    { name: 'isolated short', quantity: '-100', margin: '5000', expected: '54699.154649428145201' },
    {
      name: 'cross long, 9 975 free equity',
      quantity: '100',
      margin: '9975',
      expected: '40246.354952237305178',
    },
    { name: 'long over-margined (cannot be liquidated)', quantity: '100', margin: '60000', expected: '0' },
  ])('$name', ({ quantity, margin, expected }) => {
    const price = liquidationPrice({
      quantity: d(quantity),
      contractValue: d('0.01'),
      averageEntryPrice: d(50000),
      margin: d(margin),
      maintenanceMarginRate: MMR,
      liquidationFeeRate: FEE,
    });
    expect(price?.toFixed()).toBe(expected);
  });

  it('is null when flat', () => {
    expect(
      liquidationPrice({
        quantity: d(0),
        contractValue: d(1),
        averageEntryPrice: d(1),
        margin: d(1),
        maintenanceMarginRate: MMR,
        liquidationFeeRate: FEE,
      }),
    ).toBeNull();
  });

  it('at the liquidation price, equity equals maintenance margin plus the liquidation fee', () => {
    const liq = d('45248.868778280542986');
    const equity = d(5000).add(liq.sub(50000).mul(1));
    const required = liq.mul(1).mul(MMR.add(FEE));
    expect(equity.sub(required).abs().lt(d('1e-10'))).toBe(true);
  });
});

describe('paper account margin', () => {
  it('isolated: holds margin, reports the liquidation price, liquidates at it and books the loss', async () => {
    const rig = paperRig({ maintenanceMarginRate: () => MMR });
    rig.feed.publish(book(BTC, [[49999.9, 500]], [[50000, 500]], 1_000));
    const account = rig.account('iso', { USDT: '10000' });
    await account.setLeverage(BTC, 10, 'isolated');
    const events = record(account);
    await account.createOrder({
      clientOrderId: 'o1',
      instrumentId: BTC,
      side: 'BUY',
      type: 'MARKET',
      quantity: d(100),
    });
    // Entry: taker fee 50 000 × 1 × 0.0005 = 25; isolated margin 5 000 leaves the cash.
    expect(account.isolatedMargin(BTC).toFixed()).toBe('5000');
    expect(account.cashBalance('USDT').toFixed()).toBe('4975');
    expect(account.liquidationPrice(BTC)?.toFixed()).toBe('45248.868778280542986');

    rig.feed.publish({ type: 'mark-price', instrumentId: BTC, markPrice: d(46000), timestamp: 2_000 });
    expect(account.position(BTC).quantity.toFixed()).toBe('100');
    rig.feed.publish({ type: 'mark-price', instrumentId: BTC, markPrice: d(45000), timestamp: 3_000 });

    const liquidation = fills(events).at(-1);
    expect(liquidation).toMatchObject({ side: 'SELL', role: 'taker' });
    expect(liquidation?.price.toFixed()).toBe('45248.868778280542986');
    expect(liquidation?.quantity.toFixed()).toBe('100');
    // Liquidation fee = taker rate on the closed notional.
    expect(liquidation?.fee.toFixed()).toBe('22.624434389140271493');
    const position = account.position(BTC);
    expect(position.quantity.isZero()).toBe(true);
    // Loss booked: (45 248.868778280542986 − 50 000) × 100 × 0.01.
    expect(position.realizedPnl.toFixed()).toBe('-4751.131221719457014');
    expect(position.fees.toFixed()).toBe('47.624434389140271493');
    // Cash: 4 975 − 22.624434389140271493 (fee) − 4 751.131221719457014 (loss) + 5 000 (margin released).
    const expectedCash = d(4975).sub('22.624434389140271493').sub('4751.131221719457014').add(5000);
    expect(account.cashBalance('USDT').sub(expectedCash).abs().lt(d('1e-12'))).toBe(true);
    expect(account.isolatedMargin(BTC).toFixed()).toBe('0');
  });

  it('isolated short: liquidated when the mark rises to the liquidation price', async () => {
    const rig = paperRig({ maintenanceMarginRate: () => MMR });
    rig.feed.publish(book(BTC, [[50000, 500]], [[50000.1, 500]], 1_000));
    const account = rig.account('short', { USDT: '10000' });
    await account.setLeverage(BTC, 10, 'isolated');
    const events = record(account);
    await account.createOrder({
      clientOrderId: 'o1',
      instrumentId: BTC,
      side: 'SELL',
      type: 'MARKET',
      quantity: d(100),
    });
    expect(account.liquidationPrice(BTC)?.toFixed()).toBe('54699.154649428145201');
    rig.feed.publish({ type: 'mark-price', instrumentId: BTC, markPrice: d(54699), timestamp: 2_000 });
    expect(account.position(BTC).quantity.toFixed()).toBe('-100');
    rig.feed.publish({ type: 'mark-price', instrumentId: BTC, markPrice: d(54700), timestamp: 3_000 });
    expect(fills(events).at(-1)?.price.toFixed()).toBe('54699.154649428145201');
    expect(account.position(BTC).realizedPnl.toFixed()).toBe('-4699.154649428145201');
  });

  it('cross: the whole account equity backs the position', async () => {
    const rig = paperRig({ maintenanceMarginRate: () => MMR });
    rig.feed.publish(book(BTC, [[49999.9, 500]], [[50000, 500]], 1_000));
    const account = rig.account('cross', { USDT: '10000' }, { leverage: 10, marginMode: 'cross' });
    const events = record(account);
    await account.createOrder({
      clientOrderId: 'o1',
      instrumentId: BTC,
      side: 'BUY',
      type: 'MARKET',
      quantity: d(100),
    });
    expect(account.cashBalance('USDT').toFixed()).toBe('9975');
    expect(account.liquidationPrice(BTC)?.toFixed()).toBe('40246.354952237305178');
    rig.feed.publish({ type: 'mark-price', instrumentId: BTC, markPrice: d(45000), timestamp: 2_000 }); // isolated would be gone
    expect(account.position(BTC).quantity.toFixed()).toBe('100');
    rig.feed.publish({ type: 'mark-price', instrumentId: BTC, markPrice: d(40000), timestamp: 3_000 });
    expect(fills(events).at(-1)?.price.toFixed()).toBe('40246.354952237305178');
    expect(account.position(BTC).quantity.isZero()).toBe(true);
    expect(account.position(BTC).realizedPnl.toFixed()).toBe('-9753.645047762694822');
  });

  it('pays and receives funding at the funding time, on the mark', async () => {
    const rig = paperRig();
    rig.feed.publish(book(BTC, [[49999.9, 500]], [[50000, 500]], 1_000));
    const long = rig.account('long', { USDT: '10000' }, { leverage: 5 });
    const short = rig.account('short', { USDT: '10000' }, { leverage: 5 });
    const longEvents = record(long);
    await long.createOrder({
      clientOrderId: 'l1',
      instrumentId: BTC,
      side: 'BUY',
      type: 'LIMIT',
      price: d(50000),
      quantity: d(100),
    });
    await short.createOrder({
      clientOrderId: 's1',
      instrumentId: BTC,
      side: 'SELL',
      type: 'LIMIT',
      price: d('49999.9'),
      quantity: d(100),
    });
    const longCash = long.cashBalance('USDT');
    const shortCash = short.cashBalance('USDT');
    const fundingTime = 8 * 3600 * 1000;
    rig.feed.publish({ type: 'mark-price', instrumentId: BTC, markPrice: d(50000), timestamp: 2_000 });
    rig.feed.publish({
      type: 'funding',
      instrumentId: BTC,
      fundingRate: d('0.0001'),
      nextFundingTime: fundingTime,
      timestamp: 2_000,
    });
    rig.feed.publish({
      type: 'mark-price',
      instrumentId: BTC,
      markPrice: d(50100),
      timestamp: fundingTime - 1,
    });
    expect(long.cashBalance('USDT').eq(longCash)).toBe(true); // not yet due
    rig.feed.publish({ type: 'mark-price', instrumentId: BTC, markPrice: d(50200), timestamp: fundingTime });
    // Due at fundingTime on the mark then (50 100): 1 BTC × 50 100 × 0.0001 = 5.01; longs pay shorts.
    expect(long.cashBalance('USDT').sub(longCash).toFixed()).toBe('-5.01');
    expect(short.cashBalance('USDT').sub(shortCash).toFixed()).toBe('5.01');
    expect(long.position(BTC).funding.toFixed()).toBe('-5.01');
    const funding = longEvents.flatMap((event) => (event.type === 'funding' ? [event.funding] : []));
    expect(funding).toHaveLength(1);
    expect(funding[0]?.timestamp).toBe(fundingTime);
    // Paid once per funding time.
    rig.feed.publish({
      type: 'mark-price',
      instrumentId: BTC,
      markPrice: d(50300),
      timestamp: fundingTime + 1000,
    });
    expect(long.position(BTC).funding.toFixed()).toBe('-5.01');
    expect(fundingPayment(d(-3), d('0.01'), d(40000), d('-0.0002')).toFixed()).toBe('-0.24');
  });
});
