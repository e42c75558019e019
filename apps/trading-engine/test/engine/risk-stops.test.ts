/**
 * Continuous risk auto-stops a bot (orders cancelled, optional flatten, RISK_STOPPED, an event with the numbers),
 * a portfolio breach stops every affected bot and only those, and the kill switch stops everything.
 */
import { describe, expect, it } from 'vitest';
import { BTC_SWAP, PM_YES, book, d } from './fixtures.js';
import { engineRig, expectSchemaValid, scripted, settle } from './engine-fixtures.js';

const BTC = BTC_SWAP.id;

describe('continuous risk stop', () => {
  it('stops a bot at its max daily loss: cancels its orders, flattens, reports the numbers', async () => {
    const rig = engineRig();
    rig.okxFeed.publish(book(BTC, [[99.9, 50]], [[100.1, 50]], 1_000));
    rig.engine.createBot(
      rig.spec('loser', { strategy: 'scripted', limits: { maxDailyLoss: '5', flattenOnStop: true } }),
    );
    await rig.engine.startBot('loser');
    scripted.queue(
      'loser',
      {
        type: 'place-order',
        instrumentId: BTC,
        side: 'BUY',
        orderType: 'LIMIT',
        price: d('100.1'),
        quantity: d(10),
      },
      {
        type: 'place-order',
        instrumentId: BTC,
        side: 'SELL',
        orderType: 'LIMIT',
        price: d(110),
        quantity: d(1),
        clientOrderId: 'tp1',
      },
    );
    rig.okxFeed.publish(book(BTC, [[99.9, 50]], [[100.1, 50]], 1_100));
    await settle();
    const bot = rig.engine.bot('loser');
    expect(bot.ledger.position(BTC).quantity.toFixed()).toBe('10');
    expect(bot.tracker.openCount()).toBe(1);

    rig.okxFeed.publish(book(BTC, [[50.5, 100]], [[50.7, 100]], 1_200)); // mid 50.6: not yet (−4.955005)
    expect(bot.state).toBe('RUNNING');
    rig.okxFeed.publish(book(BTC, [[49.9, 100]], [[50.1, 100]], 1_300)); // mid 50: −5.01 − 0.005005 fees
    await settle();
    expect(bot.state).toBe('RISK_STOPPED');
    const breach = rig.sink.ofType('risk-breached').find((event) => event.botId === 'loser');
    expect(breach?.payload).toMatchObject({
      rule: 'max-daily-loss',
      scope: 'bot',
      limit: '5',
      value: '5.015005',
      action: 'risk-stop',
    });
    expect(rig.states('loser').at(-1)).toBe('RISK_STOPPED');
    expect(await bot.execution.port.fetchOpenOrders()).toHaveLength(0);
    // Flattened with a reduce-only market sell at the bid.
    expect(bot.ledger.position(BTC).quantity.toFixed()).toBe('0');
    const flatten = rig.sink.ofType('order-filled').at(-1)?.payload;
    expect(flatten?.order).toMatchObject({
      source: 'risk_stop',
      reduceOnly: true,
      side: 'SELL',
      type: 'MARKET',
    });
    expect(flatten?.fill.price).toBe('49.9');
    expectSchemaValid(rig.sink.events);
  });

  it('stops at max drawdown from the equity peak', async () => {
    const rig = engineRig();
    rig.okxFeed.publish(book(BTC, [[99.9, 50]], [[100.1, 50]], 1_000));
    rig.engine.createBot(
      rig.spec('dd', {
        strategy: 'scripted',
        exchangeConfig: { paperBalances: { USDT: '100' } },
        limits: { maxDailyLoss: '1000', maxDrawdown: 2 },
      }),
    );
    await rig.engine.startBot('dd');
    scripted.queue('dd', {
      type: 'place-order',
      instrumentId: BTC,
      side: 'BUY',
      orderType: 'LIMIT',
      price: d('100.1'),
      quantity: d(10),
    });
    rig.okxFeed.publish(book(BTC, [[99.9, 50]], [[100.1, 50]], 1_100));
    rig.okxFeed.publish(book(BTC, [[119.9, 50]], [[120.1, 50]], 1_200)); // peak: +1.99 − fee
    rig.okxFeed.publish(book(BTC, [[117.9, 50]], [[118.1, 50]], 1_300)); // −0.2 from peak: 0.19 %
    expect(rig.engine.bot('dd').state).toBe('RUNNING');
    rig.okxFeed.publish(book(BTC, [[97.9, 50]], [[98.1, 50]], 1_400)); // −2.2 from a 101.985 peak: 2.157 %
    await settle();
    expect(rig.engine.bot('dd').state).toBe('RISK_STOPPED');
    expect(rig.sink.ofType('risk-breached').at(-1)?.payload.rule).toBe('max-drawdown');
  });
});

describe('portfolio risk', () => {
  it('an exchange breach stops every bot on that exchange and no other', async () => {
    const rig = engineRig({ portfolioLimits: { perExchange: { okx: { maxExposureUsdc: d(15) } } } });
    rig.okxFeed.publish(book(BTC, [[99.9, 50]], [[100.1, 50]], 1_000));
    rig.pmFeed.publish(book(PM_YES.id, [[0.4, 100]], [[0.6, 100]], 1_000));
    rig.engine.createBot(rig.spec('a', { strategy: 'scripted' }));
    rig.engine.createBot(rig.spec('b', { strategy: 'scripted' }));
    rig.engine.createBot(rig.spec('idle-okx', { strategy: 'scripted' }));
    rig.engine.createBot(
      rig.spec('pm', {
        exchange: 'polymarket',
        strategy: 'scripted',
        config: { instrumentId: PM_YES.id },
        exchangeConfig: { paperBalances: { USDC: '1000' } },
      }),
    );
    for (const id of ['a', 'b', 'idle-okx', 'pm']) await rig.engine.startBot(id);
    scripted.queue('a', {
      type: 'place-order',
      instrumentId: BTC,
      side: 'BUY',
      orderType: 'LIMIT',
      price: d('100.1'),
      quantity: d(10),
    });
    rig.okxFeed.publish(book(BTC, [[99.9, 50]], [[100.1, 50]], 1_100));
    expect(rig.engine.portfolio.current().byExchange.okx?.exposureUsdc.toFixed()).toBe('10');
    scripted.queue('b', {
      type: 'place-order',
      instrumentId: BTC,
      side: 'BUY',
      orderType: 'LIMIT',
      price: d('100.1'),
      quantity: d(6),
    });
    rig.okxFeed.publish(book(BTC, [[99.9, 50]], [[100.1, 50]], 1_200));
    await settle();
    expect(['a', 'b', 'idle-okx', 'pm'].map((id) => rig.engine.bot(id).state)).toEqual([
      'RISK_STOPPED',
      'RISK_STOPPED',
      'RISK_STOPPED',
      'RUNNING',
    ]);
    const breaches = rig.sink.ofType('risk-breached');
    expect(
      breaches.map((event) => [event.botId, event.payload.scope, event.payload.rule, event.payload.value]),
    ).toEqual([
      ['a', 'exchange', 'exchange-exposure', '16'],
      ['b', 'exchange', 'exchange-exposure', '16'],
      ['idle-okx', 'exchange', 'exchange-exposure', '16'],
    ]);
    expectSchemaValid(rig.sink.events);
  });

  it('the kill switch stops every bot and refuses starts until released', async () => {
    const rig = engineRig();
    rig.okxFeed.publish(book(BTC, [[99.9, 50]], [[100.1, 50]], 1_000));
    rig.pmFeed.publish(book(PM_YES.id, [[0.4, 100]], [[0.6, 100]], 1_000));
    rig.engine.createBot(rig.spec('q1'));
    rig.engine.createBot(
      rig.spec('q2', {
        exchange: 'polymarket',
        config: { instrumentId: PM_YES.id, quantity: 10 },
        exchangeConfig: {},
      }),
    );
    await rig.engine.startBot('q1');
    await rig.engine.startBot('q2');
    expect(rig.engine.bot('q1').tracker.openCount()).toBe(2);
    // Polymarket has no shorting: the paper venue refuses the ask like the venue would.
    expect(rig.engine.bot('q2').tracker.openCount()).toBe(1);
    expect(
      rig.sink
        .ofType('order-rejected')
        .map((event) => [event.botId, event.payload.source, event.payload.rule]),
    ).toEqual([['q2', 'venue', 'INVALID_ORDER_NOT_ENOUGH_BALANCE']]);
    await rig.engine.killSwitch('operator pressed the red button');
    await settle();
    expect(rig.engine.bot('q1').state).toBe('RISK_STOPPED');
    expect(rig.engine.bot('q2').state).toBe('RISK_STOPPED');
    expect(await rig.engine.bot('q1').execution.port.fetchOpenOrders()).toHaveLength(0);
    expect(await rig.engine.bot('q2').execution.port.fetchOpenOrders()).toHaveLength(0);
    expect(rig.sink.ofType('risk-breached').map((event) => [event.botId, event.payload.scope])).toEqual([
      [null, 'kill-switch'],
      ['q1', 'kill-switch'],
      ['q2', 'kill-switch'],
    ]);
    await expect(rig.engine.startBot('q1')).rejects.toThrow(/kill switch/);
    rig.engine.releaseKillSwitch();
    await rig.engine.startBot('q1');
    expect(rig.engine.bot('q1').state).toBe('RUNNING');
    expectSchemaValid(rig.sink.events);
  });
});
