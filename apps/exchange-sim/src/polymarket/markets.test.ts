import { describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { Clob } from './clob.js';
import { BackgroundLiquidity } from './liquidity.js';
import { createMarket, normalCdf, probabilityAbove } from './markets.js';

describe('BTC-above fair value', () => {
  it('is a probability that rises with spot and sharpens towards expiry', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 3);
    const hour = 3_600_000;
    const atm = probabilityAbove(100_000, 100_000, hour, 0.6);
    expect(atm).toBeGreaterThan(0.49);
    expect(atm).toBeLessThan(0.5);
    expect(probabilityAbove(101_000, 100_000, hour, 0.6)).toBeGreaterThan(atm);
    expect(probabilityAbove(99_000, 100_000, hour, 0.6)).toBeLessThan(atm);
    expect(probabilityAbove(100_500, 100_000, 60_000, 0.6)).toBeGreaterThan(probabilityAbove(100_500, 100_000, hour, 0.6));
    expect(probabilityAbove(100_001, 100_000, 0, 0.6)).toBe(1);
  });

  it('background liquidity quotes both sides around the model fair value of the lagged OKX mid', () => {
    let now = 1_000_000;
    let mid = new Decimal(100_000);
    const clob = new Clob({ now: () => now, initialCollateral: new Decimal(0), makerRebateShare: new Decimal(0), mineDelayMs: 1, confirmDelayMs: 1 });
    const market = createMarket(1, 0, { question: 'btc', strike: '100000', endTime: now + 3_600_000 });
    clob.addMarket(market);
    const lp = new BackgroundLiquidity(clob, {
      seed: 1,
      now: () => now,
      referencePrice: () => mid,
      lagMs: 1_000,
      noise: 0,
      levels: 3,
      levelSize: new Decimal(10),
      halfSpreadTicks: 1,
      sigma: 0.6,
    });
    lp.refresh();
    const before = clob.levels(market.yes.tokenId);
    expect(before.bids[0]?.[0].toString()).toBe('0.49');
    expect(before.asks[0]?.[0].toString()).toBe('0.51');
    // The mid jumps: the quotes follow only after the lag has passed.
    mid = new Decimal(101_000);
    now += 100;
    lp.refresh();
    expect(clob.levels(market.yes.tokenId).bids[0]?.[0].toString()).toBe('0.49');
    now += 1_500;
    lp.refresh();
    now += 100;
    lp.refresh();
    const fair = probabilityAbove(101_000, 100_000, (market.endTime ?? 0) - now, 0.6);
    const after = clob.levels(market.yes.tokenId);
    expect(after.bids[0]?.[0].lt(fair)).toBe(true);
    expect(after.asks[0]?.[0].gt(fair)).toBe(true);
    expect(after.bids[0]?.[0].gt(before.bids[0]?.[0] ?? 1)).toBe(true);
    clob.close();
  });
});
