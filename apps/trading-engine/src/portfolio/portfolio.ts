/**
 * The engine-wide portfolio: every bot's ledger figures converted to USDC equivalent, with running totals per
 * exchange and overall (exposure and the day's PnL) for the portfolio risk limits.
 */
import { Decimal } from 'decimal.js';
import type { Exchange } from '@trading/shared-types';
import { ONE, ZERO } from '../core/decimal.js';

export interface BotContribution {
  exchange: Exchange;
  exposureUsdc: Decimal;
  dailyPnlUsdc: Decimal;
}

export interface PortfolioTotals {
  exposureUsdc: Decimal;
  dailyPnlUsdc: Decimal;
  byExchange: Partial<Record<Exchange, { exposureUsdc: Decimal; dailyPnlUsdc: Decimal }>>;
}

export class Portfolio {
  private readonly bots = new Map<string, BotContribution>();
  private totals: PortfolioTotals = { exposureUsdc: ZERO, dailyPnlUsdc: ZERO, byExchange: {} };

  /** `rates`: units of USDC per unit of currency (USDC itself is 1; USDT defaults to 1 unless given). */
  constructor(private readonly rates: Readonly<Record<string, Decimal>> = {}) {}

  toUsdc(currency: string, amount: Decimal): Decimal {
    const rate = currency === 'USDC' ? ONE : (this.rates[currency] ?? ONE);
    return amount.mul(rate);
  }

  /** Replaces a bot's contribution; the totals move by the difference (O(1) per update). */
  update(botId: string, contribution: BotContribution): void {
    const previous = this.bots.get(botId);
    if (previous) this.apply(previous, -1);
    this.bots.set(botId, contribution);
    this.apply(contribution, 1);
  }

  remove(botId: string): void {
    const previous = this.bots.get(botId);
    if (!previous) return;
    this.apply(previous, -1);
    this.bots.delete(botId);
  }

  contribution(botId: string): BotContribution | undefined {
    return this.bots.get(botId);
  }

  current(): PortfolioTotals {
    return this.totals;
  }

  private apply(contribution: BotContribution, sign: 1 | -1): void {
    const exposure = sign === 1 ? contribution.exposureUsdc : contribution.exposureUsdc.neg();
    const pnl = sign === 1 ? contribution.dailyPnlUsdc : contribution.dailyPnlUsdc.neg();
    const venue = this.totals.byExchange[contribution.exchange] ?? { exposureUsdc: ZERO, dailyPnlUsdc: ZERO };
    this.totals = {
      exposureUsdc: this.totals.exposureUsdc.add(exposure),
      dailyPnlUsdc: this.totals.dailyPnlUsdc.add(pnl),
      byExchange: {
        ...this.totals.byExchange,
        [contribution.exchange]: { exposureUsdc: venue.exposureUsdc.add(exposure), dailyPnlUsdc: venue.dailyPnlUsdc.add(pnl) },
      },
    };
  }
}
