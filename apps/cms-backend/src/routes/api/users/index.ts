/** /api/users (admin only). */
import type { FastifyInstance } from 'fastify';
import type { CreateUserRequest, IdParams, ListQuery, UpdateUserRequest } from '@trading/shared-types';
import { currentPrincipal } from '../../../plugins/auth.js';
import { requestSchema } from '../../../plugins/validation.js';
import { pageOf } from '../../../services/lists/paginate.js';
import { createUser, deleteUser, getUser, listUsers, updateUser } from '../../../services/users/manage-users.js';
import { guards, type RouteOptions } from '../../route-kit.js';

export default function userRoutes(app: FastifyInstance, { ctx }: RouteOptions): void {
  const g = guards(app);
  const tags = ['users'];
  app.get<{ Querystring: ListQuery }>('/', { schema: requestSchema({ query: 'ListQuery', tags }), onRequest: g.admin }, async (request) => {
    const { page, limit } = pageOf(request.query);
    const { rows, total } = await listUsers(ctx, page, limit);
    return { data: rows, total, page, limit, totalPages: Math.ceil(total / limit) };
  });
  app.get<{ Params: IdParams }>('/:id', { schema: requestSchema({ params: 'IdParams', tags }), onRequest: g.admin }, async (request) => getUser(ctx, request.params.id));
  app.post<{ Body: CreateUserRequest }>('/', { schema: requestSchema({ body: 'CreateUserRequest', tags }), onRequest: g.admin }, async (request, reply) => {
    reply.code(201);
    return createUser(ctx, currentPrincipal(request), request.body);
  });
  app.patch<{ Params: IdParams; Body: UpdateUserRequest }>(
    '/:id',
    { schema: requestSchema({ params: 'IdParams', body: 'UpdateUserRequest', tags }), onRequest: g.admin },
    async (request) => updateUser(ctx, currentPrincipal(request), request.params.id, request.body),
  );
  app.delete<{ Params: IdParams }>('/:id', { schema: requestSchema({ params: 'IdParams', tags }), onRequest: g.admin }, async (request) => {
    await deleteUser(ctx, currentPrincipal(request), request.params.id);
    return { ok: true };
  });
}
