/**
 * Every list route: exchange scope, filters, time range, sort and the {data, total, page, limit, totalPages}
 * envelope. Built on drizzle; the caller supplies the table's filterable columns.
 */
import { and, asc, count, desc, getTableName, gte, inArray, lte, type SQL } from 'drizzle-orm';
import { PgDialect, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import type { ListQuery } from '@trading/shared-types';
import type { AppContext } from '../../context.js';
import { badRequest } from '../../errors.js';
import { scopeExchanges, type Principal } from '../auth/principal.js';

export interface Page<T> {
  data: T[];
  total: number;
  page: number;
  limit: number;
  totalPages: number;
}

export interface ListSpec {
  table: PgTable;
  /** null: the table is not exchange-scoped (users, audit for admins). */
  exchange: PgColumn | null;
  time: PgColumn;
  sort: Partial<Record<NonNullable<ListQuery['sort']>, PgColumn>>;
  /** Column per supported equality filter of the query string. */
  eq: Partial<Record<'botId' | 'status' | 'instrumentId' | 'side' | 'mode' | 'strategy' | 'userId' | 'action' | 'source', PgColumn>>;
  /** Extra always-on conditions (soft delete, per-user). */
  where?: SQL[];
  bool?: Partial<Record<'unread' | 'isActive', { column: PgColumn; invert: boolean }>>;
}

export function parseTime(value: string | undefined, field: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = /^\d+$/.test(value) ? new Date(Number(value)) : new Date(value);
  if (Number.isNaN(date.getTime())) throw badRequest(`invalid query: ${field}: must be unix ms or an ISO date`, [{ field, message: `${field}: must be unix ms or an ISO date` }]);
  return date;
}

export function pageOf(query: ListQuery): { page: number; limit: number } {
  return { page: query.page === undefined ? 1 : Number(query.page), limit: query.limit === undefined ? 50 : Number(query.limit) };
}

/**
 * `total` of a list is an exact count(*), which on a bot with a million orders costs more than the page itself.
 * Counts are memoised per query for LIST_COUNT_CACHE_MS (default 1 s): under dashboard polling the same count
 * is computed once per second instead of once per request; a total may lag new rows by that long.
 */
const countCache = new Map<string, { n: number; at: number }>();
/** Compiles only the WHERE clause for the count-cache key: cheaper than compiling the whole count select per request. */
const keyDialect = new PgDialect();

async function cachedCount(ttlMs: number, key: string, run: () => Promise<number>): Promise<number> {
  if (ttlMs <= 0) return run();
  const now = Date.now();
  const hit = countCache.get(key);
  if (hit && now - hit.at < ttlMs) return hit.n;
  const n = await run();
  if (countCache.size > 5000) countCache.clear();
  countCache.set(key, { n, at: now });
  return n;
}

export async function listPage<T>(
  ctx: AppContext,
  principal: Principal | null,
  spec: ListSpec,
  query: ListQuery,
  map: (row: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const { page, limit } = pageOf(query);
  const conditions: SQL[] = [...(spec.where ?? [])];
  if (spec.exchange !== null && principal !== null) {
    const exchanges = scopeExchanges(principal, query.exchange);
    if (exchanges.length === 0) return { data: [], total: 0, page, limit, totalPages: 0 };
    if (exchanges.length < 2) conditions.push(inArray(spec.exchange, exchanges));
  }
  for (const [key, column] of Object.entries(spec.eq) as [keyof ListSpec['eq'], PgColumn][]) {
    const value = query[key];
    if (value !== undefined) conditions.push(inArray(column, [value]));
  }
  for (const [key, def] of Object.entries(spec.bool ?? {}) as ['unread' | 'isActive', { column: PgColumn; invert: boolean }][]) {
    const value = query[key];
    if (value !== undefined) conditions.push(inArray(def.column, [(value === 'true') !== def.invert]));
  }
  const from = parseTime(query.from, 'from');
  const to = parseTime(query.to, 'to');
  if (from) conditions.push(gte(spec.time, from));
  if (to) conditions.push(lte(spec.time, to));
  const where = conditions.length > 0 ? and(...conditions) : undefined;
  const sortColumn = (query.sort !== undefined ? spec.sort[query.sort] : undefined) ?? spec.time;
  const direction = query.order === 'asc' ? asc : desc;
  // The count select is built (and compiled by drizzle) only on a cache miss; the key is table + compiled WHERE.
  const compiled = where === undefined ? { sql: '', params: [] as unknown[] } : keyDialect.sqlToQuery(where);
  const [rows, total] = await Promise.all([
    ctx.db.orm
      .select()
      .from(spec.table)
      .where(where)
      .orderBy(direction(sortColumn))
      .limit(limit)
      .offset((page - 1) * limit),
    cachedCount(
      ctx.config.listCountCacheMs,
      `${ctx.db.kind}|${getTableName(spec.table)}|${compiled.sql}|${JSON.stringify(compiled.params)}`,
      async () => (await ctx.db.orm.select({ n: count() }).from(spec.table).where(where))[0]?.n ?? 0,
    ),
  ]);
  return { data: (rows as Record<string, unknown>[]).map(map), total, page, limit, totalPages: Math.ceil(total / limit) };
}

/** Dates as ISO strings; everything else as stored (NUMERIC already arrives as a decimal string). */
export function serialize(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // for…in over own keys: this runs for every row of every list page, and avoids Object.entries' pair arrays.
  for (const k in row) {
    if (!Object.prototype.hasOwnProperty.call(row, k)) continue;
    const v = row[k];
    out[k] = v instanceof Date ? v.toISOString() : v;
  }
  return out;
}
