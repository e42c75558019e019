/** /api/strategies: the six strategies with supported exchanges and their config JSON Schema (when defined). */
import type { FastifyInstance } from 'fastify';
import { requestSchema } from '../../../plugins/validation.js';
import { listStrategies } from '../../../services/strategies/catalogue.js';
import { guards, type RouteOptions } from '../../route-kit.js';

export default function strategyRoutes(app: FastifyInstance, _opts: RouteOptions): void {
  const g = guards(app);
  app.get('/', { schema: requestSchema({ tags: ['strategies'] }), onRequest: g.anyone }, () => {
    const data = listStrategies();
    return { data, total: data.length, page: 1, limit: data.length, totalPages: 1 };
  });
}
