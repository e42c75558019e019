/**
 * Portfolio risk: limits across bots and exchanges, in USDC equivalent (total exposure, total daily loss, and the
 * same per exchange). A breach names the scope so the engine stops every affected bot.
 */
import type { Decimal } from 'decimal.js';
import type { Exchange } from '@trading/shared-types';
import type { PortfolioTotals } from '../portfolio/portfolio.js';
import type { RiskViolation } from './types.js';

export interface VenueLimits {
  maxExposureUsdc?: Decimal;
  maxDailyLossUsdc?: Decimal;
}

export interface PortfolioLimits {
  maxTotalExposureUsdc?: Decimal;
  maxTotalDailyLossUsdc?: Decimal;
  perExchange?: Partial<Record<Exchange, VenueLimits>>;
}

export interface PortfolioBreach extends RiskViolation {
  /** null = every exchange (the whole portfolio). */
  exchange: Exchange | null;
}

function exposureBreach(
  value: Decimal,
  limit: Decimal | undefined,
  exchange: Exchange | null,
): PortfolioBreach | null {
  if (limit === undefined || value.lte(limit)) return null;
  const where = exchange ?? 'all exchanges';
  return {
    rule: exchange ? 'exchange-exposure' : 'portfolio-exposure',
    exchange,
    message: `exposure on ${where} ${value.toFixed()} USDC exceeds ${limit.toFixed()} USDC`,
    limit: limit.toFixed(),
    value: value.toFixed(),
  };
}

function lossBreach(
  dailyPnl: Decimal,
  limit: Decimal | undefined,
  exchange: Exchange | null,
): PortfolioBreach | null {
  const loss = dailyPnl.neg();
  if (limit === undefined || loss.lt(limit)) return null;
  const where = exchange ?? 'all exchanges';
  return {
    rule: exchange ? 'exchange-daily-loss' : 'portfolio-daily-loss',
    exchange,
    message: `daily loss on ${where} ${loss.toFixed()} USDC reached ${limit.toFixed()} USDC`,
    limit: limit.toFixed(),
    value: loss.toFixed(),
  };
}

export function portfolioBreaches(totals: PortfolioTotals, limits: PortfolioLimits): PortfolioBreach[] {
  const breaches: PortfolioBreach[] = [];
  const total =
    exposureBreach(totals.exposureUsdc, limits.maxTotalExposureUsdc, null) ??
    lossBreach(totals.dailyPnlUsdc, limits.maxTotalDailyLossUsdc, null);
  if (total) breaches.push(total);
  for (const [exchange, venueLimits] of Object.entries(limits.perExchange ?? {}) as [
    Exchange,
    VenueLimits,
  ][]) {
    const venue = totals.byExchange[exchange];
    if (!venue) continue;
    const breach =
      exposureBreach(venue.exposureUsdc, venueLimits.maxExposureUsdc, exchange) ??
      lossBreach(venue.dailyPnlUsdc, venueLimits.maxDailyLossUsdc, exchange);
    if (breach) breaches.push(breach);
  }
  return breaches;
}
