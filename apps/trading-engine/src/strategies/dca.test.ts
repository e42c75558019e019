/** dca: periodic buys on the timer, safety orders on drawdown, take-profit on the whole position. */
import { describe, expect, it } from 'vitest';
import { parseStrategyConfig } from '../backtest/runner.js';
import { dca, type DcaConfig, type DcaState } from './dca.js';
import { ScriptedWorld, SPOT, StrategyHarness, placed, summary } from './__fixtures__/scripted-world.js';

const HOUR = 3_600_000;

function harness(): StrategyHarness<DcaConfig, DcaState> {
  const config = { intervalMs: HOUR, quoteAmount: 100, safetyOrderDeviationPct: 5, safetyOrderMultiplier: 2, maxSafetyOrders: 2, takeProfitPct: 10 };
  return new StrategyHarness(dca, parseStrategyConfig(dca, config, { instId: 'BTC-USDT' }).parsed, new ScriptedWorld());
}

describe('dca', () => {
  it('buys quoteAmount worth on each timer tick, once per interval', () => {
    const h = harness();
    expect(dca.timerIntervalMs(h.config)).toBe(HOUR);
    h.world.book(SPOT.id, [[49_999, 1]], [[50_000, 1]]);
    const first = placed(h.send({ type: 'timer', timestamp: h.world.clock.now() }));
    expect(summary(first)).toEqual([[SPOT.id, 'BUY', 'MARKET', 'MKT', '0.002']]);
    h.filled(first[0]?.clientOrderId ?? '', SPOT.id);
    h.world.clock.advance(HOUR / 2);
    expect(h.send({ type: 'timer', timestamp: h.world.clock.now() })).toEqual([]);
    h.world.clock.advance(HOUR / 2);
    expect(summary(h.send({ type: 'timer', timestamp: h.world.clock.now() }))).toHaveLength(1);
  });

  it('places growing safety orders as the price falls below the average entry, up to the maximum', () => {
    const h = harness();
    h.world.book(SPOT.id, [[49_999, 1]], [[50_000, 1]]);
    h.filled(placed(h.send({ type: 'timer', timestamp: 0 }))[0]?.clientOrderId ?? '', SPOT.id);
    h.world.position(SPOT.id, '0.002', 50_000);
    expect(h.send(h.world.book(SPOT.id, [[48_000, 1]], [[48_001, 1]]))).toEqual([]); // −4%
    const first = placed(h.send(h.world.book(SPOT.id, [[47_400, 1]], [[47_500, 1]]))); // −5%: 100 × 2 = 200 USDT
    expect(summary(first)).toEqual([[SPOT.id, 'BUY', 'MARKET', 'MKT', '0.00421052']]);
    h.filled(first[0]?.clientOrderId ?? '', SPOT.id);
    expect(h.send(h.world.book(SPOT.id, [[47_000, 1]], [[47_100, 1]]))).toEqual([]); // the 2nd needs −10%
    const second = placed(h.send(h.world.book(SPOT.id, [[44_900, 1]], [[45_000, 1]]))); // 400 USDT
    expect(summary(second)).toEqual([[SPOT.id, 'BUY', 'MARKET', 'MKT', '0.00888888']]);
    h.filled(second[0]?.clientOrderId ?? '', SPOT.id);
    expect(h.send(h.world.book(SPOT.id, [[30_000, 1]], [[30_001, 1]]))).toEqual([]); // max 2 reached
  });

  it('sells the whole position at the take-profit and starts a new cycle', () => {
    const h = harness();
    h.world.position(SPOT.id, '0.01', 50_000);
    h.send({ type: 'timer', timestamp: 0 });
    h.state = { ...h.state, pending: [], safetyOrders: 2 };
    expect(h.send(h.world.book(SPOT.id, [[54_999, 1]], [[55_000, 1]]))).toEqual([]);
    expect(summary(h.send(h.world.book(SPOT.id, [[55_000, 1]], [[55_001, 1]])))).toEqual([[SPOT.id, 'SELL', 'MARKET', 'MKT', '0.01']]);
    expect(h.state.safetyOrders).toBe(0);
    expect(h.state.cycles).toBe(1);
  });
});
