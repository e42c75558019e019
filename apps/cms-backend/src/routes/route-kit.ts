/** Shared bits of the thin route modules: the plugin options and the RBAC presets. */
import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import type { AppContext } from '../context.js';
import { requireRole } from '../plugins/auth.js';

export interface RouteOptions {
  ctx: AppContext;
}

export function guards(app: FastifyInstance): {
  anyone: preHandlerHookHandler[];
  managers: preHandlerHookHandler[];
  admin: preHandlerHookHandler[];
} {
  return {
    anyone: [app.authenticate],
    managers: [app.authenticate, requireRole('admin', 'operator')],
    admin: [app.authenticate, requireRole('admin')],
  };
}
