/** The public view of a user row (UserPublic). */
import type { Exchange, UserPublic, UserRole } from '@trading/shared-types';

export interface UserRow {
  user_id: string;
  email: string;
  password_hash: string;
  role: string;
  allowed_exchanges: string[];
  is_active: boolean;
  last_login_at: Date | null;
  created_at: Date;
}

export function toUserPublic(row: UserRow): UserPublic {
  return {
    userId: row.user_id,
    email: row.email,
    role: row.role as UserRole,
    allowedExchanges: row.allowed_exchanges as Exchange[],
    isActive: row.is_active,
    lastLoginAt: row.last_login_at ? new Date(row.last_login_at).toISOString() : null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}
