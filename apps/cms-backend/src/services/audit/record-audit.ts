/**
 * One audit row per mutation: who, what, before/after. Secrets never reach it: before/after pass through
 * stripSecrets, and wallets are recorded by their public view only.
 */
import type { Queryable } from '../../db/client.js';

export interface AuditEntry {
  userId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  exchange?: string | null;
  before?: unknown;
  after?: unknown;
  ip?: string | null;
}

const SECRET_KEY = /password|secret|privatekey|passphrase|apikey|credential|token/i;

export function stripSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripSecrets);
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !SECRET_KEY.test(k) || k === 'credentialKeys')
        .map(([k, v]) => [k, stripSecrets(v)]),
    );
  }
  return value;
}

export async function recordAudit(q: Queryable, entry: AuditEntry): Promise<void> {
  await q.query(
    'INSERT INTO audit_log (user_id, action, entity_type, entity_id, exchange, before, after, ip) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)',
    [
      entry.userId,
      entry.action,
      entry.entityType,
      entry.entityId,
      entry.exchange ?? null,
      entry.before === undefined ? null : JSON.stringify(stripSecrets(entry.before)),
      entry.after === undefined ? null : JSON.stringify(stripSecrets(entry.after)),
      entry.ip ?? null,
    ],
  );
}
