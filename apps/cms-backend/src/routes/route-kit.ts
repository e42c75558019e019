/**
 * Shared bits of the thin route modules: the plugin options and the RBAC presets. Guards run as onRequest hooks,
 * before body validation, so an anonymous caller gets 401 and learns nothing about the body rules.
 */
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import type { AppContext } from '../context.js';
import { requireRole } from '../plugins/auth.js';

export interface RouteOptions {
  ctx: AppContext;
}

export function guards(app: FastifyInstance): {
  anyone: onRequestHookHandler[];
  managers: onRequestHookHandler[];
  admin: onRequestHookHandler[];
} {
  return {
    anyone: [app.authenticate],
    managers: [app.authenticate, requireRole('admin', 'operator')],
    admin: [app.authenticate, requireRole('admin')],
  };
}
