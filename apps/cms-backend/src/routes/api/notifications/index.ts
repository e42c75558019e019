/** /api/notifications: list (scoped; null exchange = system-wide, visible to all) and mark read. */
import type { FastifyInstance } from 'fastify';
import { inArray, isNull, or } from 'drizzle-orm';
import type { IdParams, ListQuery } from '@trading/shared-types';
import { notifications } from '../../../db/schema.js';
import { notFound } from '../../../errors.js';
import { currentPrincipal } from '../../../plugins/auth.js';
import { requestSchema } from '../../../plugins/validation.js';
import { canSeeExchange, scopeExchanges } from '../../../services/auth/principal.js';
import { listPage, serialize } from '../../../services/lists/paginate.js';
import { guards, type RouteOptions } from '../../route-kit.js';

export default function notificationRoutes(app: FastifyInstance, { ctx }: RouteOptions): void {
  const g = guards(app);
  const tags = ['notifications'];
  app.get<{ Querystring: ListQuery }>('/', { schema: requestSchema({ query: 'ListQuery', tags }), onRequest: g.anyone }, async (request) => {
    const principal = currentPrincipal(request);
    const exchanges = scopeExchanges(principal, request.query.exchange);
    const scope = exchanges.length > 0 ? or(isNull(notifications.exchange), inArray(notifications.exchange, exchanges)) : isNull(notifications.exchange);
    return listPage(
      ctx,
      null,
      { table: notifications, exchange: null, time: notifications.createdAt, sort: { createdAt: notifications.createdAt }, eq: { botId: notifications.botId }, where: scope ? [scope] : [], bool: { unread: { column: notifications.isRead, invert: true } } },
      request.query,
      serialize,
    );
  });
  app.post<{ Params: IdParams }>('/:id/read', { schema: requestSchema({ params: 'IdParams', tags }), onRequest: g.anyone }, async (request) => {
    const principal = currentPrincipal(request);
    const [row] = await ctx.db.query<{ exchange: string | null }>('SELECT exchange FROM notifications WHERE notification_id = $1', [request.params.id]);
    if (!row || (row.exchange !== null && !canSeeExchange(principal, row.exchange))) throw notFound('notification');
    await ctx.db.query('UPDATE notifications SET is_read = true WHERE notification_id = $1', [request.params.id]);
    return { ok: true };
  });
  app.post('/read-all', { schema: requestSchema({ tags }), onRequest: g.anyone }, async (request) => {
    const exchanges = scopeExchanges(currentPrincipal(request), undefined);
    await ctx.db.query('UPDATE notifications SET is_read = true WHERE is_read = false AND (exchange IS NULL OR exchange = ANY($1))', [exchanges]);
    return { ok: true };
  });
}
