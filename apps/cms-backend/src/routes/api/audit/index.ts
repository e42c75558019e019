/** /api/audit (admin): the audit log, filterable by user, action, exchange and time. */
import type { FastifyInstance } from 'fastify';
import type { ListQuery } from '@trading/shared-types';
import { auditLog } from '../../../db/schema.js';
import { currentPrincipal } from '../../../plugins/auth.js';
import { requestSchema } from '../../../plugins/validation.js';
import { listPage, serialize } from '../../../services/lists/paginate.js';
import { guards, type RouteOptions } from '../../route-kit.js';

export default function auditRoutes(app: FastifyInstance, { ctx }: RouteOptions): void {
  const g = guards(app);
  app.get<{ Querystring: ListQuery }>('/', { schema: requestSchema({ query: 'ListQuery', tags: ['audit'] }), onRequest: g.admin }, async (request) =>
    listPage(
      ctx,
      request.query.exchange !== undefined && request.query.exchange !== 'all' ? currentPrincipal(request) : null,
      { table: auditLog, exchange: auditLog.exchange, time: auditLog.at, sort: { timestamp: auditLog.at, createdAt: auditLog.at }, eq: { userId: auditLog.userId, action: auditLog.action, botId: auditLog.entityId } },
      request.query,
      serialize,
    ),
  );
}
