/** POST /api/auth/refresh: rotate the refresh token and issue a new access token with the user's current role. */
import type { FastifyInstance } from 'fastify';
import type { UserPublic } from '@trading/shared-types';
import type { AppContext } from '../../context.js';
import { unauthorized } from '../../errors.js';
import { toUserPublic, type UserRow } from '../users/user-dto.js';
import { hashRefresh, issueTokens, type TokenPair } from './tokens.js';

export async function refreshSession(
  app: FastifyInstance,
  ctx: AppContext,
  refreshToken: string,
): Promise<TokenPair & { user: UserPublic }> {
  const jti = hashRefresh(refreshToken);
  const outcome = await ctx.db.transaction(async (q) => {
    const [stored] = await q.query<{ user_id: string; expires_at: Date; revoked_at: Date | null }>(
      'SELECT user_id, expires_at, revoked_at FROM refresh_tokens WHERE jti = $1 FOR UPDATE',
      [jti],
    );
    if (!stored) throw unauthorized('invalid refresh token');
    if (stored.revoked_at !== null) {
      // Reuse of a rotated token: someone else may hold the chain. Revoke every live token of the user.
      await q.query('UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [stored.user_id]);
      return null; // committed, then refused below
    }
    if (new Date(stored.expires_at).getTime() <= Date.now()) throw unauthorized('refresh token expired');
    const [row] = await q.query<UserRow & Record<string, unknown>>('SELECT * FROM users WHERE user_id = $1', [stored.user_id]);
    if (!row?.is_active) throw unauthorized('user not found or inactive');
    const user = toUserPublic(row);
    const tokens = await issueTokens(app, ctx, q, user);
    await q.query('UPDATE refresh_tokens SET revoked_at = now(), replaced_by = $2 WHERE jti = $1', [
      jti,
      hashRefresh(tokens.refreshToken),
    ]);
    return { ...tokens, user };
  });
  if (outcome === null) throw unauthorized('refresh token has been revoked');
  return outcome;
}
