/** /api/bots: CRUD, lifecycle (start/stop/pause/resume), config update, and the per-bot sub-lists. */
import { isNull } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CreateBotRequest, IdParams, ListQuery, PnlQuery, UpdateBotRequest } from '@trading/shared-types';
import { botLogs, bots, botStateHistory } from '../../../db/schema.js';
import { currentPrincipal } from '../../../plugins/auth.js';
import { requestSchema } from '../../../plugins/validation.js';
import { toBot, type BotRow } from '../../../services/bots/bot-dto.js';
import { controlBot, type BotAction } from '../../../services/bots/control-bot.js';
import { createBot, deleteBot, getVisibleBot, updateBot } from '../../../services/bots/manage-bots.js';
import { cachedList } from '../../../services/cache/cached-list.js';
import type { CachedResource } from '../../../services/cache/response-cache.js';
import { listPage, serialize } from '../../../services/lists/paginate.js';
import { pnlSeries } from '../../../services/pnl/pnl-series.js';
import { guards, type RouteOptions } from '../../route-kit.js';
import { ORDER_LIST, FILL_LIST, POSITION_LIST } from '../orders/specs.js';

export default function botRoutes(app: FastifyInstance, { ctx }: RouteOptions): void {
  const g = guards(app);
  const tags = ['bots'];
  app.get<{ Querystring: ListQuery }>('/', { schema: requestSchema({ query: 'ListQuery', tags }), onRequest: g.anyone }, async (request, reply) => {
    const principal = currentPrincipal(request);
    return cachedList(ctx, request, reply, principal, ['bots'], () => listPage(
      ctx,
      principal,
      {
        table: bots,
        exchange: bots.exchange,
        time: bots.createdAt,
        sort: { createdAt: bots.createdAt, updatedAt: bots.updatedAt, name: bots.name, status: bots.status },
        eq: { botId: bots.botId, status: bots.status, mode: bots.mode, strategy: bots.strategy },
        where: [isNull(bots.deletedAt)],
      },
      request.query,
      (row) => toBot(row as BotRow),
    ));
  });
  app.post<{ Body: CreateBotRequest }>('/', { schema: requestSchema({ body: 'CreateBotRequest', tags }), onRequest: g.managers }, async (request, reply) => {
    reply.code(201);
    return createBot(ctx, currentPrincipal(request), request.body, request.ip);
  });
  app.get<{ Params: IdParams }>('/:id', { schema: requestSchema({ params: 'IdParams', tags }), onRequest: g.anyone }, async (request) =>
    toBot(await getVisibleBot(ctx, currentPrincipal(request), request.params.id)),
  );
  const update = async (request: FastifyRequest<{ Params: IdParams; Body: UpdateBotRequest }>) =>
    updateBot(ctx, currentPrincipal(request), request.params.id, request.body, request.ip);
  app.patch<{ Params: IdParams; Body: UpdateBotRequest }>('/:id', { schema: requestSchema({ params: 'IdParams', body: 'UpdateBotRequest', tags }), onRequest: g.managers }, update);
  app.put<{ Params: IdParams; Body: UpdateBotRequest }>('/:id/config', { schema: requestSchema({ params: 'IdParams', body: 'UpdateBotRequest', tags }), onRequest: g.managers }, update);
  app.delete<{ Params: IdParams }>('/:id', { schema: requestSchema({ params: 'IdParams', tags }), onRequest: g.managers }, async (request) => {
    await deleteBot(ctx, currentPrincipal(request), request.params.id, request.ip);
    return { ok: true };
  });
  for (const action of ['start', 'stop', 'pause', 'resume'] as BotAction[]) {
    app.post<{ Params: IdParams }>(`/:id/${action}`, { schema: requestSchema({ params: 'IdParams', tags }), onRequest: g.managers }, async (request, reply) => {
      reply.code(202);
      return controlBot(ctx, currentPrincipal(request), request.params.id, action, request.ip);
    });
  }

  // Per-bot sub-lists: the bot must be visible, then the usual list with botId pinned.
  // Cached ones depend on the bot too (its visibility), so a bot write drops them as well.
  const sub = (path: string, spec: Parameters<typeof listPage>[2], cachedAs?: CachedResource) => {
    app.get<{ Params: IdParams; Querystring: ListQuery }>(
      `/:id/${path}`,
      { schema: requestSchema({ params: 'IdParams', query: 'ListQuery', tags }), onRequest: g.anyone },
      async (request, reply) => {
        const principal = currentPrincipal(request);
        const compute = async () => {
          await getVisibleBot(ctx, principal, request.params.id);
          return listPage(ctx, principal, spec, { ...request.query, botId: request.params.id }, serialize);
        };
        return cachedAs === undefined ? compute() : cachedList(ctx, request, reply, principal, ['bots', cachedAs], compute);
      },
    );
  };
  sub('orders', ORDER_LIST, 'orders');
  sub('trades', FILL_LIST, 'fills');
  sub('positions', POSITION_LIST, 'positions');
  sub('logs', { table: botLogs, exchange: null, time: botLogs.timestamp, sort: { timestamp: botLogs.timestamp }, eq: { botId: botLogs.botId } });
  sub('history', { table: botStateHistory, exchange: null, time: botStateHistory.at, sort: { timestamp: botStateHistory.at }, eq: { botId: botStateHistory.botId } });
  app.get<{ Params: IdParams; Querystring: PnlQuery }>(
    '/:id/pnl',
    { schema: requestSchema({ params: 'IdParams', query: 'PnlQuery', tags }), onRequest: g.anyone },
    async (request) => pnlSeries(ctx, currentPrincipal(request), { ...request.query, scope: 'bot', botId: request.params.id }),
  );
}
