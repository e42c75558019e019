/** arbitrage: the probability model, edge-driven token trades with a delta hedge, and two-leg price arbitrage. */
import { describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { parseStrategyConfig } from '../backtest/runner.js';
import { arbitrage, type ArbitrageConfig, type ArbitrageState } from './arbitrage.js';
import { binaryAboveStrike } from './strategy-kit.js';
import { NO, ScriptedWorld, StrategyHarness, SWAP, YES, d, placed, summary } from './__fixtures__/scripted-world.js';

const NOW = 1_767_571_200_000;
const EXPIRY = NOW + 7 * 86_400_000;

function probabilityHarness(extra: Record<string, unknown> = {}): StrategyHarness<ArbitrageConfig, ArbitrageState> {
  const config = { mode: 'probability', underlyingInstrumentId: SWAP.id, strike: 100_000, expiry: EXPIRY, volatility: 0.6, edgeThreshold: 0.02, orderSize: 50, cooldownMs: 0, ...extra };
  return new StrategyHarness(arbitrage, parseStrategyConfig(arbitrage, config, { tokenId: YES.symbol }).parsed, new ScriptedWorld());
}

describe('arbitrage: probability model', () => {
  it('prices BTC-above-strike as N(d2): about one half at the money, near 1 deep in, near 0 deep out', () => {
    const atm = binaryAboveStrike(d(100_000), d(100_000), 0.6, NOW, EXPIRY);
    // N(−σ√T/2) with σ√T = 0.6·√(7/365) = 0.08309: N(−0.041546) = 0.48343.
    expect(atm?.probability.toNumber()).toBeCloseTo(0.48343, 4);
    expect(binaryAboveStrike(d(150_000), d(100_000), 0.6, NOW, EXPIRY)?.probability.gt('0.99')).toBe(true);
    expect(binaryAboveStrike(d(60_000), d(100_000), 0.6, NOW, EXPIRY)?.probability.lt('0.01')).toBe(true);
    expect(binaryAboveStrike(d(100_000), d(100_000), 0.6, EXPIRY, EXPIRY)).toBeNull();
    expect(atm?.delta.gt(0)).toBe(true);
  });

  it('buys YES when the ask is below fair by more than the threshold plus fees; nothing near fair', () => {
    const h = probabilityHarness();
    h.world.clock.set(NOW);
    h.world.book(SWAP.id, [[99_999.9, 5]], [[100_000.1, 5]]);
    expect(h.send(h.world.book(YES.id, [[0.45, 100]], [[0.47, 100]]))).toEqual([]);
    const intents = h.send(h.world.book(YES.id, [[0.4, 100]], [[0.42, 100]]));
    expect(summary(intents)).toEqual([[YES.id, 'BUY', 'IOC', '0.42', '50']]);
    expect(h.state.lastFair?.toNumber()).toBeCloseTo(0.48343, 4);
  });

  it('sells the rich side by buying NO at 1 − bid when it holds no YES', () => {
    const h = probabilityHarness();
    h.world.clock.set(NOW);
    h.world.book(SWAP.id, [[99_999.9, 5]], [[100_000.1, 5]]);
    expect(summary(h.send(h.world.book(YES.id, [[0.55, 100]], [[0.57, 100]])))).toEqual([[NO.id, 'BUY', 'IOC', '0.45', '50']]);
  });

  it('hedges the net YES delta with a short on OKX, within tolerance', () => {
    const h = probabilityHarness();
    h.world.clock.set(NOW);
    h.world.position(YES.id, 1000, 0.48);
    h.world.book(YES.id, [[0.47, 100]], [[0.49, 100]]);
    const intents = placed(h.send(h.world.book(SWAP.id, [[99_999.9, 5]], [[100_000.1, 5]])));
    const model = binaryAboveStrike(d('100000'), d(100_000), 0.6, NOW, EXPIRY);
    const contracts = d(1000).mul(model?.delta ?? 0).div(SWAP.contractValue).toDecimalPlaces(2, Decimal.ROUND_DOWN);
    expect(summary(intents)).toEqual([[SWAP.id, 'SELL', 'MARKET', 'MKT', contracts.toFixed()]]);
    // Once hedged, no further orders.
    const hedged = probabilityHarness();
    hedged.world.clock.set(NOW);
    hedged.world.position(YES.id, 1000, 0.48);
    hedged.world.position(SWAP.id, contracts.neg().toFixed(), 100_000);
    hedged.world.book(YES.id, [[0.47, 100]], [[0.49, 100]]);
    expect(hedged.send(hedged.world.book(SWAP.id, [[99_999.9, 5]], [[100_000.1, 5]]))).toEqual([]);
  });
});

describe('arbitrage: price mode', () => {
  const B = 'okx:BTC-USD-SWAP' as const;
  function priceHarness(): StrategyHarness<ArbitrageConfig, ArbitrageState> {
    const world = new ScriptedWorld([SWAP, { ...SWAP, id: B, symbol: 'BTC-USD-SWAP' }]);
    const config = { mode: 'price', legA: SWAP.id, legB: B, entryBps: 10, exitBps: 2, orderSize: 1, cooldownMs: 0 };
    return new StrategyHarness(arbitrage, parseStrategyConfig(arbitrage, config).parsed, world);
  }

  it('buys the cheap leg and sells the rich one when the gap beats fees plus entryBps', () => {
    const h = priceHarness();
    h.world.book(SWAP.id, [[99_999, 5]], [[100_000, 5]]);
    // 15 bps gap − 10 bps of taker fees = 5 bps: not enough.
    expect(h.send(h.world.book(B, [[100_150, 5]], [[100_151, 5]]))).toEqual([]);
    // 30 bps − 10 = 20 bps > 10.
    expect(summary(h.send(h.world.book(B, [[100_300, 5]], [[100_301, 5]])))).toEqual([
      [SWAP.id, 'BUY', 'IOC', '100000', '1'],
      [B, 'SELL', 'IOC', '100300', '1'],
    ]);
  });

  it('closes both legs once the spread converged', () => {
    const h = priceHarness();
    h.world.position(SWAP.id, 1, 100_000);
    h.world.position(B, -1, 100_300);
    h.world.book(SWAP.id, [[100_099, 5]], [[100_100, 5]]);
    expect(h.send(h.world.book(B, [[100_200, 5]], [[100_201, 5]]))).toEqual([]);
    expect(summary(h.send(h.world.book(B, [[100_110, 5]], [[100_111, 5]])))).toEqual([
      [SWAP.id, 'SELL', 'MARKET', 'MKT', '1'],
      [B, 'BUY', 'MARKET', 'MKT', '1'],
    ]);
  });
});
