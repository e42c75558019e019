/**
 * Applies db/migrations/NNNN_*.sql in order, once each, recording them in schema_migrations. Runs at start on
 * PostgreSQL and PGlite alike; a failed migration rolls back and stops the start. Runs under an advisory lock:
 * two backends starting at once on a fresh database take turns, and the second finds everything applied.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './client.js';

// dist/db/migrate.js and src/db/migrate.ts both find the SQL files in src/db/migrations.
const here = dirname(fileURLToPath(import.meta.url));
export const MIGRATIONS_DIR = join(here, '..', '..', 'src', 'db', 'migrations');

export async function migrate(db: Database, dir: string = MIGRATIONS_DIR): Promise<string[]> {
  return db.exclusive('cms-migrate', () => migrateLocked(db, dir));
}

async function migrateLocked(db: Database, dir: string): Promise<string[]> {
  await db.query(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  const done = new Set((await db.query<{ version: string }>('SELECT version FROM schema_migrations')).map((r) => r.version));
  const files = readdirSync(dir)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort();
  const applied: string[] = [];
  for (const file of files) {
    if (done.has(file)) continue;
    const text = readFileSync(join(dir, file), 'utf8');
    await db.transaction(async (q) => {
      for (const statement of splitStatements(text)) await q.query(statement);
      await q.query('INSERT INTO schema_migrations (version) VALUES ($1)', [file]);
    });
    applied.push(file);
  }
  return applied;
}

/** Our migration files hold plain DDL: split on semicolons at line ends, drop comments. */
function splitStatements(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
