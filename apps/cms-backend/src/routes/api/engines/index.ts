/** /api/engines: list and detail from the Redis registry (scoped), drain and kill switch (admin). */
import type { FastifyInstance } from 'fastify';
import type { IdParams, ListQuery } from '@trading/shared-types';
import { currentPrincipal } from '../../../plugins/auth.js';
import { requestSchema } from '../../../plugins/validation.js';
import { drainEngine, getEngine, killSwitch, listEngines } from '../../../services/engines/control-engines.js';
import { pageOf } from '../../../services/lists/paginate.js';
import { guards, type RouteOptions } from '../../route-kit.js';

export default function engineRoutes(app: FastifyInstance, { ctx }: RouteOptions): void {
  const g = guards(app);
  const tags = ['engines'];
  app.get<{ Querystring: ListQuery }>('/', { schema: requestSchema({ query: 'ListQuery', tags }), onRequest: g.anyone }, async (request) => {
    const { page, limit } = pageOf(request.query);
    const { exchange, status } = request.query;
    const all = (await listEngines(ctx, currentPrincipal(request)))
      .filter((e) => exchange === undefined || exchange === 'all' || e.supportedExchanges.includes(exchange))
      .filter((e) => status === undefined || e.status === status)
      .sort((a, b) => a.engineId.localeCompare(b.engineId));
    return { data: all.slice((page - 1) * limit, page * limit), total: all.length, page, limit, totalPages: Math.ceil(all.length / limit) };
  });
  app.get<{ Params: IdParams }>('/:id', { schema: requestSchema({ params: 'IdParams', tags }), onRequest: g.anyone }, async (request) =>
    getEngine(ctx, currentPrincipal(request), request.params.id),
  );
  app.post<{ Params: IdParams }>('/:id/drain', { schema: requestSchema({ params: 'IdParams', tags }), onRequest: g.admin }, async (request, reply) => {
    reply.code(202);
    return drainEngine(ctx, currentPrincipal(request), request.params.id, request.ip);
  });
  app.post<{ Params: IdParams }>('/:id/kill-switch', { schema: requestSchema({ params: 'IdParams', tags }), onRequest: g.admin }, async (request, reply) => {
    reply.code(202);
    return killSwitch(ctx, currentPrincipal(request), request.params.id, request.ip);
  });
}
