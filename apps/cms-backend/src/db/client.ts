/**
 * The database handle: PostgreSQL through node-postgres when DATABASE_URL is set, otherwise embedded PGlite in
 * DATA_DIR (or in memory for tests). Both expose the same drizzle ORM and a small raw-SQL surface for the hot
 * paths (event ingestion, list counts) that need explicit transactions and row locks.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { schema } from './schema.js';

export type Orm = PgDatabase<PgQueryResultHKT, typeof schema>;

export type Row = Record<string, unknown>;

export interface Queryable {
  query<T extends Row = Row>(text: string, params?: unknown[]): Promise<T[]>;
}

export interface Database extends Queryable {
  kind: 'postgres' | 'pglite';
  orm: Orm;
  transaction<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs fn while holding a session-level PostgreSQL advisory lock named `name` (scoped to the current schema),
   * so processes sharing a database serialise on it. PGlite is one process's own database: an in-process queue.
   */
  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… ; absent means PGlite. */
  url?: string | undefined;
  /** PGlite data folder; absent means in memory. */
  dataDir?: string | undefined;
  /** PostgreSQL schema to use (tests isolate themselves in a fresh schema). */
  searchPath?: string | undefined;
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) return openPostgres(options.url, options);
  return openPglite(options);
}

function openPostgres(url: string, options: DatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(options.searchPath ? { options: `-c search_path=${options.searchPath}` } : {}),
  });
  // An idle client error (server restart) must not crash the process; the pool replaces the client.
  pool.on('error', () => undefined);
  const orm = drizzlePg(pool, { schema }) as unknown as Orm;
  return {
    kind: 'postgres',
    orm,
    async query<T extends Row>(text: string, params?: unknown[]) {
      const result = await pool.query<T>(text, params);
      return result.rows;
    },
    async transaction<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const value = await fn({
          async query<R extends Row>(text: string, params?: unknown[]) {
            return (await client.query<R>(text, params)).rows;
          },
        });
        await client.query('COMMIT');
        return value;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
      // A dedicated connection holds the lock for the whole run; fn's own queries use the pool.
      const client = await pool.connect();
      try {
        await client.query("SELECT pg_advisory_lock(hashtextextended($1 || ':' || current_schema(), 0))", [name]);
        try {
          return await fn();
        } finally {
          await client.query("SELECT pg_advisory_unlock(hashtextextended($1 || ':' || current_schema(), 0))", [name]).catch(() => undefined);
        }
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}

async function openPglite(options: DatabaseOptions): Promise<Database> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const client = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  if (options.searchPath) {
    await client.exec(`CREATE SCHEMA IF NOT EXISTS "${options.searchPath}"; SET search_path TO "${options.searchPath}"`);
  }
  const orm = drizzlePglite(client, { schema }) as unknown as Orm;
  let queue: Promise<unknown> = Promise.resolve();
  return {
    kind: 'pglite',
    orm,
    async query<T extends Row>(text: string, params?: unknown[]) {
      return (await client.query<T>(text, params)).rows;
    },
    transaction<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
      return client.transaction(async (tx) =>
        fn({
          async query<R extends Row>(text: string, params?: unknown[]) {
            return (await tx.query<R>(text, params)).rows;
          },
        }),
      );
    },
    exclusive<T>(_name: string, fn: () => Promise<T>): Promise<T> {
      const run = queue.then(fn, fn);
      queue = run.catch(() => undefined);
      return run;
    },
    async close() {
      await client.close();
    },
  };
}
