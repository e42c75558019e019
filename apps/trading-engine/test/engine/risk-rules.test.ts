/**
 * A table test per risk rule: pre-trade (venue rules, max order size, max order notional, max position, max
 * exposure, max leverage, price band, order rate), continuous (max daily loss, max drawdown, liquidation buffer)
 * and portfolio limits (total and per exchange), each with passing and failing rows. Plus: a denied order
 * reaches the strategy as an order-denied event naming the rule, and an order-rejected event is emitted.
 */
import { describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { firstPreTradeViolation } from '../../src/risk/pre-trade.js';
import { firstContinuousViolation, type ContinuousInput } from '../../src/risk/continuous.js';
import { parseRiskLimits } from '../../src/risk/limits.js';
import { portfolioBreaches } from '../../src/risk/portfolio-limits.js';
import { OrderRateWindow } from '../../src/risk/order-rate-window.js';
import { suggestedOrderSize } from '../../src/risk/suggested-size.js';
import type { PreTradeInput } from '../../src/risk/types.js';
import type { LedgerFigures } from '../../src/portfolio/bot-ledger.js';
import { BTC_SWAP, PM_YES, book, d } from './fixtures.js';
import { engineRig, expectSchemaValid, scripted, settle } from './engine-fixtures.js';

const limits = parseRiskLimits({
  maxDailyLoss: '500',
  maxDrawdown: 20,
  maxPositionSize: '10',
  maxOrderSize: '5',
  maxOrderNotional: '4',
  maxExposure: '8',
  maxOrdersPerMinute: 3,
  maxLeverage: 20,
  priceBandPct: 5,
  liquidationBufferPct: 10,
});

type InputOverrides = Partial<Omit<PreTradeInput, 'order'>> & { order?: Partial<PreTradeInput['order']> };

function input(overrides: InputOverrides = {}): PreTradeInput {
  const { order, ...rest } = overrides;
  return {
    order: { side: 'BUY', type: 'LIMIT', price: d(100), quantity: d(1), reduceOnly: false, ...order },
    instrument: BTC_SWAP,
    limits,
    position: d(0),
    openSameSide: d(0),
    referencePrice: d(100),
    exposure: d(0),
    leverage: null,
    ordersLastMinute: 0,
    ...rest,
  };
}

describe('pre-trade rules', () => {
  it.each<[string, InputOverrides, string | null]>([
    ['a plain order passes', {}, null],
    // venue rules
    ['price off the tick', { order: { price: d('100.05') } }, 'venue-tick-size'],
    ['quantity off the lot', { order: { quantity: d('1.001') } }, 'venue-lot-size'],
    ['below the min size', { instrument: { ...BTC_SWAP, minSize: d(2), lotSize: d(1) } }, 'venue-min-size'],
    [
      'Polymarket price out of range',
      { instrument: PM_YES, order: { price: d('0.995'), quantity: d(10) }, referencePrice: null },
      'venue-tick-size',
    ],
    [
      'Polymarket price 1',
      { instrument: PM_YES, order: { price: d('1'), quantity: d(10) }, referencePrice: null },
      'venue-price-range',
    ],
    [
      'Polymarket below min size',
      { instrument: PM_YES, order: { price: d('0.5'), quantity: d(4) }, referencePrice: null },
      'venue-min-size',
    ],
    // max order size
    ['order size at the limit', { order: { quantity: d(4) } }, null],
    [
      'order size above the limit',
      { order: { quantity: d(6) }, instrument: { ...BTC_SWAP, contractValue: d('0.001') } },
      'max-order-size',
    ],
    // max order notional (100 × q × 0.01)
    ['notional at the limit', { order: { quantity: d(4) } }, null],
    ['notional above the limit', { order: { quantity: d('4.01') } }, 'max-order-notional'],
    [
      'market order notional on the reference price',
      { order: { type: 'MARKET', price: null, quantity: d('4.5') } },
      'max-order-notional',
    ],
    // max position (open orders included; reducing always allowed)
    [
      'position within the limit',
      { position: d(6), order: { quantity: d(3) }, instrument: { ...BTC_SWAP, contractValue: d('0.001') } },
      null,
    ],
    [
      'open orders push it over',
      {
        position: d(6),
        openSameSide: d(2),
        order: { quantity: d(3) },
        instrument: { ...BTC_SWAP, contractValue: d('0.001') },
      },
      'max-position',
    ],
    [
      'short side counts too',
      {
        position: d(-8),
        order: { side: 'SELL', quantity: d(3) },
        instrument: { ...BTC_SWAP, contractValue: d('0.001') },
      },
      'max-position',
    ],
    [
      'reducing an oversized position is allowed',
      { position: d(12), order: { side: 'SELL', quantity: d(1) } },
      null,
    ],
    // max exposure
    ['exposure within the limit', { exposure: d(4), order: { quantity: d(3) } }, null],
    ['exposure above the limit', { exposure: d(6), order: { quantity: d(3) } }, 'max-exposure'],
    // max leverage
    ['leverage at the limit', { leverage: 20 }, null],
    ['leverage above the limit', { leverage: 25 }, 'max-leverage'],
    // price band (fat finger)
    ['price inside the band', { order: { price: d(105) } }, null],
    ['price outside the band', { order: { price: d('105.1') } }, 'price-band'],
    ['sell price far below the mark', { order: { side: 'SELL', price: d(90) } }, 'price-band'],
    [
      'no reference price: band not applied',
      { order: { price: d(200), quantity: d(1) }, referencePrice: null, exposure: d(0) },
      null,
    ],
    // order rate
    ['under the order rate', { ordersLastMinute: 2 }, null],
    ['at the order rate', { ordersLastMinute: 3 }, 'order-rate'],
  ])('%s', (_name, overrides, expected) => {
    const violation = firstPreTradeViolation(input(overrides));
    expect(violation?.rule ?? null).toBe(expected);
    if (violation) {
      expect(violation.message.length).toBeGreaterThan(0);
      expect(violation.limit.length).toBeGreaterThan(0);
    }
  });

  it('counts orders in a rolling 60 s window', () => {
    const window = new OrderRateWindow();
    window.record(0);
    window.record(30_000);
    window.record(59_999);
    expect(window.count(59_999)).toBe(3);
    expect(window.count(60_000)).toBe(2);
    expect(window.count(120_000)).toBe(0);
  });

  it('suggests the largest size the limits allow, on the lot, or zero below the min size', () => {
    // Notional 4 at 100 × 0.01 → 4 contracts; order size 5; room to max position 10.
    expect(suggestedOrderSize(BTC_SWAP, limits, 'BUY', d(100), d(0), d(0)).toFixed()).toBe('4');
    expect(suggestedOrderSize(BTC_SWAP, limits, 'BUY', d(100), d(8), d('1.5')).toFixed()).toBe('0.5');
    expect(suggestedOrderSize(BTC_SWAP, limits, 'SELL', d(100), d(8), d(0)).toFixed()).toBe('4');
    expect(suggestedOrderSize(BTC_SWAP, limits, 'BUY', d(100), d(10), d(0)).toFixed()).toBe('0');
    expect(suggestedOrderSize(BTC_SWAP, limits, 'BUY', d(300), d(0), d(0)).toFixed()).toBe('1.33');
  });
});

function figures(overrides: Partial<LedgerFigures>): LedgerFigures {
  const zero = new Decimal(0);
  return {
    currency: 'USDT',
    realizedPnl: zero,
    unrealizedPnl: zero,
    fees: zero,
    funding: zero,
    totalPnl: zero,
    equity: d(1000),
    peakEquity: d(1000),
    drawdownPct: zero,
    dailyPnl: zero,
    exposure: zero,
    volume: zero,
    tradeCount: 0,
    ...overrides,
  };
}

describe('continuous rules', () => {
  it.each<[string, Partial<ContinuousInput> & { f?: Partial<LedgerFigures> }, string | null]>([
    ['all within limits', {}, null],
    ['daily loss under the limit', { f: { dailyPnl: d('-499.99') } }, null],
    ['daily loss at the limit', { f: { dailyPnl: d('-500') } }, 'max-daily-loss'],
    ['a daily gain', { f: { dailyPnl: d('800') } }, null],
    ['drawdown under the limit', { f: { drawdownPct: d('19.99') } }, null],
    ['drawdown at the limit', { f: { drawdownPct: d('20') } }, 'max-drawdown'],
    [
      'mark far from liquidation',
      { liquidation: [{ instrumentId: BTC_SWAP.id, markPrice: d(50000), liquidationPrice: d(44000) }] },
      null,
    ],
    [
      'mark within the buffer',
      { liquidation: [{ instrumentId: BTC_SWAP.id, markPrice: d(50000), liquidationPrice: d(45500) }] },
      'liquidation-buffer',
    ],
    [
      'short within the buffer',
      { liquidation: [{ instrumentId: BTC_SWAP.id, markPrice: d(50000), liquidationPrice: d(54000) }] },
      'liquidation-buffer',
    ],
  ])('%s', (_name, { f, ...rest }, expected) => {
    const violation = firstContinuousViolation({
      figures: figures(f ?? {}),
      limits,
      liquidation: [],
      ...rest,
    });
    expect(violation?.rule ?? null).toBe(expected);
  });
});

describe('portfolio limits', () => {
  const zero = new Decimal(0);
  const totals = (exposure: string, pnl: string, okx: [string, string], pm: [string, string]) => ({
    exposureUsdc: d(exposure),
    dailyPnlUsdc: d(pnl),
    byExchange: {
      okx: { exposureUsdc: d(okx[0]), dailyPnlUsdc: d(okx[1]) },
      polymarket: { exposureUsdc: d(pm[0]), dailyPnlUsdc: d(pm[1]) },
    },
  });
  const portfolioLimits = {
    maxTotalExposureUsdc: d(10000),
    maxTotalDailyLossUsdc: d(1000),
    perExchange: {
      okx: { maxExposureUsdc: d(6000), maxDailyLossUsdc: d(600) },
      polymarket: { maxExposureUsdc: zero.add(5000) },
    },
  };
  it.each<[string, ReturnType<typeof totals>, string[]]>([
    ['within every limit', totals('9000', '-500', ['5000', '-300'], ['4000', '-200']), []],
    [
      'total exposure',
      totals('10001', '0', ['5000', '0'], ['5001', '0']),
      ['portfolio-exposure:all', 'exchange-exposure:polymarket'],
    ],
    [
      'total daily loss',
      totals('100', '-1000', ['50', '-500'], ['50', '-500']),
      ['portfolio-daily-loss:all'],
    ],
    ['okx exposure only', totals('6500', '0', ['6500', '0'], ['0', '0']), ['exchange-exposure:okx']],
    ['okx daily loss only', totals('100', '-650', ['100', '-650'], ['0', '0']), ['exchange-daily-loss:okx']],
  ])('%s', (_name, current, expected) => {
    expect(
      portfolioBreaches(current, portfolioLimits).map(
        (breach) => `${breach.rule}:${breach.exchange ?? 'all'}`,
      ),
    ).toEqual(expected);
  });
});

describe('risk in the engine', () => {
  it('denies an order before it leaves the engine: order-rejected event + order-denied to the strategy', async () => {
    const rig = engineRig();
    rig.okxFeed.publish(book(BTC_SWAP.id, [[99.9, 5]], [[100.1, 5]], 1_000));
    rig.engine.createBot(
      rig.spec('r', { strategy: 'scripted', limits: { maxOrderSize: '2', priceBandPct: 1 } }),
    );
    await rig.engine.startBot('r');
    const placed = () => rig.engine.bot('r').tracker.openCount();
    scripted.queue(
      'r',
      {
        type: 'place-order',
        instrumentId: BTC_SWAP.id,
        side: 'BUY',
        orderType: 'LIMIT',
        price: d(99),
        quantity: d(3),
      },
      {
        type: 'place-order',
        instrumentId: BTC_SWAP.id,
        side: 'BUY',
        orderType: 'LIMIT',
        price: d(90),
        quantity: d(1),
      },
      {
        type: 'place-order',
        instrumentId: BTC_SWAP.id,
        side: 'BUY',
        orderType: 'LIMIT',
        price: d('99.95'),
        quantity: d(1),
      },
      {
        type: 'place-order',
        instrumentId: BTC_SWAP.id,
        side: 'BUY',
        orderType: 'LIMIT',
        price: d(99),
        quantity: d(1),
      },
    );
    rig.okxFeed.publish(book(BTC_SWAP.id, [[99.9, 5]], [[100.1, 5]], 1_100));
    await settle();
    expect(scripted.seen('r')).toEqual([
      'denied:risk:max-order-size',
      'denied:risk:price-band',
      'denied:risk:venue-tick-size',
    ]);
    expect(placed()).toBe(1);
    const rejected = rig.sink
      .ofType('order-rejected')
      .map((event) => [event.payload.source, event.payload.rule]);
    expect(rejected).toEqual([
      ['risk', 'max-order-size'],
      ['risk', 'price-band'],
      ['risk', 'venue-tick-size'],
    ]);
    expectSchemaValid(rig.sink.events);
  });

  it('refuses leverage above the limit (set-leverage intent)', async () => {
    const rig = engineRig();
    rig.okxFeed.publish(book(BTC_SWAP.id, [[99.9, 5]], [[100.1, 5]], 1_000));
    rig.engine.createBot(rig.spec('lev', { strategy: 'scripted', limits: { maxLeverage: 5 } }));
    await rig.engine.startBot('lev');
    scripted.queue('lev', {
      type: 'set-leverage',
      instrumentId: BTC_SWAP.id,
      leverage: 10,
      marginMode: 'cross',
    });
    rig.okxFeed.publish(book(BTC_SWAP.id, [[99.9, 5]], [[100.1, 5]], 1_100));
    expect(scripted.seen('lev')).toEqual(['denied:risk:max-leverage']);
  });
});
