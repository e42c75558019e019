/**
 * Replays a scripted sequence of fills, marks and a funding payment through a bot's ledger and checks every PnL
 * figure to the last unit: average entry, realized, unrealized, fees, funding, total, equity, peak and drawdown,
 * daily PnL across a UTC day boundary, volume, trade count. All hand-computed (comments show the arithmetic).
 */
import { describe, expect, it } from 'vitest';
import { BotLedger } from '../../src/portfolio/bot-ledger.js';
import { Portfolio } from '../../src/portfolio/portfolio.js';
import { BTC_SWAP, d } from './fixtures.js';

const BTC = BTC_SWAP.id;
const DAY = 86_400_000;

function snapshot(ledger: BotLedger, now: number): Record<string, string | number> {
  const f = ledger.figures(now);
  const p = ledger.position(BTC);
  return {
    quantity: p.quantity.toFixed(),
    averageEntryPrice: p.averageEntryPrice.toFixed(),
    positionRealized: p.realizedPnl.toFixed(),
    positionUnrealized: p.unrealizedPnl.toFixed(),
    realizedPnl: f.realizedPnl.toFixed(),
    unrealizedPnl: f.unrealizedPnl.toFixed(),
    fees: f.fees.toFixed(),
    funding: f.funding.toFixed(),
    totalPnl: f.totalPnl.toFixed(),
    equity: f.equity.toFixed(),
    peakEquity: f.peakEquity.toFixed(),
    dailyPnl: f.dailyPnl.toFixed(),
    exposure: f.exposure.toFixed(),
    volume: f.volume.toFixed(),
    tradeCount: f.tradeCount,
  };
}

describe('PnL replay (BTC-USDT-SWAP, contract value 0.01, 1 000 USDT)', () => {
  it('books every fill, mark and funding payment exactly', () => {
    const ledger = new BotLedger('USDT', d(1000), 1_000);

    // 1. BUY 3 @ 100, taker fee 100 × 3 × 0.01 × 0.0005 = 0.0015.
    expect(ledger.applyFill(BTC_SWAP, 'BUY', d(100), d(3), d('0.0015'), 1_000).toFixed()).toBe('0');
    // 2. BUY 1 @ 104, fee 0.00052. Average entry (300 + 104) / 4 = 101.
    ledger.applyFill(BTC_SWAP, 'BUY', d(104), d(1), d('0.00052'), 2_000);
    expect(snapshot(ledger, 2_000)).toMatchObject({
      quantity: '4',
      averageEntryPrice: '101',
      realizedPnl: '0',
      fees: '0.00202',
      totalPnl: '-0.00202',
      tradeCount: 2,
    });

    // 3. SELL 2 @ 106.5, maker fee 106.5 × 2 × 0.01 × 0.0002 = 0.000426. Realized (106.5 − 101) × 2 × 0.01 = 0.11.
    expect(ledger.applyFill(BTC_SWAP, 'SELL', d('106.5'), d(2), d('0.000426'), 3_000).toFixed()).toBe('0.11');
    // 4. Mark 103: unrealized (103 − 101) × 2 × 0.01 = 0.04.
    ledger.mark(BTC, d(103), 4_000);
    expect(snapshot(ledger, 4_000)).toEqual({
      quantity: '2',
      averageEntryPrice: '101',
      positionRealized: '0.11',
      positionUnrealized: '0.04',
      realizedPnl: '0.11',
      unrealizedPnl: '0.04',
      fees: '0.002446',
      funding: '0',
      totalPnl: '0.147554', // 0.11 + 0.04 − 0.002446
      equity: '1000.147554',
      peakEquity: '1000.147554',
      dailyPnl: '0.147554',
      exposure: '2.06', // 2 × 0.01 × 103
      volume: '6.17', // 3 + 1.04 + 2.13
      tradeCount: 3,
    });

    // 5. Funding 0.0001 on 2 × 0.01 × 103 = 2.06 notional: the long pays 0.000206.
    ledger.applyFunding(BTC_SWAP, d('-0.000206'), 5_000);
    // 6. SELL 5 @ 102, fee 0.00255: closes 2 (realized (102 − 101) × 2 × 0.01 = 0.02), opens 3 short at 102.
    expect(ledger.applyFill(BTC_SWAP, 'SELL', d(102), d(5), d('0.00255'), 6_000).toFixed()).toBe('0.02');
    expect(snapshot(ledger, 6_000)).toMatchObject({
      quantity: '-3',
      averageEntryPrice: '102',
      positionUnrealized: '-0.03', // (103 − 102) × −3 × 0.01 on the last mark
      realizedPnl: '0.13',
      fees: '0.004996',
      funding: '-0.000206',
      totalPnl: '0.094798', // 0.13 − 0.03 − 0.004996 − 0.000206
      equity: '1000.094798',
      peakEquity: '1000.147554',
    });
    const drawdown = ledger.figures(6_000).drawdownPct;
    expect(drawdown.toFixed()).toBe(d('0.052756').div('1000.147554').mul(100).toFixed());
    expect(drawdown.toFixed(10)).toBe('0.0052748217');

    // 7. Mark 101.5: the short gains (101.5 − 102) × −3 × 0.01 = 0.015.
    ledger.mark(BTC, d('101.5'), 7_000);
    expect(snapshot(ledger, 7_000)).toMatchObject({
      unrealizedPnl: '0.015',
      totalPnl: '0.139798',
      exposure: '3.045',
    });

    // 8. Next UTC day: BUY 3 @ 100.25, maker fee 100.25 × 3 × 0.01 × 0.0002 = 0.0006015; realized (102 − 100.25) × 3 × 0.01 = 0.0525.
    expect(ledger.applyFill(BTC_SWAP, 'BUY', d('100.25'), d(3), d('0.0006015'), DAY + 5).toFixed()).toBe(
      '0.0525',
    );
    expect(snapshot(ledger, DAY + 5)).toEqual({
      quantity: '0',
      averageEntryPrice: '0',
      positionRealized: '0.1825', // 0.11 + 0.02 + 0.0525
      positionUnrealized: '0',
      realizedPnl: '0.1825',
      unrealizedPnl: '0',
      fees: '0.0055975',
      funding: '-0.000206',
      totalPnl: '0.1766965', // 0.1825 − 0.0055975 − 0.000206
      equity: '1000.1766965',
      peakEquity: '1000.1766965',
      dailyPnl: '0.0368985', // 0.1766965 − 0.139798 (the total when the day began)
      exposure: '0',
      volume: '14.2775', // 3 + 1.04 + 2.13 + 5.1 + 3.0075
      tradeCount: 5,
    });
    expect(ledger.position(BTC).fees.toFixed()).toBe('0.0055975');
    expect(ledger.position(BTC).funding.toFixed()).toBe('-0.000206');
    expect(ledger.figures(DAY + 5).drawdownPct.toFixed()).toBe('0');
  });

  it('settles a Polymarket holding at 1 or 0 and converts totals to USDC', () => {
    const ledger = new BotLedger('USDC', d(100), 0);
    const yes = {
      ...BTC_SWAP,
      id: 'polymarket:1' as const,
      exchange: 'polymarket' as const,
      contractValue: d(1),
    };
    ledger.applyFill(yes, 'BUY', d('0.37'), d(25), d('0.174825'), 1); // 25 × 0.03 × 0.37 × 0.63
    expect(ledger.settle(yes.id, d(1), 2)?.toFixed()).toBe('15.75'); // (1 − 0.37) × 25
    expect(ledger.figures(2).totalPnl.toFixed()).toBe('15.575175');
    const portfolio = new Portfolio({ USDT: d('0.9995') });
    expect(portfolio.toUsdc('USDT', d(2000)).toFixed()).toBe('1999');
    portfolio.update('x', { exchange: 'okx', exposureUsdc: d(10), dailyPnlUsdc: d(-1) });
    portfolio.update('y', { exchange: 'polymarket', exposureUsdc: d(5), dailyPnlUsdc: d(2) });
    portfolio.update('x', { exchange: 'okx', exposureUsdc: d(4), dailyPnlUsdc: d(-3) });
    expect(portfolio.current().exposureUsdc.toFixed()).toBe('9');
    expect(portfolio.current().dailyPnlUsdc.toFixed()).toBe('-1');
    expect(portfolio.current().byExchange.okx?.exposureUsdc.toFixed()).toBe('4');
    portfolio.remove('x');
    expect(portfolio.current().exposureUsdc.toFixed()).toBe('5');
  });
});
