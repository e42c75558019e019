/**
 * /api/exchanges: connectivity status (last exchange-status-changed per exchange, kept by the worker in Redis)
 * and the tradable markets, read live from the venue's public REST (services/exchanges/markets.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { ExchangeParams } from '@trading/shared-types';
import { currentPrincipal } from '../../../plugins/auth.js';
import { requestSchema } from '../../../plugins/validation.js';
import { assertExchange, visibleExchanges } from '../../../services/auth/principal.js';
import { exchangeStatuses } from '../../../services/exchanges/exchange-status.js';
import { listMarkets } from '../../../services/exchanges/markets.js';
import { guards, type RouteOptions } from '../../route-kit.js';

export default function exchangeRoutes(app: FastifyInstance, { ctx }: RouteOptions): void {
  const g = guards(app);
  const tags = ['exchanges'];
  app.get('/', { schema: requestSchema({ tags }), onRequest: g.anyone }, async (request) => {
    const statuses = await exchangeStatuses(ctx);
    return { data: visibleExchanges(currentPrincipal(request)).map((exchange) => statuses[exchange]) };
  });
  app.get<{ Params: ExchangeParams }>('/:exchange/status', { schema: requestSchema({ params: 'ExchangeParams', tags }), onRequest: g.anyone }, async (request) => {
    assertExchange(currentPrincipal(request), request.params.exchange);
    return (await exchangeStatuses(ctx))[request.params.exchange];
  });
  app.get<{ Params: ExchangeParams }>('/:exchange/markets', { schema: requestSchema({ params: 'ExchangeParams', tags }), onRequest: g.anyone }, async (request) => {
    assertExchange(currentPrincipal(request), request.params.exchange);
    return listMarkets(request.params.exchange, ctx.config);
  });
}
