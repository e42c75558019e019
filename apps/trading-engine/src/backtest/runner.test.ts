/**
 * The backtest runner on the engine's own parts: risk denials reach the strategy, a continuous-risk breach stops
 * the bot, fills and fees land in the ledger, and two runs give byte-identical reports.
 */
import { describe, expect, it } from 'vitest';
import { runBacktest, type BacktestOptions } from './runner.js';
import { buildReport, serializeReport } from './report.js';
import { renderHtmlReport } from './html-report.js';
import { parseRecordedData, toJsonl } from './recorded-data.js';
import { dcaData, gridData, marketMakingData } from './synthetic-data.js';
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
