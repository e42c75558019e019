/**
 * The backtest runner on the engine's own parts: risk denials reach the strategy, a continuous-risk breach stops
 * the bot, fills and fees land in the ledger, and two runs give byte-identical reports.
 */
import { describe, expect, it } from 'vitest';
import { runBacktest, type BacktestOptions } from './runner.js';
import { buildReport, serializeReport } from './report.js';
import { renderHtmlReport } from './html-report.js';
import { parseRecordedData, toJsonl } from './recorded-data.js';
import { BENCHMARK_MARKET_MAKING, benchmarkBookStream, BTC_SWAP, dcaData, gridData, marketMakingData } from './synthetic-data.js';
import { eventTime, toInstrument, type RecordedLevel, type RecordedLine } from './recorded-data.js';
import { openRecordedFile } from './recorded-file.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleQuoter } from '../strategies/simple-quoter.js';
import { grid } from '../strategies/grid.js';
import { dca } from '../strategies/dca.js';
import { marketMaking } from '../strategies/market-making.js';
import type { AnyStrategy } from '../strategies/types.js';

const loose = { maxDailyLoss: '100000', maxDrawdown: 100, maxPositionSize: '100000' };

function data(lines: ReturnType<typeof gridData>): Pick<BacktestOptions, 'instruments' | 'events'> {
  return parseRecordedData(toJsonl(lines));
}

describe('backtest runner', () => {
  it('runs every order through pre-trade risk: a denial is counted and nothing oversized reaches the venue', async () => {
    const result = await runBacktest({
      strategy: simpleQuoter as unknown as AnyStrategy,
      config: { instrumentId: 'okx:BTC-USDT-SWAP', spreadBps: 5, quantity: 5 },
      riskLimits: { ...loose, maxOrderSize: '1' },
      initialBalances: { USDT: '100000' },
      leverage: 10,
      ...data(gridData(1, 60)),
    });
    expect(result.orders.riskDenied['max-order-size']).toBeGreaterThan(0);
    expect(result.orders.placed).toBe(0);
    expect(result.fills).toEqual([]);
  });

  it('books fills with fees in the ledger and re-arms grid levels through the paper matcher', async () => {
    const result = await runBacktest({
      strategy: grid as unknown as AnyStrategy,
      config: { instId: 'BTC-USDT-SWAP', lowerPrice: 92_000, upperPrice: 98_000, gridCount: 12, orderSize: 1 },
      riskLimits: loose,
      initialBalances: { USDT: '50000' },
      leverage: 5,
      ...data(gridData(22, 400)),
    });
    expect(result.fills.length).toBeGreaterThan(5);
    expect(result.fills.every((fill) => fill.role === 'maker' && fill.fee.gt(0))).toBe(true);
    const fees = result.fills.reduce((sum, fill) => sum.add(fill.fee), result.figures.fees.mul(0));
    expect(result.figures.fees.eq(fees)).toBe(true);
    // Re-armed orders: some fills carry a level that was not in the initial grid side (a SELL after a BUY).
    expect(new Set(result.fills.map((fill) => fill.side)).size).toBe(2);
    expect(result.figures.equity.eq(result.startingEquity.add(result.figures.totalPnl))).toBe(true);
  });

  it('stops the bot on a continuous-risk breach (max drawdown) and trades no more', async () => {
    const result = await runBacktest({
      strategy: dca as unknown as AnyStrategy,
      config: { instId: 'BTC-USDT', intervalMs: 86_400_000, quoteAmount: 5000 },
      riskLimits: { ...loose, maxDrawdown: 0.5 },
      initialBalances: { USDT: '20000' },
      ...data(dcaData(66, 300)),
    });
    expect(result.stoppedBy?.rule).toBe('max-drawdown');
    const stoppedAt = result.stoppedBy?.timestamp ?? 0;
    expect(result.fills.filter((fill) => fill.timestamp > stoppedAt)).toEqual([]);
  });

  it('is deterministic: two runs give byte-identical JSON and HTML reports', async () => {
    const options = (): BacktestOptions => ({
      strategy: marketMaking as unknown as AnyStrategy,
      config: { spread: 0.03, orderSize: 10 },
      exchangeConfig: { marketId: '0xbtc100k', tokenId: '7132104500001' },
      riskLimits: loose,
      initialBalances: { USDC: '1000' },
      ...data(marketMakingData(5, 300)),
    });
    const first = buildReport(await runBacktest(options()));
    const second = buildReport(await runBacktest(options()));
    expect(first.summary.trades).toBeGreaterThan(0);
    expect(serializeReport(second)).toBe(serializeReport(first));
    const html = renderHtmlReport(first);
    expect(renderHtmlReport(second)).toBe(html);
    // Self-contained: inline SVG charts, no scripts or external resources.
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });
});

describe('backtest window (from / to)', () => {
  const events = benchmarkBookStream(6_000);
  const base = (replay: BacktestOptions['events'], window?: BacktestOptions['window']): BacktestOptions => ({
    strategy: marketMaking as unknown as AnyStrategy,
    ...BENCHMARK_MARKET_MAKING,
    instruments: [toInstrument(BTC_SWAP)],
    events: replay,
    ...(window === undefined ? {} : { window }),
  });
  const head = events[0];
  if (head === undefined) throw new Error('no events');
  const first = eventTime(head);
  const from = first + 20_000;
  const to = first + 45_000;

  it('replays only [from, to]: the same as replaying that slice of snapshots on its own', async () => {
    const windowed = await runBacktest(base(events, { from, to }));
    const slice = events.filter((event) => eventTime(event) >= from && eventTime(event) <= to);
    const alone = await runBacktest(base(slice));
    expect(windowed.startTime).toBe(from);
    expect(windowed.endTime).toBe(to);
    expect(windowed.events).toBe(slice.length);
    expect(windowed.fills.length).toBeGreaterThan(0);
    expect(windowed.fills.every((fill) => fill.timestamp >= from && fill.timestamp <= to)).toBe(true);
    expect(serializeReport(buildReport(windowed))).toBe(serializeReport(buildReport(alone)));
  });

  it('a window holding all the data changes nothing; one outside it is refused', async () => {
    const whole = await runBacktest(base(events));
    const wide = await runBacktest(base(events, { from: first - 1_000, to: first + 10_000_000 }));
    expect(serializeReport(buildReport(wide))).toBe(serializeReport(buildReport(whole)));
    await expect(runBacktest(base(events, { from: first + 10_000_000 }))).rejects.toThrow(/holds none of the data/);
  });

  it('cuts a stream read from a recorded file the same way, and stops reading after `to`', async () => {
    const levels = (side: readonly (readonly [{ toFixed(): string }, { toFixed(): string }, ...unknown[]])[]): RecordedLevel[] => side.map((level) => [level[0].toFixed(), level[1].toFixed()]);
    const lines: RecordedLine[] = [BTC_SWAP];
    for (const event of events) {
      if (event.type === 'book') lines.push({ type: 'book', ts: event.book.timestamp, instrumentId: event.book.instrumentId, bids: levels(event.book.bids), asks: levels(event.book.asks) });
      else lines.push({ type: 'trade', ts: event.timestamp, instrumentId: event.instrumentId, tradeId: event.tradeId, side: event.side, price: event.price.toFixed(), quantity: event.quantity.toFixed() });
    }
    const dir = mkdtempSync(join(tmpdir(), 'window-'));
    try {
      const file = join(dir, 'stream.jsonl');
      writeFileSync(file, toJsonl(lines));
      const opened = openRecordedFile(file, 64 * 1024);
      if (opened.stream === null) throw new Error('no stream');
      const size = opened.stream.progress?.()[1] ?? 0;
      let read = 0;
      const progress = (done: number): void => {
        read = Math.max(read, done);
      };
      const fromFile = await runBacktest({ ...base(opened.stream, { from, to }), onProgress: progress });
      const inMemory = await runBacktest(base(events, { from, to }));
      expect(serializeReport(buildReport(fromFile))).toBe(serializeReport(buildReport(inMemory)));
      // The file is 60 simulated seconds; `to` is at 45 s: the last quarter or so is never read.
      expect(size).toBeGreaterThan(0);
      expect(read).toBeLessThan(0.85 * size);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
