/** /api/positions: net positions per bot and instrument, scoped and filterable. */
import type { FastifyInstance } from 'fastify';
import type { ListQuery } from '@trading/shared-types';
import { currentPrincipal } from '../../../plugins/auth.js';
import { requestSchema } from '../../../plugins/validation.js';
import { cachedList } from '../../../services/cache/cached-list.js';
import { listPage, serialize } from '../../../services/lists/paginate.js';
import { guards, type RouteOptions } from '../../route-kit.js';
import { POSITION_LIST } from '../orders/specs.js';

export default function positionRoutes(app: FastifyInstance, { ctx }: RouteOptions): void {
  const g = guards(app);
  app.get<{ Querystring: ListQuery }>('/', { schema: requestSchema({ query: 'ListQuery', tags: ['positions'] }), onRequest: g.anyone }, async (request, reply) => {
    const principal = currentPrincipal(request);
    return cachedList(ctx, request, reply, principal, ['positions'], () => listPage(ctx, principal, POSITION_LIST, request.query, serialize));
  });
}
