/**
 * Bearer access tokens (HS256 JWT, 15 min, typ "access") checked on every protected route, plus the RBAC guards.
 * Refresh tokens are opaque random strings stored hashed in the database, so one can never pass as an access
 * token. Logout puts the access token's jti on a Redis denylist until it expires.
 * Verified tokens and the denylist are mirrored in process (services/auth/auth-cache.ts), so a request touches
 * neither the HMAC nor Redis while the revocation subscription is live.
 */
import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { REDIS_CHANNELS, type Exchange, type UserRole } from '@trading/shared-types';
import type { AppContext } from '../context.js';
import { forbidden, unauthorized } from '../errors.js';
import type { Principal } from '../services/auth/principal.js';

export interface AccessClaims {
  sub: string;
  email: string;
  role: UserRole;
  ex: Exchange[];
  typ: 'access';
  jti: string;
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: AccessClaims;
    user: AccessClaims & { exp: number; iat: number };
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    authenticate: onRequestHookHandler;
  }
}

/** Logout publishes the revoked access-token id on this channel; the Socket.IO server drops that token's sockets. */
export const TOKEN_REVOKED_CHANNEL = REDIS_CHANNELS.tokenRevoked;

export function denylistKey(ctx: Pick<AppContext, 'key'>, jti: string): string {
  return ctx.key(`cms:deny:${jti}`);
}

/** Verify an access token (REST and Socket.IO handshake share this). */
export async function verifyAccessToken(app: FastifyInstance, ctx: AppContext, token: string): Promise<Principal> {
  const cached = ctx.auth?.principal(token);
  const principal = cached ?? verifyClaims(app, token);
  if (cached === undefined) ctx.auth?.remember(token, principal);
  if (ctx.auth?.live === true) {
    if (ctx.auth.isRevoked(principal.jti)) throw unauthorized('token has been revoked');
  } else if ((await ctx.redis.exists(denylistKey(ctx, principal.jti))) === 1) {
    throw unauthorized('token has been revoked');
  }
  return principal;
}

function verifyClaims(app: FastifyInstance, token: string): Principal {
  let claims: AccessClaims & { exp: number };
  try {
    claims = app.jwt.verify<AccessClaims & { exp: number }>(token);
  } catch {
    throw unauthorized('invalid or expired token');
  }
  if ((claims.typ as string) !== 'access' || typeof claims.jti !== 'string' || typeof claims.sub !== 'string') {
    throw unauthorized('not an access token');
  }
  return {
    userId: claims.sub,
    email: claims.email,
    role: claims.role,
    allowedExchanges: Array.isArray(claims.ex) ? claims.ex : [],
    jti: claims.jti,
    exp: claims.exp,
  };
}

export const authPlugin = fp(async (app: FastifyInstance, opts: { ctx: AppContext }) => {
  const { ctx } = opts;
  await app.register(fastifyJwt, { secret: ctx.config.jwtSecret, sign: { algorithm: 'HS256' }, verify: { algorithms: ['HS256'] } });
  app.decorateRequest('principal', null);
  app.decorate('authenticate', async (request: FastifyRequest, _reply: FastifyReply) => {
    const header = request.headers.authorization;
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) throw unauthorized();
    request.principal = await verifyAccessToken(app, ctx, header.slice(7).trim());
  });
});

export function currentPrincipal(request: FastifyRequest): Principal {
  if (request.principal === null) throw unauthorized();
  return request.principal;
}

/** onRequest guard: authenticated and one of the roles. */
export function requireRole(...roles: UserRole[]): onRequestHookHandler {
  return (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) => {
    const principal = request.principal;
    if (principal === null) {
      done(unauthorized());
      return;
    }
    done(roles.includes(principal.role) ? undefined : forbidden());
  };
}
