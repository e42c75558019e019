/** /api/system: health (no auth; the launcher waits on it), Prometheus metrics, global kill switch (admin). */
import type { FastifyInstance } from 'fastify';
import { currentPrincipal } from '../../../plugins/auth.js';
import { requestSchema } from '../../../plugins/validation.js';
import { killSwitch } from '../../../services/engines/control-engines.js';
import { readRegistry } from '../../../services/engines/registry.js';
import { metricsRegistry } from '../../../plugins/metrics.js';
import { guards, type RouteOptions } from '../../route-kit.js';

async function probe(fn: () => Promise<unknown>): Promise<'connected' | 'disconnected'> {
  try {
    await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => { reject(new Error('timeout')); }, 2000))]);
    return 'connected';
  } catch {
    return 'disconnected';
  }
}

export default function systemRoutes(app: FastifyInstance, { ctx }: RouteOptions): void {
  const g = guards(app);
  const tags = ['system'];
  app.get('/health', { schema: requestSchema({ tags }) }, async (_request, reply) => {
    const [db, redis] = await Promise.all([probe(() => ctx.db.query('SELECT 1')), probe(() => ctx.redis.ping())]);
    let engines = { live: 0, total: 0 };
    if (redis === 'connected') {
      const registry = await readRegistry(ctx).catch(() => []);
      engines = { live: registry.filter((e) => e.live).length, total: registry.length };
    }
    const ok = db === 'connected' && redis === 'connected';
    reply.code(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'error', timestamp: Date.now(), services: { db, dbKind: ctx.db.kind, redis, engines } };
  });
  app.get('/metrics', { schema: requestSchema({ tags }) }, async (_request, reply) => {
    reply.header('content-type', metricsRegistry.contentType);
    return metricsRegistry.metrics();
  });
  app.post('/kill-switch', { schema: requestSchema({ tags }), onRequest: g.admin }, async (request, reply) => {
    reply.code(202);
    return killSwitch(ctx, currentPrincipal(request), null, request.ip);
  });
}
