/** /api/pnl: per bot, per exchange or portfolio, over a time range in buckets. */
import type { FastifyInstance } from 'fastify';
import type { PnlQuery } from '@trading/shared-types';
import { currentPrincipal } from '../../../plugins/auth.js';
import { requestSchema } from '../../../plugins/validation.js';
import { pnlSeries } from '../../../services/pnl/pnl-series.js';
import { guards, type RouteOptions } from '../../route-kit.js';

export default function pnlRoutes(app: FastifyInstance, { ctx }: RouteOptions): void {
  const g = guards(app);
  app.get<{ Querystring: PnlQuery }>('/', { schema: requestSchema({ query: 'PnlQuery', tags: ['pnl'] }), onRequest: g.anyone }, async (request) =>
    pnlSeries(ctx, currentPrincipal(request), request.query),
  );
}
