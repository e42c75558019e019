/**
 * Two backends starting at once on a fresh schema: migrate() runs under a PostgreSQL advisory lock, so one
 * applies every migration and the other, after waiting, finds them applied (without the lock both would run
 * 0001 and one would fail on "relation already exists" or the schema_migrations key).
 */
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/db/client.js';
import { MIGRATIONS_DIR, migrate } from '../src/db/migrate.js';
import { createSchema, dropSchema, PG_URL } from './helpers.js';

let schema: string;
let a: Database;
let b: Database;

beforeAll(async () => {
  schema = await createSchema();
  a = await openDatabase({ url: PG_URL, searchPath: schema, poolSize: 4 });
  b = await openDatabase({ url: PG_URL, searchPath: schema, poolSize: 4 });
});

afterAll(async () => {
  await a.close();
  await b.close();
  await dropSchema(schema);
});

describe('migrate', () => {
  it('two concurrent runs on a fresh schema apply each migration exactly once', async () => {
    const files = readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{4}_.+\.sql$/.test(f)).sort();
    const results = await Promise.all([migrate(a), migrate(b)]);
    const sorted = [...results].sort((x, y) => y.length - x.length);
    expect(sorted[0]).toEqual(files);
    expect(sorted[1]).toEqual([]);
    const rows = await a.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(files);
    // The lock is released: a later run goes through at once.
    expect(await migrate(b)).toEqual([]);
  });
});
