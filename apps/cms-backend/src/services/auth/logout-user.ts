/** POST /api/auth/logout: deny the access token until it expires, drop its sockets, revoke the refresh token if given. */
import type { AppContext } from '../../context.js';
import { TOKEN_REVOKED_CHANNEL, denylistKey } from '../../plugins/auth.js';
import type { Principal } from './principal.js';
import { hashRefresh } from './tokens.js';

export async function logoutUser(ctx: AppContext, principal: Principal, refreshToken: string | undefined): Promise<void> {
  const ttl = Math.max(1, principal.exp - Math.floor(Date.now() / 1000));
  await ctx.redis.set(denylistKey(ctx, principal.jti), '1', 'EX', ttl);
  // This instance refuses the token at once; the others on the message below (auth-cache.ts).
  ctx.auth?.revoke(principal.jti, principal.exp * 1000);
  // Live sockets opened with this token are dropped too (realtime/socket-server.ts listens).
  await ctx.redis.publish(ctx.key(TOKEN_REVOKED_CHANNEL), principal.jti);
  if (refreshToken !== undefined) {
    await ctx.db.query('UPDATE refresh_tokens SET revoked_at = now() WHERE jti = $1 AND user_id = $2 AND revoked_at IS NULL', [
      hashRefresh(refreshToken),
      principal.userId,
    ]);
  }
}
