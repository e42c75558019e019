/**
 * PnL time series for a bot, an exchange or the portfolio: the last snapshot of each bot in each bucket, summed
 * across bots, plus a summary of each bot's latest snapshot in the range. Sums are done in SQL NUMERIC (exact).
 */
import type { PnlQuery, PnlSeries, PnlTotals } from '@trading/shared-types';
import type { AppContext } from '../../context.js';
import type { Row } from '../../db/client.js';
import { badRequest } from '../../errors.js';
import { scopeExchanges, type Principal } from '../auth/principal.js';
import { getVisibleBot } from '../bots/manage-bots.js';
import { parseTime } from '../lists/paginate.js';

const BUCKETS: Record<NonNullable<PnlQuery['bucket']>, string> = {
  '1m': '1 minute', '5m': '5 minutes', '15m': '15 minutes', '1h': '1 hour', '4h': '4 hours', '1d': '1 day', '1w': '7 days',
};

const SUMS = `coalesce(sum(realized_pnl),0)::text AS "realizedPnl", coalesce(sum(unrealized_pnl),0)::text AS "unrealizedPnl",
  coalesce(sum(total_pnl),0)::text AS "totalPnl", coalesce(sum(fees),0)::text AS fees, coalesce(sum(equity),0)::text AS equity,
  count(DISTINCT bot_id)::int AS bots`;

export async function pnlSeries(ctx: AppContext, actor: Principal, query: PnlQuery & { botId?: string }): Promise<PnlSeries> {
  const scope = query.scope ?? (query.botId !== undefined ? 'bot' : query.exchange !== undefined && query.exchange !== 'all' ? 'exchange' : 'portfolio');
  const bucket = query.bucket ?? '1h';
  const to = parseTime(query.to, 'to') ?? new Date();
  const from = parseTime(query.from, 'from') ?? new Date(to.getTime() - 7 * 86_400_000);
  if (from > to) throw badRequest('invalid query: from must be before to', [{ field: 'from', message: 'from: must be before to' }]);
  const params: unknown[] = [from, to];
  const conds = ['ts >= $1', 'ts <= $2'];
  if (scope === 'bot') {
    if (query.botId === undefined) throw badRequest('invalid query: botId is required for scope=bot', [{ field: 'botId', message: 'botId: is required for scope=bot' }]);
    await getVisibleBot(ctx, actor, query.botId);
    params.push(query.botId);
    conds.push(`bot_id = $${params.length}`);
  } else {
    const exchanges = scopeExchanges(actor, query.exchange);
    if (exchanges.length === 0) {
      const zero = { realizedPnl: '0', unrealizedPnl: '0', totalPnl: '0', fees: '0', equity: '0', bots: 0 };
      return { scope, bucket, from: from.toISOString(), to: to.toISOString(), series: [], summary: zero };
    }
    params.push(exchanges);
    conds.push(`exchange = ANY($${params.length})`);
  }
  if (query.mode !== undefined) {
    params.push(query.mode);
    conds.push(`mode = $${params.length}`);
  }
  params.push(BUCKETS[bucket]);
  const where = conds.join(' AND ');
  const series = await ctx.db.query<PnlTotals & Row & { bucket: Date }>(
    `WITH last AS (
       SELECT DISTINCT ON (bot_id, b) bot_id, b, realized_pnl, unrealized_pnl, total_pnl, fees, equity
       FROM (SELECT *, date_bin($${params.length}::interval, ts, TIMESTAMPTZ 'epoch') AS b FROM pnl_snapshots WHERE ${where}) s
       ORDER BY bot_id, b, ts DESC)
     SELECT b AS bucket, ${SUMS} FROM last GROUP BY b ORDER BY b`,
    params,
  );
  const [summary] = await ctx.db.query<PnlTotals & Row>(
    `WITH last AS (SELECT DISTINCT ON (bot_id) * FROM pnl_snapshots WHERE ${where} ORDER BY bot_id, ts DESC) SELECT ${SUMS} FROM last`,
    params.slice(0, -1),
  );
  return {
    scope,
    bucket,
    from: from.toISOString(),
    to: to.toISOString(),
    series: series.map(({ bucket: b, ...rest }) => ({ timestamp: new Date(b).toISOString(), ...rest })),
    summary: summary ?? { realizedPnl: '0', unrealizedPnl: '0', totalPnl: '0', fees: '0', equity: '0', bots: 0 },
  };
}
