/** Admin user management: list, create, update, delete, and the first admin on first start. */
import { randomUUID } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import type { CreateUserRequest, UpdateUserRequest, UserPublic } from '@trading/shared-types';
import type { AppContext } from '../../context.js';
import { badRequest, conflict, notFound } from '../../errors.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Principal } from '../auth/principal.js';
import { toUserPublic, type UserRow } from './user-dto.js';

type UserRecord = UserRow & Record<string, unknown>;

export async function listUsers(ctx: AppContext, page: number, limit: number): Promise<{ rows: UserPublic[]; total: number }> {
  const rows = await ctx.db.query<UserRecord>('SELECT * FROM users ORDER BY created_at DESC LIMIT $1 OFFSET $2', [
    limit,
    (page - 1) * limit,
  ]);
  const [count] = await ctx.db.query<{ n: string }>('SELECT count(*)::text AS n FROM users');
  return { rows: rows.map(toUserPublic), total: Number(count?.n ?? 0) };
}

export async function getUser(ctx: AppContext, userId: string): Promise<UserPublic> {
  const [row] = await ctx.db.query<UserRecord>('SELECT * FROM users WHERE user_id = $1', [userId]);
  if (!row) throw notFound('user');
  return toUserPublic(row);
}

export async function createUser(ctx: AppContext, actor: Principal | null, body: CreateUserRequest): Promise<UserPublic> {
  const email = body.email.toLowerCase();
  const passwordHash = await hash(body.password);
  return ctx.db.transaction(async (q) => {
    const rows = await q.query<UserRecord>(
      `INSERT INTO users (user_id, email, password_hash, role, allowed_exchanges) VALUES ($1,$2,$3,$4,$5)
       ON CONFLICT (email) DO NOTHING RETURNING *`,
      [randomUUID(), email, passwordHash, body.role, body.allowedExchanges ?? []],
    );
    const row = rows[0];
    if (!row) throw conflict('a user with this email exists');
    const user = toUserPublic(row);
    await recordAudit(q, { userId: actor?.userId ?? null, action: 'user.create', entityType: 'user', entityId: user.userId, after: user });
    return user;
  });
}

export async function updateUser(ctx: AppContext, actor: Principal, userId: string, body: UpdateUserRequest): Promise<UserPublic> {
  const passwordHash = body.password === undefined ? null : await hash(body.password);
  return ctx.db.transaction(async (q) => {
    const [before] = await q.query<UserRecord>('SELECT * FROM users WHERE user_id = $1 FOR UPDATE', [userId]);
    if (!before) throw notFound('user');
    if (userId === actor.userId && (body.role !== undefined && body.role !== 'admin' || body.isActive === false)) {
      throw badRequest('an admin cannot demote or deactivate itself');
    }
    const [after] = await q.query<UserRecord>(
      `UPDATE users SET role = COALESCE($2, role), allowed_exchanges = COALESCE($3, allowed_exchanges),
         is_active = COALESCE($4, is_active), password_hash = COALESCE($5, password_hash), updated_at = now()
       WHERE user_id = $1 RETURNING *`,
      [userId, body.role ?? null, body.allowedExchanges ?? null, body.isActive ?? null, passwordHash],
    );
    if (!after) throw notFound('user');
    if (body.isActive === false || passwordHash !== null) {
      await q.query('UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
    }
    await recordAudit(q, {
      userId: actor.userId,
      action: 'user.update',
      entityType: 'user',
      entityId: userId,
      before: toUserPublic(before),
      after: toUserPublic(after),
    });
    return toUserPublic(after);
  });
}

export async function deleteUser(ctx: AppContext, actor: Principal, userId: string): Promise<void> {
  if (userId === actor.userId) throw badRequest('you cannot delete yourself');
  await ctx.db.transaction(async (q) => {
    const [before] = await q.query<UserRecord>('DELETE FROM users WHERE user_id = $1 RETURNING *', [userId]);
    if (!before) throw notFound('user');
    await recordAudit(q, { userId: actor.userId, action: 'user.delete', entityType: 'user', entityId: userId, before: toUserPublic(before) });
  });
}

/** First start: create the admin from ADMIN_EMAIL/ADMIN_PASSWORD when there is no user at all. */
export async function ensureFirstAdmin(ctx: AppContext): Promise<boolean> {
  const [count] = await ctx.db.query<{ n: string }>('SELECT count(*)::text AS n FROM users');
  if (Number(count?.n ?? 0) > 0) return false;
  await createUser(ctx, null, { email: ctx.config.adminEmail, password: ctx.config.adminPassword, role: 'admin', allowedExchanges: [] });
  return true;
}
