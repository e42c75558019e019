/** Last known connectivity per exchange, written by the event worker from exchange-status-changed events. */
import { EXCHANGE_VALUES, type Exchange, type ExchangeStatus } from '@trading/shared-types';
import type { AppContext } from '../../context.js';

export interface ExchangeStatusView {
  exchange: Exchange;
  status: ExchangeStatus | 'unknown';
  reason: string | null;
  engineId: string | null;
  updatedAt: string | null;
}

export const exchangeStatusKey = (ctx: Pick<AppContext, 'key'>) => ctx.key('cms:exchange-status');

export async function exchangeStatuses(ctx: Pick<AppContext, 'redis' | 'key'>): Promise<Record<Exchange, ExchangeStatusView>> {
  const raw = await ctx.redis.hgetall(exchangeStatusKey(ctx));
  const out = {} as Record<Exchange, ExchangeStatusView>;
  for (const exchange of EXCHANGE_VALUES) {
    const fallback: ExchangeStatusView = { exchange, status: 'unknown', reason: null, engineId: null, updatedAt: null };
    const text = raw[exchange];
    try {
      out[exchange] = text !== undefined ? { ...fallback, ...(JSON.parse(text) as Partial<ExchangeStatusView>), exchange } : fallback;
    } catch {
      out[exchange] = fallback;
    }
  }
  return out;
}
