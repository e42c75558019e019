/** grid: grid prices, the initial arming around the mid, and re-arming of filled levels. */
import { describe, expect, it } from 'vitest';
import { parseStrategyConfig } from '../backtest/runner.js';
import { grid, gridPrices, type GridConfig, type GridState } from './grid.js';
import { ScriptedWorld, StrategyHarness, SWAP, d, placed, summary } from './__fixtures__/scripted-world.js';

function harness(spacing: 'arithmetic' | 'geometric'): StrategyHarness<GridConfig, GridState> {
  const config = { lowerPrice: 90_000, upperPrice: 110_000, gridCount: 4, spacing, orderSize: 1 };
  return new StrategyHarness(grid, parseStrategyConfig(grid, config, { instId: 'BTC-USDT-SWAP' }).parsed, new ScriptedWorld());
}

describe('grid', () => {
  it('spaces prices arithmetically or geometrically between the bounds', () => {
    expect(gridPrices(harness('arithmetic').config, d('0.1')).map((p) => p.toFixed())).toEqual(['90000', '95000', '100000', '105000', '110000']);
    // Equal ratios: 90000 · (110000/90000)^(i/4) = 90000 · 1.051447^i.
    expect(gridPrices(harness('geometric').config, d('0.1')).map((p) => p.toFixed())).toEqual(['90000', '94630.3', '99498.7', '104617.7', '110000']);
  });

  it('arms buys below the mid and sells above it, once', () => {
    const h = harness('arithmetic');
    const intents = h.send(h.world.book(SWAP.id, [[101_999.9, 1]], [[102_000.1, 1]]));
    expect(summary(intents)).toEqual([
      [SWAP.id, 'BUY', 'LIMIT', '90000', '1'],
      [SWAP.id, 'BUY', 'LIMIT', '95000', '1'],
      [SWAP.id, 'BUY', 'LIMIT', '100000', '1'],
      [SWAP.id, 'SELL', 'LIMIT', '105000', '1'],
      [SWAP.id, 'SELL', 'LIMIT', '110000', '1'],
    ]);
    expect(h.send(h.world.book(SWAP.id, [[100_999.9, 1]], [[101_000.1, 1]]))).toEqual([]);
  });

  it('re-arms a filled buy as a sell one level up, and a filled sell as a buy one level down', () => {
    const h = harness('arithmetic');
    const armed = placed(h.send(h.world.book(SWAP.id, [[101_999.9, 1]], [[102_000.1, 1]])));
    const buyAt100k = armed[2]?.clientOrderId ?? '';
    expect(summary(h.filled(buyAt100k, SWAP.id))).toEqual([[SWAP.id, 'SELL', 'LIMIT', '105000', '1']]);
    const sellAt105k = placed(armed)[3]?.clientOrderId ?? '';
    expect(summary(h.filled(sellAt105k, SWAP.id))).toEqual([[SWAP.id, 'BUY', 'LIMIT', '100000', '1']]);
    expect(h.state.roundTrips).toBe(2);
    // A partial fill does not re-arm.
    const partial = h.send({ type: 'fill', order: h.world.order(armed[0]?.clientOrderId ?? '', SWAP.id, 'PARTIALLY_FILLED'), fill: { fillId: 'p', clientOrderId: armed[0]?.clientOrderId ?? '', exchangeOrderId: null, instrumentId: SWAP.id, side: 'BUY', price: d(90_000), quantity: d('0.5'), fee: d(0), feeCurrency: 'USDT', role: 'maker', timestamp: 0 } });
    expect(partial).toEqual([]);
  });

  it('refuses bounds in the wrong order', () => {
    expect(() => parseStrategyConfig(grid, { lowerPrice: 2, upperPrice: 1, orderSize: 1 }, { instId: 'BTC-USDT-SWAP' })).toThrow(/upperPrice/);
  });
});
