/** market-making: scripted books through a test clock; assertions on the quotes it returns. */
import { describe, expect, it } from 'vitest';
import { parseStrategyConfig } from '../backtest/runner.js';
import { Decimal } from 'decimal.js';
import { compareMagnitudes } from '../core/decimal.js';
import { SeededRandom } from '../backtest/synthetic-data.js';
import { insideBand, marketMaking, type MarketMakingConfig, type MarketMakingState } from './market-making.js';
import { NO, ScriptedWorld, StrategyHarness, SWAP, YES, d, placed, summary } from './__fixtures__/scripted-world.js';

function harness(config: Record<string, unknown>, exchangeConfig: Record<string, unknown>, world = new ScriptedWorld()): StrategyHarness<MarketMakingConfig, MarketMakingState> {
  return new StrategyHarness(marketMaking, parseStrategyConfig(marketMaking, config, exchangeConfig).parsed, world);
}

describe('market-making', () => {
  it("accepts the seed README's config with a Polymarket or an OKX exchangeConfig", () => {
    const pm = parseStrategyConfig(marketMaking, { spread: 0.03, orderSize: 10 }, { marketId: '0xabc', tokenId: '7132104500001' });
    expect(pm.parsed.instrumentId).toBe('polymarket:7132104500001');
    expect(pm.raw.spread).toBe('0.03');
    // Engine-only exchangeConfig keys (paper balances, leverage) are not passed to the strategy.
    const okx = parseStrategyConfig(marketMaking, { spread: 0.03, orderSize: 10 }, { instId: 'BTC-USDT-SWAP', paperBalances: { USDT: '1000' }, leverage: 5 });
    expect(okx.parsed.instrumentId).toBe('okx:BTC-USDT-SWAP');
    expect(() => parseStrategyConfig(marketMaking, { orderSize: 10 }, { instId: 'BTC-USDT-SWAP' })).toThrow(/spread/);
    expect(() => parseStrategyConfig(marketMaking, { spread: 0.03, orderSize: 10 }, {})).toThrow(/names no instrument/);
  });

  it('quotes the Polymarket YES/NO pair as one book: buy YES + buy NO ≤ 1 − spread', () => {
    const h = harness({ spread: 0.03, orderSize: 10 }, { marketId: '0xbtc100k', tokenId: YES.symbol });
    const intents = h.send(h.world.book(YES.id, [[0.5, 100]], [[0.54, 100]]));
    expect(summary(intents)).toEqual([
      [YES.id, 'BUY', 'LIMIT', '0.5', '10'],
      [NO.id, 'BUY', 'LIMIT', '0.46', '10'],
    ]);
    const [yesBid, noBid] = placed(intents);
    expect(yesBid?.price?.add(noBid?.price ?? 1).lte(d(1).sub('0.03'))).toBe(true);
  });

  it('requotes only when the mid moved more than the refresh threshold, cancelling the old quotes first', () => {
    const h = harness({ spread: 0.04, orderSize: 10, refreshThreshold: 0.015 }, { tokenId: YES.symbol });
    h.send(h.world.book(YES.id, [[0.5, 100]], [[0.52, 100]]));
    h.world.orders = [h.world.order('o1', YES.id, 'OPEN'), h.world.order('o2', NO.id, 'OPEN')];
    expect(h.send(h.world.book(YES.id, [[0.51, 100]], [[0.53, 100]]))).toEqual([]);
    const moved = h.send(h.world.book(YES.id, [[0.53, 100]], [[0.55, 100]]));
    expect(moved.slice(0, 2)).toEqual([
      { type: 'cancel-all', instrumentId: YES.id },
      { type: 'cancel-all', instrumentId: NO.id },
    ]);
    expect(summary(moved)).toEqual([
      [YES.id, 'BUY', 'LIMIT', '0.52', '10'],
      [NO.id, 'BUY', 'LIMIT', '0.44', '10'],
    ]);
  });

  it('sells shares it holds instead of buying the other outcome', () => {
    const h = harness({ spread: 0.02, orderSize: 10 }, { tokenId: YES.symbol });
    h.world.position(YES.id, 30, 0.5);
    expect(summary(h.send(h.world.book(YES.id, [[0.5, 100]], [[0.52, 100]])))).toEqual([
      [YES.id, 'BUY', 'LIMIT', '0.5', '10'],
      [YES.id, 'SELL', 'LIMIT', '0.52', '10'],
    ]);
  });

  it('on OKX: levels around the mid, skewed against the inventory, and no quote that grows it past maxInventory', () => {
    const h = harness({ spreadBps: 20, orderSize: 1, levels: 2, levelSpacing: 5, inventorySkew: 2, maxInventory: 3 }, { instId: 'BTC-USDT-SWAP' });
    const flat = h.send(h.world.book(SWAP.id, [[99_999.9, 5]], [[100_000.1, 5]]));
    // mid 100000, half spread 100 (20 bps / 2), levels 5 apart.
    expect(summary(flat)).toEqual([
      [SWAP.id, 'BUY', 'LIMIT', '99900', '1'],
      [SWAP.id, 'SELL', 'LIMIT', '100100', '1'],
      [SWAP.id, 'BUY', 'LIMIT', '99895', '1'],
      [SWAP.id, 'SELL', 'LIMIT', '100105', '1'],
    ]);
    h.world.position(SWAP.id, 2, 100_000);
    h.send({ type: 'fill', order: h.world.order('x', SWAP.id), fill: { fillId: 'f', clientOrderId: 'x', exchangeOrderId: null, instrumentId: SWAP.id, side: 'BUY', price: d(100_000), quantity: d(2), fee: d(0), feeCurrency: 'USDT', role: 'maker', timestamp: 0 } });
    const long = h.send(h.world.book(SWAP.id, [[99_999.9, 5]], [[100_000.1, 5]]));
    // Long 2: the fair mid drops by 2 × 2 = 4; a level-0 bid (→ 3) is allowed, level 1 (→ 4) is not.
    expect(summary(long)).toEqual([
      [SWAP.id, 'BUY', 'LIMIT', '99896', '1'],
      [SWAP.id, 'SELL', 'LIMIT', '100096', '1'],
      [SWAP.id, 'SELL', 'LIMIT', '100101', '1'],
    ]);
  });

  it('decides the refresh test on integers exactly as |mid − skew × inventory − quotedMid| ≤ threshold in decimals', () => {
    const config = harness({ spread: 1, orderSize: 1, inventorySkew: 0.05 }, { instId: 'BTC-USDT-SWAP' }).config;
    const rng = new SeededRandom(21);
    const wrong: string[] = [];
    let decided = 0;
    let near = 0;
    const thresholds = ['0.5', '0.1', '1', '0.05', '0'].map((text) => new Decimal(text));
    for (let i = 0; i < 20_000; i += 1) {
      const quotedMid = new Decimal(40_000 + rng.int(0, 20_000)).add(new Decimal(rng.int(0, 39)).div(20));
      const inventory = new Decimal(rng.int(-20, 20));
      const threshold = thresholds[rng.int(0, thresholds.length - 1)] ?? new Decimal(1);
      const skew = config.inventorySkew.mul(inventory);
      // Mids on the band's edges, one half-tick or one finer digit past them, or anywhere near.
      const roll = rng.next();
      const edge = quotedMid.add(skew).add(rng.next() < 0.5 ? threshold : threshold.neg());
      const mid =
        roll < 0.3
          ? edge
          : roll < 0.6
            ? edge.add(new Decimal(rng.int(-1, 1)).div(10 ** rng.int(1, 4)))
            : quotedMid.add(new Decimal(rng.int(-400, 400)).div(100));
      const expected = compareMagnitudes((inventory.isZero() ? mid : mid.sub(skew)).sub(quotedMid), threshold) <= 0;
      const answer = insideBand(config, mid, inventory, quotedMid, threshold);
      if (answer === undefined) continue;
      decided += 1;
      if (answer) near += 1;
      if (answer !== expected) wrong.push(`${mid.toString()} ${inventory.toString()} ${quotedMid.toString()} ${threshold.toString()}`);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    // Most are decided on integers, both ways.
    expect(decided).toBeGreaterThan(15_000);
    expect(near).toBeGreaterThan(3_000);
    expect(decided - near).toBeGreaterThan(3_000);
  });
});
