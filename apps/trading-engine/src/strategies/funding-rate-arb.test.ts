/** funding-rate-arb: enters long spot / short perp on high funding; unwinds on low funding or a wide basis. */
import { describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { parseStrategyConfig } from '../backtest/runner.js';
import type { FundingEvent } from '../ports/market-data.js';
import { fundingRateArb, type FundingRateArbConfig, type FundingRateArbState } from './funding-rate-arb.js';
import { ScriptedWorld, SPOT, StrategyHarness, SWAP, summary } from './__fixtures__/scripted-world.js';

function harness(): StrategyHarness<FundingRateArbConfig, FundingRateArbState> {
  const config = { spotInstrumentId: SPOT.id, perpInstrumentId: SWAP.id, entryFundingRate: 0.0003, exitFundingRate: 0.0001, maxBasisPct: 0.5, baseQuantity: 0.25 };
  return new StrategyHarness(fundingRateArb, parseStrategyConfig(fundingRateArb, config).parsed, new ScriptedWorld());
}

function funding(rate: string): FundingEvent {
  return { type: 'funding', instrumentId: SWAP.id, fundingRate: new Decimal(rate), nextFundingTime: 0, timestamp: 0 };
}

describe('funding-rate-arb', () => {
  it('enters long spot / short perp (base / contract value contracts) only when funding reaches the threshold', () => {
    const h = harness();
    h.world.book(SPOT.id, [[100_000, 1]], [[100_001, 1]]);
    h.world.book(SWAP.id, [[100_050, 100]], [[100_051, 100]]);
    expect(h.send(funding('0.0002'))).toEqual([]);
    expect(summary(h.send(funding('0.0004')))).toEqual([
      [SPOT.id, 'BUY', 'MARKET', 'MKT', '0.25'],
      [SWAP.id, 'SELL', 'MARKET', 'MKT', '25'],
    ]);
    expect(h.state.open).toBe(true);
  });

  it('does not enter while the basis is already wide', () => {
    const h = harness();
    h.world.book(SPOT.id, [[100_000, 1]], [[100_001, 1]]);
    h.world.book(SWAP.id, [[100_400, 100]], [[100_401, 100]]); // 0.4% > half of 0.5%
    expect(h.send(funding('0.001'))).toEqual([]);
  });

  it('unwinds when funding falls below the exit rate, or when the basis moves against it', () => {
    const opened = (): StrategyHarness<FundingRateArbConfig, FundingRateArbState> => {
      const h = harness();
      h.world.book(SPOT.id, [[100_000, 1]], [[100_001, 1]]);
      h.world.book(SWAP.id, [[100_050, 100]], [[100_051, 100]]);
      const entry = h.send(funding('0.0004'));
      for (const intent of entry) if (intent.type === 'place-order') h.filled(intent.clientOrderId ?? '', intent.instrumentId);
      h.world.position(SPOT.id, '0.25', 100_001);
      h.world.position(SWAP.id, -25, 100_050);
      return h;
    };
    const low = opened();
    expect(low.send(funding('0.0002'))).toEqual([]);
    const exit = low.send(funding('0.00005'));
    expect(summary(exit)).toEqual([
      [SPOT.id, 'SELL', 'MARKET', 'MKT', '0.25'],
      [SWAP.id, 'BUY', 'MARKET', 'MKT', '25'],
    ]);
    expect(exit[1]?.type === 'place-order' && exit[1].reduceOnly).toBe(true);
    const wide = opened();
    expect(wide.send(wide.world.book(SWAP.id, [[100_300, 100]], [[100_301, 100]]))).toEqual([]);
    expect(summary(wide.send(wide.world.book(SWAP.id, [[100_600, 100]], [[100_601, 100]])))).toHaveLength(2);
    expect(wide.state.lastExit).toMatch(/^basis/);
  });
});
