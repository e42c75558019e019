/** /api/auth: login (rate limited), refresh (rotation), logout (revocation), me. */
import type { FastifyInstance } from 'fastify';
import type { LoginRequest, LogoutRequest, RefreshRequest } from '@trading/shared-types';
import { currentPrincipal } from '../../../plugins/auth.js';
import { requestSchema } from '../../../plugins/validation.js';
import { loginUser } from '../../../services/auth/login-user.js';
import { logoutUser } from '../../../services/auth/logout-user.js';
import { refreshSession } from '../../../services/auth/refresh-session.js';
import { getUser } from '../../../services/users/manage-users.js';
import { guards, type RouteOptions } from '../../route-kit.js';

export default function authRoutes(app: FastifyInstance, { ctx }: RouteOptions): void {
  const g = guards(app);
  const loginLimit = { max: ctx.config.loginRateLimitPerMinute, timeWindow: '1 minute' };
  app.post<{ Body: LoginRequest }>(
    '/login',
    { schema: requestSchema({ body: 'LoginRequest', tags: ['auth'] }), config: { rateLimit: loginLimit } },
    async (request) => loginUser(app, ctx, request.body),
  );
  app.post<{ Body: RefreshRequest }>(
    '/refresh',
    { schema: requestSchema({ body: 'RefreshRequest', tags: ['auth'] }), config: { rateLimit: { max: 30, timeWindow: '1 minute' } } },
    async (request) => refreshSession(app, ctx, request.body.refreshToken),
  );
  app.post<{ Body: LogoutRequest }>(
    '/logout',
    { schema: requestSchema({ body: 'LogoutRequest', tags: ['auth'] }), onRequest: g.anyone },
    async (request) => {
      await logoutUser(ctx, currentPrincipal(request), request.body.refreshToken);
      return { ok: true };
    },
  );
  app.get('/me', { schema: requestSchema({ tags: ['auth'] }), onRequest: g.anyone }, async (request) => getUser(ctx, currentPrincipal(request).userId));
}
