/** signal-based: scripted signals and books; assertions on the orders it sends (and the ones it does not). */
import { describe, expect, it } from 'vitest';
import { parseStrategyConfig } from '../backtest/runner.js';
import { signalBased, type SignalBasedConfig, type SignalBasedState } from './signal-based.js';
import type { SignalEvent } from './signal-event.js';
import { toSignalEvent } from './signal-event.js';
import { NO, ScriptedWorld, StrategyHarness, SWAP, YES, placed, summary } from './__fixtures__/scripted-world.js';

function harness(exchangeConfig: Record<string, unknown>, extra: Record<string, unknown> = {}): StrategyHarness<SignalBasedConfig, SignalBasedState> {
  const config = { sources: ['model'], minConfidence: 0.6, orderSize: 2, takeProfitPct: 2, stopLossPct: 1, ...extra };
  return new StrategyHarness(signalBased, parseStrategyConfig(signalBased, config, exchangeConfig).parsed, new ScriptedWorld());
}

function signal(h: StrategyHarness<SignalBasedConfig, SignalBasedState>, id: string, direction: 'long' | 'short' | 'flat', confidence: number, extra: { source?: string; ttlMs?: number; instrumentId?: string } = {}): SignalEvent {
  return toSignalEvent({ signalId: id, source: extra.source ?? 'model', instrumentId: extra.instrumentId ?? h.config.instrumentId, direction, confidence, timestamp: h.world.clock.now(), ...(extra.ttlMs === undefined ? {} : { ttlMs: extra.ttlMs }) });
}

describe('signal-based', () => {
  it('ignores signals below the confidence threshold, from other sources, for other instruments or stale', () => {
    const h = harness({ instId: 'BTC-USDT-SWAP' });
    h.world.book(SWAP.id, [[100_000, 1]], [[100_001, 1]]);
    expect(h.send(signal(h, 's1', 'long', 0.59))).toEqual([]);
    expect(h.send(signal(h, 's2', 'long', 0.9, { source: 'other' }))).toEqual([]);
    expect(h.send(signal(h, 's3', 'long', 0.9, { instrumentId: 'okx:ETH-USDT-SWAP' }))).toEqual([]);
    const stale = signal(h, 's4', 'long', 0.9, { ttlMs: 1000 });
    h.world.clock.advance(5_000);
    expect(h.send(stale)).toEqual([]);
  });

  it('opens on a confident signal, then takes profit and stops losses on the book', () => {
    const h = harness({ instId: 'BTC-USDT-SWAP' });
    h.world.book(SWAP.id, [[100_000, 1]], [[100_001, 1]]);
    const open = placed(h.send(signal(h, 's1', 'long', 0.8)));
    expect(summary(open)).toEqual([[SWAP.id, 'BUY', 'MARKET', 'MKT', '2']]);
    // While the entry is in flight, a repeated signal does nothing.
    expect(h.send(signal(h, 's2', 'long', 0.9))).toEqual([]);
    h.world.position(SWAP.id, 2, 100_000);
    h.filled(open[0]?.clientOrderId ?? '', SWAP.id);
    expect(h.send(h.world.book(SWAP.id, [[101_000, 1]], [[101_001, 1]]))).toEqual([]);
    const takeProfit = placed(h.send(h.world.book(SWAP.id, [[102_100, 1]], [[102_101, 1]])));
    expect(summary(takeProfit)).toEqual([[SWAP.id, 'SELL', 'MARKET', 'MKT', '2']]);
    expect(takeProfit[0]?.reduceOnly).toBe(true);
    expect(h.state.lastExit).toBe('take-profit');

    const g = harness({ instId: 'BTC-USDT-SWAP' });
    g.world.position(SWAP.id, -2, 100_000);
    expect(summary(g.send(g.world.book(SWAP.id, [[101_100, 1]], [[101_101, 1]])))).toEqual([[SWAP.id, 'BUY', 'MARKET', 'MKT', '2']]);
    expect(g.state.lastExit).toBe('stop-loss');
  });

  it('flips a long into a short and closes on a flat signal', () => {
    const h = harness({ instId: 'BTC-USDT-SWAP' });
    h.world.book(SWAP.id, [[100_000, 1]], [[100_001, 1]]);
    h.world.position(SWAP.id, 2, 100_000);
    expect(summary(h.send(signal(h, 's1', 'short', 0.7)))).toEqual([
      [SWAP.id, 'SELL', 'MARKET', 'MKT', '2'],
      [SWAP.id, 'SELL', 'MARKET', 'MKT', '2'],
    ]);
    const h2 = harness({ instId: 'BTC-USDT-SWAP' });
    h2.world.position(SWAP.id, -2, 100_000);
    expect(summary(h2.send(signal(h2, 's1', 'flat', 0.7)))).toEqual([[SWAP.id, 'BUY', 'MARKET', 'MKT', '2']]);
  });

  it('on Polymarket a short is a buy of the complement token; allowShort=false ignores it', () => {
    const h = harness({ tokenId: YES.symbol });
    h.world.book(YES.id, [[0.4, 100]], [[0.42, 100]]);
    expect(summary(h.send(signal(h, 's1', 'short', 0.9)))).toEqual([[NO.id, 'BUY', 'MARKET', 'MKT', '2']]);
    const noShort = harness({ tokenId: YES.symbol }, { allowShort: false });
    expect(noShort.send(signal(noShort, 's1', 'short', 0.9))).toEqual([]);
  });
});
