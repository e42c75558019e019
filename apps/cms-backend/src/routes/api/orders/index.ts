/** /api/orders: list, get, manual order on a running bot, cancel — the last two through the engine. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IdParams, ListQuery, ManualOrderRequest } from '@trading/shared-types';
import { currentPrincipal } from '../../../plugins/auth.js';
import { requestSchema } from '../../../plugins/validation.js';
import { cachedList } from '../../../services/cache/cached-list.js';
import { listPage, serialize } from '../../../services/lists/paginate.js';
import { cancelOrder, getOrder, placeManualOrder } from '../../../services/orders/manual-order.js';
import { guards, type RouteOptions } from '../../route-kit.js';
import { ORDER_LIST } from './specs.js';

export default function orderRoutes(app: FastifyInstance, { ctx }: RouteOptions): void {
  const g = guards(app);
  const tags = ['orders'];
  app.get<{ Querystring: ListQuery }>('/', { schema: requestSchema({ query: 'ListQuery', tags }), onRequest: g.anyone }, async (request, reply) => {
    const principal = currentPrincipal(request);
    return cachedList(ctx, request, reply, principal, ['orders'], () => listPage(ctx, principal, ORDER_LIST, request.query, serialize));
  });
  app.get<{ Params: IdParams }>('/:id', { schema: requestSchema({ params: 'IdParams', tags }), onRequest: g.anyone }, async (request) =>
    getOrder(ctx, currentPrincipal(request), request.params.id),
  );
  const place = async (request: FastifyRequest<{ Body: ManualOrderRequest }>, reply: FastifyReply) => {
    reply.code(201);
    return placeManualOrder(ctx, currentPrincipal(request), request.body, request.ip);
  };
  app.post<{ Body: ManualOrderRequest }>('/', { schema: requestSchema({ body: 'ManualOrderRequest', tags }), onRequest: g.managers }, place);
  app.post<{ Body: ManualOrderRequest }>('/manual', { schema: requestSchema({ body: 'ManualOrderRequest', tags }), onRequest: g.managers }, place);
  app.post<{ Params: IdParams }>('/:id/cancel', { schema: requestSchema({ params: 'IdParams', tags }), onRequest: g.managers }, async (request, reply) => {
    reply.code(202);
    return cancelOrder(ctx, currentPrincipal(request), request.params.id, request.ip);
  });
}
