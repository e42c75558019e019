/**
 * /api/backtests: everyone in scope reads runs and the data sets; admin and operators start runs (202, then the
 * backtest worker runs it and reports progress over Socket.IO: subscribe:backtest, event backtest-progress).
 */
import type { FastifyInstance } from 'fastify';
import type { BacktestRequest, IdParams, ListQuery } from '@trading/shared-types';
import { currentPrincipal } from '../../../plugins/auth.js';
import { requestSchema } from '../../../plugins/validation.js';
import { closeBacktestQueue, createBacktest, getBacktest, listBacktests, listDatasets } from '../../../services/backtests/manage-backtests.js';
import { guards, type RouteOptions } from '../../route-kit.js';

export default function backtestRoutes(app: FastifyInstance, { ctx }: RouteOptions): void {
  const g = guards(app);
  const tags = ['backtests'];
  app.addHook('onClose', async () => {
    await closeBacktestQueue(ctx);
  });
  app.get('/datasets', { schema: requestSchema({ tags }), onRequest: g.anyone }, (request) => ({ data: listDatasets(currentPrincipal(request)) }));
  app.get<{ Querystring: ListQuery }>('/', { schema: requestSchema({ query: 'ListQuery', tags }), onRequest: g.anyone }, async (request) =>
    listBacktests(ctx, currentPrincipal(request), request.query),
  );
  app.get<{ Params: IdParams }>('/:id', { schema: requestSchema({ params: 'IdParams', tags }), onRequest: g.anyone }, async (request) =>
    getBacktest(ctx, currentPrincipal(request), request.params.id),
  );
  app.post<{ Body: BacktestRequest }>('/', { schema: requestSchema({ body: 'BacktestRequest', tags }), onRequest: g.managers }, async (request, reply) => {
    reply.code(202);
    return createBacktest(ctx, currentPrincipal(request), request.body, request.ip);
  });
}
