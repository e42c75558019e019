/**
 * Issuing and rotating tokens. Access: JWT (typ access, jti). Refresh: 32 random bytes, stored as sha256 with an
 * expiry; each use revokes it and issues a new one (rotation), and reusing a revoked one revokes the whole family
 * of that user (token theft signal).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Exchange, UserRole } from '@trading/shared-types';
import type { AppContext } from '../../context.js';
import type { Queryable } from '../../db/client.js';

export interface TokenUser {
  userId: string;
  email: string;
  role: UserRole;
  allowedExchanges: Exchange[];
}

export interface TokenPair {
  token: string;
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

export const hashRefresh = (token: string) => createHash('sha256').update(token).digest('hex');

export async function issueTokens(app: FastifyInstance, ctx: AppContext, q: Queryable, user: TokenUser): Promise<TokenPair> {
  const accessToken = app.jwt.sign(
    { sub: user.userId, email: user.email, role: user.role, ex: user.allowedExchanges, typ: 'access', jti: randomUUID() },
    { expiresIn: ctx.config.accessTtlSeconds },
  );
  const refreshToken = randomBytes(32).toString('base64url');
  await q.query('INSERT INTO refresh_tokens (jti, user_id, expires_at) VALUES ($1, $2, $3)', [
    hashRefresh(refreshToken),
    user.userId,
    new Date(Date.now() + ctx.config.refreshTtlSeconds * 1000),
  ]);
  return { token: accessToken, accessToken, refreshToken, tokenType: 'Bearer', expiresIn: ctx.config.accessTtlSeconds };
}
