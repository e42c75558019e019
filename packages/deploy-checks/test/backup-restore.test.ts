// The PostgreSQL backup and restore procedure of docs/deployment.md, run for real: docker/database/postgres/
// backup.sh dumps a database with data in it, restore.sh restores the dump into a new database, and the
// restored data is identical (NUMERIC values exactly, row counts, constraints). restore.sh also refuses to
// overwrite an existing database. Uses the real PostgreSQL on 127.0.0.1:5432, in throw-away databases.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoPath } from '../src/index.js';

const run = promisify(execFile);
const scripts = repoPath('docker', 'database', 'postgres');
const suffix = randomBytes(4).toString('hex');
const source = `deploy_checks_src_${suffix}`;
const restored = `deploy_checks_restored_${suffix}`;
const backupDir = mkdtempSync(join(tmpdir(), 'deploy-checks-backup-'));
const pgEnv = { ...process.env, PGHOST: process.env.PGHOST ?? '127.0.0.1', PGPORT: process.env.PGPORT ?? '5432', PGUSER: process.env.PGUSER ?? 'postgres' };

async function psql(database: string, sql: string): Promise<string> {
  const { stdout } = await run('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-tA', '-d', database, '-c', sql], { env: pgEnv });
  return stdout.trim();
}

beforeAll(async () => {
  await psql('postgres', `create database ${source}`);
  await psql(
    source,
    `create table orders (id text primary key, price numeric(38, 18) not null, quantity numeric(38, 18) not null check (quantity > 0));
     create table fills (id serial primary key, order_id text not null references orders(id), qty numeric not null);
     insert into orders values ('o1', 65000.123456789012345678, 0.001), ('o2', 0.1, 3);
     insert into fills (order_id, qty) select 'o1', 0.0001 from generate_series(1, 250);`,
  );
}, 60_000);

afterAll(async () => {
  for (const db of [source, restored]) await psql('postgres', `drop database if exists ${db} with (force)`);
  rmSync(backupDir, { recursive: true, force: true });
});

describe('PostgreSQL backup and restore (docker/database/postgres)', () => {
  let dump = '';

  it('backup.sh writes a complete custom-format dump and marks the success', async () => {
    const { stdout } = await run('bash', [join(scripts, 'backup.sh')], { env: { ...pgEnv, PGDATABASE: source, BACKUP_DIR: backupDir, BACKUP_RETENTION_DAYS: '14' } });
    dump = stdout.trim();
    expect(dump).toMatch(new RegExp(`^${backupDir}/${source}-\\d{8}T\\d{6}Z\\.dump$`));
    expect(statSync(dump).size).toBeGreaterThan(0);
    expect(readdirSync(backupDir).filter((f) => f.endsWith('.partial'))).toEqual([]);
    expect(readdirSync(backupDir)).toContain('last-success');
  });

  it('restore.sh restores it into a new database with identical data', async () => {
    const { stdout } = await run('bash', [join(scripts, 'restore.sh'), dump, restored], { env: pgEnv });
    expect(stdout).toContain('public.fills 250');
    expect(stdout).toContain('public.orders 2');
    expect(await psql(restored, `select string_agg(id || '=' || price::text || 'x' || quantity::text, ',' order by id) from orders`)).toBe(
      await psql(source, `select string_agg(id || '=' || price::text || 'x' || quantity::text, ',' order by id) from orders`),
    );
    expect(await psql(restored, 'select sum(qty)::text from fills')).toBe('0.0250');
    // Constraints came back too: the check and the foreign key still reject bad rows.
    await expect(psql(restored, `insert into orders values ('bad', 1, 0)`)).rejects.toThrow(/check constraint/);
    await expect(psql(restored, `insert into fills (order_id, qty) values ('missing', 1)`)).rejects.toThrow(/foreign key/);
  });

  it('restore.sh refuses to restore over an existing database', async () => {
    await expect(run('bash', [join(scripts, 'restore.sh'), dump, source], { env: pgEnv })).rejects.toMatchObject({ code: 3 });
    expect(await psql(source, 'select count(*) from orders')).toBe('2');
  });

  it('backup.sh fails loudly (and leaves no dump) when the database does not exist', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploy-checks-backup-fail-'));
    try {
      await expect(run('bash', [join(scripts, 'backup.sh')], { env: { ...pgEnv, PGDATABASE: `missing_${suffix}`, BACKUP_DIR: dir } })).rejects.toMatchObject({ code: 1 });
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
