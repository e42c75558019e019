/**
 * The authenticated caller and its exchange scope. An empty allowedExchanges means NO exchange (the seed treated
 * it as all); admins see every exchange regardless.
 */
import { EXCHANGE_VALUES, type Exchange, type UserRole } from '@trading/shared-types';
import { forbidden } from '../../errors.js';

export interface Principal {
  userId: string;
  email: string;
  role: UserRole;
  allowedExchanges: Exchange[];
  /** Access-token id, for logout revocation. */
  jti: string;
  exp: number;
}

export function visibleExchanges(p: Pick<Principal, 'role' | 'allowedExchanges'>): Exchange[] {
  if (p.role === 'admin') return [...EXCHANGE_VALUES];
  return p.allowedExchanges.filter((e) => (EXCHANGE_VALUES as readonly string[]).includes(e));
}

export function canSeeExchange(p: Pick<Principal, 'role' | 'allowedExchanges'>, exchange: string): boolean {
  return (visibleExchanges(p) as string[]).includes(exchange);
}

/** 403 unless the caller's scope covers the exchange. */
export function assertExchange(p: Principal, exchange: string): void {
  if (!canSeeExchange(p, exchange)) throw forbidden(`no access to exchange ${exchange}`);
}

/** The exchanges a list should cover given an optional ?exchange= filter ([] = nothing visible). */
export function scopeExchanges(p: Principal, filter: string | undefined): Exchange[] {
  const visible = visibleExchanges(p);
  if (filter === undefined || filter === 'all') return visible;
  return visible.filter((e) => e === filter);
}
