import { describe, expect, it } from 'vitest';
import { groupStats, maxDrawdown, tradeStats } from './stats.js';

describe('tradeStats', () => {
  it('counts wins and losses on closing fills only, with exact sums', () => {
    const s = tradeStats([
      { price: '0.1', quantity: '3', fee: '0.01', realizedPnl: null },
      { price: '0.2', quantity: '3', fee: '0.02', realizedPnl: '0.3' },
      { price: '0.1', quantity: '1', fee: '0.01', realizedPnl: '-0.1' },
      { price: '0.1', quantity: '1', fee: '0', realizedPnl: '0.1' },
    ]);
    expect(s).toMatchObject({ trades: 4, closing: 3, wins: 2, losses: 1, winRatePct: '66.7', realizedPnl: '0.3', avgWin: '0.2', avgLoss: '-0.1', fees: '0.04', volume: '1.1' });
  });
  it('has no rates without closing fills', () => {
    expect(tradeStats([])).toMatchObject({ winRatePct: null, avgWin: null, avgLoss: null, volume: '0' });
  });
  it('groups', () => {
    const g = groupStats(
      [
        { k: 'b', price: '1', quantity: '1', fee: '0', realizedPnl: '1' },
        { k: 'a', price: '1', quantity: '2', fee: '0', realizedPnl: '-1' },
      ],
      (f) => f.k,
    );
    expect(g.map((x) => [x.key, x.stats.realizedPnl, x.stats.volume])).toEqual([
      ['a', '-1', '2'],
      ['b', '1', '1'],
    ]);
  });
});

describe('maxDrawdown', () => {
  it('finds the deepest peak-to-trough drop', () => {
    expect(maxDrawdown(['100', '120', '90', '130', '117'])).toEqual({ amount: '30', pct: '25' });
  });
  it('is zero for a rising series', () => {
    expect(maxDrawdown(['1', '2', '3'])).toEqual({ amount: '0', pct: null });
  });
});
