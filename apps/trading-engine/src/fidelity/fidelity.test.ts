// The fidelity harness on a short session: the report's figures are the sessions' figures (recomputed here from the
// fills), the divergence arithmetic, determinism per seed, and that the live mode really trades in the simulator's
// book (its account there agrees with the bot's ledger). Whether the targets are met is measured by
// `npm run fidelity`, not asserted here.
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { runSession, type SessionResult } from './session.js';
import { buildReport, divergencePct, formatReport } from './report.js';
import { runFidelity } from './fidelity.js';
import { FIDELITY_PRESETS } from './presets.js';
import { SimMarket } from './sim-market.js';

const preset = FIDELITY_PRESETS['market-making'];
if (!preset) throw new Error('market-making preset missing');
const CONTRACT_VALUE = new Decimal('0.01');
const session = (mode: 'live' | 'paper', seed = 42) =>
  runSession({ mode, strategy: preset.strategy, config: preset.config, exchangeConfig: preset.exchangeConfig, seed, durationMs: 60_000, printAllocation: 'shared' });

function totals(result: SessionResult): { volume: Decimal; fees: Decimal; quantity: Decimal; position: Decimal } {
  let volume = new Decimal(0);
  let fees = new Decimal(0);
  let quantity = new Decimal(0);
  let position = new Decimal(0);
  for (const fill of result.fills) {
    volume = volume.add(fill.price.mul(fill.quantity).mul(CONTRACT_VALUE));
    fees = fees.add(fill.fee);
    quantity = quantity.add(fill.quantity);
    position = fill.side === 'BUY' ? position.add(fill.quantity) : position.sub(fill.quantity);
  }
  return { volume, fees, quantity, position };
}

describe('fidelity report', () => {
  it('reports the figures of both sessions and their divergence', async () => {
    const live = await session('live');
    const paper = await session('paper');
    expect(live.fills.length).toBeGreaterThan(0);
    expect(paper.fills.length).toBeGreaterThan(0);
    const report = buildReport({ strategy: 'market-making', seed: 42, durationMs: 60_000, latencyMs: 50, liveBookView: 'public', printAllocation: 'shared', liquidityMemory: 'next-book', queueModel: 'ahead', orderCounts: false, feed: 'books' }, live, paper);
    for (const [mode, result] of [['live', live], ['paper', paper]] as const) {
      const sums = totals(result);
      const figures = report[mode];
      expect(figures.fills).toBe(result.fills.length);
      expect(figures.quantity).toBe(sums.quantity.toFixed());
      expect(figures.volume).toBe(sums.volume.toFixed(2));
      // Maker fees at 0.02 % of the notional: every fill in these sessions rests first.
      expect(figures.fees).toBe(sums.fees.toFixed(4));
      expect(sums.fees.toFixed(8)).toBe(sums.volume.mul('0.0002').toFixed(8));
      expect(figures.endPosition).toBe(sums.position.toFixed());
      // PnL = realized + unrealized − fees, marked at the generator's mid (the same in both modes).
      expect(result.figures.totalPnl.toFixed(8)).toBe(result.figures.realizedPnl.add(result.figures.unrealizedPnl).sub(result.figures.fees).toFixed(8));
    }
    expect(live.finalMark.eq(paper.finalMark)).toBe(true);
    expect(report.divergencePct.fills).toBe(divergencePct(live.fills.length, paper.fills.length));
    expect(report.divergencePct.totalPnl).toBe(divergencePct(report.live.totalPnl, report.paper.totalPnl));
    expect(report.withinTargets.fills).toBe(Math.abs(report.divergencePct.fills ?? Infinity) <= 5);
    const text = formatReport(report);
    expect(text).toContain(`| fills | ${String(live.fills.length)} | ${String(paper.fills.length)} |`);
    expect(text).toContain('seed 42, 1 min simulated, latency 50 ms');
  });

  it('is deterministic: the same seed gives the same report, another seed another market', async () => {
    const a = await runFidelity({ strategy: 'grid', seed: 7, durationMs: 120_000 });
    const b = await runFidelity({ strategy: 'grid', seed: 7, durationMs: 120_000 });
    expect(b).toEqual(a);
    const c = await session('live', 8);
    const d = await session('live', 42);
    expect(c.finalMark.eq(d.finalMark)).toBe(false);
  });

  it('each mode trades at its own venue: the venue account position matches the bot ledger', async () => {
    for (const mode of ['live', 'paper'] as const) {
      const result = await session(mode);
      expect(result.position.eq(totals(result).position)).toBe(true);
      expect(result.venuePosition.toFixed()).toBe(result.position.toFixed());
    }
  });

  it('the market path does not depend on the bot (stable background sizes)', () => {
    let now = 1;
    const plain = new SimMarket({ seed: 42, instId: 'BTC-USDT-SWAP', clock: () => now });
    const touched = new SimMarket({ seed: 42, instId: 'BTC-USDT-SWAP', clock: () => now });
    const account = touched.exchange.addAccount({ apiKey: 'k', secret: 's', passphrase: 'p' }, { USDT: '1000000' });
    for (let step = 1; step <= 300; step += 1) {
      now = step * 100;
      if (step % 10 === 0) {
        // A resting user bid at the touch takes some of the background takers' flow in one market only.
        const bid = touched.exchange.market('BTC-USDT-SWAP')?.book.bestBid();
        if (bid) touched.exchange.placeOrder(account, { instId: 'BTC-USDT-SWAP', tdMode: 'cross', side: 'buy', ordType: 'limit', sz: '3', px: bid.toFixed() });
      }
      plain.step(now);
      touched.step(now);
      expect(touched.mark().toFixed()).toBe(plain.mark().toFixed());
    }
  });
});

describe('order counts in the feed', () => {
  it('books carry each level\'s background order count only with orderCounts', () => {
    const counted = new SimMarket({ seed: 42, instId: 'BTC-USDT-SWAP', clock: () => 0, orderCounts: true }).bookEvent(0).book;
    const plain = new SimMarket({ seed: 42, instId: 'BTC-USDT-SWAP', clock: () => 0 }).bookEvent(0).book;
    // The generator keeps one background order per level.
    expect(counted.bids.length).toBeGreaterThan(0);
    expect(counted.bids.every((level) => level.length === 3 && level[2] === 1)).toBe(true);
    expect(plain.bids.every((level) => level.length === 2)).toBe(true);
    expect(plain.bids.map(([price, size]) => `${price.toFixed()}:${size.toFixed()}`)).toEqual(counted.bids.map(([price, size]) => `${price.toFixed()}:${size.toFixed()}`));
  });
});

describe('divergencePct and bad input', () => {
  it('is (paper − live) / |live| in percent, null when live is zero', () => {
    expect(divergencePct(100, 95)).toBe(-5);
    expect(divergencePct('-200', '-190')).toBe(5);
    expect(divergencePct(0, 3)).toBeNull();
  });

  it('names the field of a bad option', async () => {
    await expect(runFidelity({ strategy: 'nope', seed: 1, durationMs: 1000 })).rejects.toThrow(/strategy: no fidelity preset for "nope"/);
    await expect(runSession({ mode: 'live', strategy: preset.strategy, config: preset.config, exchangeConfig: preset.exchangeConfig, seed: 1.5, durationMs: 1000 })).rejects.toThrow(/seed: must be an integer/);
    await expect(runSession({ mode: 'paper', strategy: preset.strategy, config: preset.config, exchangeConfig: preset.exchangeConfig, instId: 'NOPE-USDT', seed: 1, durationMs: 1000 })).rejects.toThrow(/instId: the simulator does not list NOPE-USDT/);
  });
});
