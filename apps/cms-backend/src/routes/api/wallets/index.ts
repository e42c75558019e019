/** /api/wallets: list/get for everyone in scope; create/update/delete for admin and operators in scope. */
import { isNull } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { CreateWalletRequest, IdParams, ListQuery, UpdateWalletRequest } from '@trading/shared-types';
import { wallets } from '../../../db/schema.js';
import { currentPrincipal } from '../../../plugins/auth.js';
import { requestSchema } from '../../../plugins/validation.js';
import { listPage } from '../../../services/lists/paginate.js';
import { createWallet, deleteWallet, getWallet, toWalletPublic, updateWallet } from '../../../services/wallets/manage-wallets.js';
import { guards, type RouteOptions } from '../../route-kit.js';

export default function walletRoutes(app: FastifyInstance, { ctx }: RouteOptions): void {
  const g = guards(app);
  const tags = ['wallets'];
  app.get<{ Querystring: ListQuery }>('/', { schema: requestSchema({ query: 'ListQuery', tags }), onRequest: g.anyone }, async (request) =>
    listPage(
      ctx,
      currentPrincipal(request),
      { table: wallets, exchange: wallets.exchange, time: wallets.createdAt, sort: { createdAt: wallets.createdAt, name: wallets.name }, eq: {}, where: [isNull(wallets.deletedAt)], bool: { isActive: { column: wallets.isActive, invert: false } } },
      request.query,
      (row) => toWalletPublic(row as typeof wallets.$inferSelect),
    ),
  );
  app.get<{ Params: IdParams }>('/:id', { schema: requestSchema({ params: 'IdParams', tags }), onRequest: g.anyone }, async (request) =>
    getWallet(ctx, currentPrincipal(request), request.params.id),
  );
  app.post<{ Body: CreateWalletRequest }>('/', { schema: requestSchema({ body: 'CreateWalletRequest', tags }), onRequest: g.managers }, async (request, reply) => {
    reply.code(201);
    return createWallet(ctx, currentPrincipal(request), request.body, request.ip);
  });
  app.patch<{ Params: IdParams; Body: UpdateWalletRequest }>(
    '/:id',
    { schema: requestSchema({ params: 'IdParams', body: 'UpdateWalletRequest', tags }), onRequest: g.managers },
    async (request) => updateWallet(ctx, currentPrincipal(request), request.params.id, request.body, request.ip),
  );
  app.delete<{ Params: IdParams }>('/:id', { schema: requestSchema({ params: 'IdParams', tags }), onRequest: g.managers }, async (request) => {
    await deleteWallet(ctx, currentPrincipal(request), request.params.id, request.ip);
    return { ok: true };
  });
}
