/**
 * A bot on two venues: the arbitrage strategy (probability mode) on a Polymarket token, priced from and hedged on
 * OKX. One paper bot, both venues' in-memory feeds: the token leg fills on the Polymarket paper account, the delta
 * hedge on the bot's OKX paper account, and the engine's events name each leg's venue.
 */
import { describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import type { BotSpec } from '@trading/shared-types';
import { createKernel } from '../../src/kernel.js';
import { MemoryEventSink } from '../../src/core/bus.js';
import { SimulatedClock } from '../../src/core/sim-clock.js';
import { InMemoryMarketData } from '../../src/engines/in-memory-market-data.js';
import { StaticInstruments } from '../../src/engines/static-instruments.js';
import { defaultStrategies } from '../../src/strategies/index.js';
import { binaryAboveStrike } from '../../src/strategies/strategy-kit.js';
import { BTC_SWAP, PM_NO, PM_YES, book, d } from './fixtures.js';
import { expectSchemaValid, settle } from './engine-fixtures.js';

const NOW = 1_767_571_200_000;
const EXPIRY = NOW + 7 * 86_400_000;

function rig() {
  const clock = new SimulatedClock(NOW);
  const okxFeed = new InMemoryMarketData(clock);
  const pmFeed = new InMemoryMarketData(clock);
  const sink = new MemoryEventSink();
  const kernel = createKernel({
    engineId: 'cross-venue',
    clock,
    sink,
    strategies: defaultStrategies(),
    venues: {
      okx: { instruments: new StaticInstruments([BTC_SWAP]), marketData: okxFeed },
      polymarket: { instruments: new StaticInstruments([PM_YES, PM_NO]), marketData: pmFeed },
    },
    paper: { latencyMs: 0 },
  });
  const spec: BotSpec = {
    botId: 'arb',
    name: 'arb',
    exchange: 'polymarket',
    strategy: 'arbitrage',
    mode: 'paper',
    config: {
      mode: 'probability',
      instrumentId: PM_YES.id,
      underlyingInstrumentId: BTC_SWAP.id,
      strike: '100000',
      expiry: EXPIRY,
      volatility: 0.6,
      edgeThreshold: '0.02',
      orderSize: '50',
      // One entry, so the next OKX update hedges it instead of buying more.
      maxPosition: '50',
      cooldownMs: 0,
    },
    // The OKX account's own settings: USDT balance and leverage for the hedge.
    exchangeConfig: {
      paperBalances: { USDC: '1000' },
      venues: { okx: { paperBalances: { USDT: '50000' }, leverage: 5 } },
    },
    riskLimits: { maxDailyLoss: '1000', maxDrawdown: 50, maxPositionSize: '1000' },
  };
  return { clock, okxFeed, pmFeed, sink, kernel, spec };
}

describe('cross-venue bot (Polymarket token hedged on OKX)', () => {
  it('buys the cheap token on Polymarket and hedges its delta on OKX, each on its own paper account', async () => {
    const { okxFeed, pmFeed, sink, kernel, spec } = rig();
    kernel.engine.createBot(spec);
    await kernel.engine.startBot('arb');
    const bot = kernel.engine.bot('arb');

    okxFeed.publish(book(BTC_SWAP.id, [[99_999.9, 50]], [[100_000.1, 50]], NOW));
    // Fair ≈ 0.483 at the money: an ask of 0.42 is an edge of 0.06 after the 0.0073 fee.
    pmFeed.publish(book(PM_YES.id, [[0.4, 500]], [[0.42, 500]], NOW));
    await settle();
    expect(bot.ledger.position(PM_YES.id).quantity.toFixed()).toBe('50');
    expect(bot.balances.get('USDC')?.total.lt(1000)).toBe(true);

    // The next OKX update re-evaluates: short delta × 50 shares of BTC, in 0.01-BTC contracts.
    okxFeed.publish(book(BTC_SWAP.id, [[99_999.9, 50]], [[100_000.1, 50]], NOW + 1));
    await settle();
    const model = binaryAboveStrike(d(100_000), d(100_000), 0.6, NOW + 1, EXPIRY);
    const contracts = d(50)
      .mul(model?.delta ?? 0)
      .div(BTC_SWAP.contractValue)
      .toDecimalPlaces(2, Decimal.ROUND_DOWN);
    expect(contracts.gt(0)).toBe(true);
    expect(bot.ledger.position(BTC_SWAP.id).quantity.toFixed()).toBe(contracts.neg().toFixed());
    // The hedge was paid from the OKX account (USDT, 5× leverage margin), the token from the Polymarket one.
    const usdt = bot.balances.get('USDT');
    expect(usdt?.total.lt(50_000)).toBe(true);
    expect(usdt?.frozen.gt(0)).toBe(true);

    const balances = sink
      .ofType('balance-updated')
      .map((event) => [event.payload.balance.currency, event.payload.balance.exchange]);
    expect(new Set(balances.map((entry) => entry.join(' ')))).toEqual(
      new Set(['USDC polymarket', 'USDT okx']),
    );
    const fills = sink
      .ofType('order-filled')
      .map((event) => [event.payload.fill.exchange, event.payload.fill.instrumentId]);
    expect(fills).toEqual([
      ['polymarket', PM_YES.id],
      ['okx', BTC_SWAP.id],
    ]);
    expectSchemaValid(sink.events);
  });

  it('freezes both paper accounts (no fills on either venue) and thaws them', async () => {
    const { okxFeed, pmFeed, kernel, spec } = rig();
    kernel.engine.createBot(spec);
    await kernel.engine.startBot('arb');
    const bot = kernel.engine.bot('arb');
    okxFeed.publish(book(BTC_SWAP.id, [[99_999.9, 50]], [[100_000.1, 50]], NOW));
    expect(kernel.freezePaper('arb')).toBe(true);
    // Frozen: the edge is seen and the order sent, but the Polymarket account is out of the matching.
    pmFeed.publish(book(PM_YES.id, [[0.4, 500]], [[0.42, 500]], NOW + 1));
    await settle();
    expect(bot.ledger.position(PM_YES.id).quantity.isZero()).toBe(true);
    kernel.thawPaper('arb', [PM_YES.id, BTC_SWAP.id]);
    await kernel.engine.stopBot('arb');
    await kernel.engine.removeBot('arb');
    // Removal released both accounts.
    expect(kernel.freezePaper('arb')).toBe(false);
  });

  it('sends the hedge leg to the OKX account and the token leg to the Polymarket one', async () => {
    const { okxFeed, pmFeed, kernel, spec } = rig();
    kernel.engine.createBot(spec);
    await kernel.engine.startBot('arb');
    okxFeed.publish(book(BTC_SWAP.id, [[99_999.9, 50]], [[100_000.1, 50]], NOW));
    pmFeed.publish(book(PM_YES.id, [[0.4, 500]], [[0.42, 500]], NOW));
    okxFeed.publish(book(BTC_SWAP.id, [[99_999.9, 50]], [[100_000.1, 50]], NOW + 1));
    await settle();
    const port = kernel.engine.bot('arb').execution.port;
    const positions = await port.fetchPositions();
    expect(positions.map((position) => [position.instrumentId, position.quantity.toFixed()])).toEqual([
      [PM_YES.id, '50'],
      [BTC_SWAP.id, '-0.23'],
    ]);
    const balances = await port.fetchBalances();
    expect(balances.map((balance) => balance.currency).sort()).toEqual(['USDC', 'USDT']);
  });

  it('refuses an instrument on a venue the engine does not have', () => {
    const { kernel, spec } = rig();
    expect(() =>
      kernel.engine.createBot({
        ...spec,
        config: { ...spec.config, underlyingInstrumentId: 'okx:ETH-USDT-SWAP' },
      }),
    ).toThrow(/unknown instrument okx:ETH-USDT-SWAP/);
  });
});
