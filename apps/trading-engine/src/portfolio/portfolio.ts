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

interface MutableTotals {
  exposureUsdc: Decimal;
  dailyPnlUsdc: Decimal;
}

export class Portfolio {
  private readonly bots = new Map<string, BotContribution>();
  private readonly total: MutableTotals = { exposureUsdc: ZERO, dailyPnlUsdc: ZERO };
  private readonly venues = new Map<Exchange, MutableTotals>();

  /** `rates`: units of USDC per unit of currency (USDC itself is 1; USDT defaults to 1 unless given). */
  constructor(private readonly rates: Readonly<Record<string, Decimal>> = {}) {}

  toUsdc(currency: string, amount: Decimal): Decimal {
    const rate = currency === 'USDC' ? ONE : (this.rates[currency] ?? ONE);
    return rate.eq(ONE) ? amount : amount.mul(rate);
  }

  /** Replaces a bot's contribution; the totals move by the difference (O(1) per update, no allocation but the sums). */
  update(botId: string, contribution: BotContribution): void {
    const previous = this.bots.get(botId);
    // Most updates (a mark that moved a flat bot's nothing) change nothing: skip the eight decimal sums.
    if (
      previous?.exchange === contribution.exchange &&
      previous.exposureUsdc.eq(contribution.exposureUsdc) &&
      previous.dailyPnlUsdc.eq(contribution.dailyPnlUsdc)
    )
      return;
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

  /** A snapshot of the totals. */
  current(): PortfolioTotals {
    const byExchange: PortfolioTotals['byExchange'] = {};
    for (const [exchange, totals] of this.venues)
      byExchange[exchange] = { exposureUsdc: totals.exposureUsdc, dailyPnlUsdc: totals.dailyPnlUsdc };
    return { exposureUsdc: this.total.exposureUsdc, dailyPnlUsdc: this.total.dailyPnlUsdc, byExchange };
  }

  private apply(contribution: BotContribution, sign: 1 | -1): void {
    let venue = this.venues.get(contribution.exchange);
    if (!venue) {
      venue = { exposureUsdc: ZERO, dailyPnlUsdc: ZERO };
      this.venues.set(contribution.exchange, venue);
    }
    if (sign === 1) {
      this.total.exposureUsdc = this.total.exposureUsdc.add(contribution.exposureUsdc);
      this.total.dailyPnlUsdc = this.total.dailyPnlUsdc.add(contribution.dailyPnlUsdc);
      venue.exposureUsdc = venue.exposureUsdc.add(contribution.exposureUsdc);
      venue.dailyPnlUsdc = venue.dailyPnlUsdc.add(contribution.dailyPnlUsdc);
    } else {
      this.total.exposureUsdc = this.total.exposureUsdc.sub(contribution.exposureUsdc);
      this.total.dailyPnlUsdc = this.total.dailyPnlUsdc.sub(contribution.dailyPnlUsdc);
      venue.exposureUsdc = venue.exposureUsdc.sub(contribution.exposureUsdc);
      venue.dailyPnlUsdc = venue.dailyPnlUsdc.sub(contribution.dailyPnlUsdc);
    }
  }
}
