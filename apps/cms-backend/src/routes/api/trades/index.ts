/** /api/trades: our fills (executions), scoped and filterable. */
import type { FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import type { IdParams, ListQuery } from '@trading/shared-types';
import { fills } from '../../../db/schema.js';
import { notFound } from '../../../errors.js';
import { currentPrincipal } from '../../../plugins/auth.js';
import { requestSchema } from '../../../plugins/validation.js';
import { assertExchange } from '../../../services/auth/principal.js';
import { cachedList } from '../../../services/cache/cached-list.js';
import { listPage, serialize } from '../../../services/lists/paginate.js';
import { guards, type RouteOptions } from '../../route-kit.js';
import { FILL_LIST } from '../orders/specs.js';

export default function tradeRoutes(app: FastifyInstance, { ctx }: RouteOptions): void {
  const g = guards(app);
  const tags = ['trades'];
  app.get<{ Querystring: ListQuery }>('/', { schema: requestSchema({ query: 'ListQuery', tags }), onRequest: g.anyone }, async (request, reply) => {
    const principal = currentPrincipal(request);
    return cachedList(ctx, request, reply, principal, ['fills'], () => listPage(ctx, principal, FILL_LIST, request.query, serialize));
  });
  app.get<{ Params: IdParams }>('/:id', { schema: requestSchema({ params: 'IdParams', tags }), onRequest: g.anyone }, async (request) => {
    const [row] = await ctx.db.orm.select().from(fills).where(eq(fills.fillId, request.params.id));
    if (!row) throw notFound('trade');
    assertExchange(currentPrincipal(request), row.exchange);
    return serialize(row);
  });
}
