/** POST /api/auth/login: argon2 verify, then a token pair. Same answer for unknown email and bad password. */
import { verify } from '@node-rs/argon2';
import type { FastifyInstance } from 'fastify';
import type { LoginRequest, UserPublic } from '@trading/shared-types';
import type { AppContext } from '../../context.js';
import { unauthorized } from '../../errors.js';
import { toUserPublic, type UserRow } from '../users/user-dto.js';
import { issueTokens, type TokenPair } from './tokens.js';

// A real argon2 hash of a random string: unknown emails cost the same time as wrong passwords.
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3Fu+VjuMmyBh5qOyBF1JzTgtbyl0bkNsTrEWy2QXYb8';

export async function loginUser(
  app: FastifyInstance,
  ctx: AppContext,
  body: LoginRequest,
): Promise<TokenPair & { user: UserPublic }> {
  const [row] = await ctx.db.query<UserRow & Record<string, unknown>>('SELECT * FROM users WHERE email = $1', [
    body.email.toLowerCase(),
  ]);
  const ok = await verify(row?.password_hash ?? DUMMY_HASH, body.password).catch(() => false);
  if (!row || !ok || !row.is_active) throw unauthorized('invalid email or password');
  await ctx.db.query('UPDATE users SET last_login_at = now() WHERE user_id = $1', [row.user_id]);
  const user = toUserPublic({ ...row, last_login_at: new Date() });
  const tokens = await issueTokens(app, ctx, ctx.db, user);
  return { ...tokens, user };
}
