/**
 * Opens the database a command works on (see spec.ts for how --db, DATABASE_URL and the default are chosen) and
 * brings its schema up to date. Both back ends are PostgreSQL, driven by the same Kysely dialect, so every query
 * is written once: PGlite through the single-client pool adapter, a server through pg's Pool.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PkgmeError } from '../errors.ts';
import { dbMigration, dbUnreachable } from './errors.ts';
import { lockDataDir } from './lock.ts';
import { migrationProvider } from './migrations/index.ts';
import { PGlitePool } from './pglite-pool.ts';
import type { Database } from './schema.ts';
import { resolveDbSpec, type DbTarget } from './spec.ts';

export interface OpenOptions {
  /**
   * Work inside this schema (created if missing) instead of `public`: tests give each run its own schema on a
   * shared server and drop it afterwards.
   */
  schema?: string;
  env?: NodeJS.ProcessEnv;
}

export interface OpenDatabase {
  db: Kysely<Database>;
  target: DbTarget;
  close(): Promise<void>;
}

function checkSchemaName(schema: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`bad schema name ${JSON.stringify(schema)}`);
}

async function openPglite(
  dir: string,
  schema: string | undefined,
): Promise<{ pgl: PGlite; unlock: () => void }> {
  mkdirSync(dir, { recursive: true });
  const unlock = lockDataDir(dir);
  try {
    const pgl = await PGlite.create(dir);
    if (schema) await pgl.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema}`);
    return { pgl, unlock };
  } catch (err) {
    unlock();
    throw err;
  }
}

async function openPostgres(url: string, schema: string | undefined): Promise<pg.Pool> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 4,
    connectionTimeoutMillis: 10_000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // A pool with no listener crashes the process when an idle client's connection drops.
  pool.on('error', () => {});
  try {
    const c = await pool.connect();
    try {
      if (schema) await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      else await c.query('SELECT 1');
    } finally {
      c.release();
    }
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
  return pool;
}

export async function openDatabase(spec?: string, opts: OpenOptions = {}): Promise<OpenDatabase> {
  const target = resolveDbSpec(spec, opts.env);
  if (opts.schema) checkSchemaName(opts.schema);
  let db: Kysely<Database>;
  let unlock = (): void => {};
  try {
    if (target.kind === 'pglite') {
      const o = await openPglite(target.dir, opts.schema);
      unlock = o.unlock;
      db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new PGlitePool(o.pgl) }) });
    } else {
      const pool = await openPostgres(target.url, opts.schema);
      db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    }
  } catch (err) {
    if (err instanceof PkgmeError) throw err;
    throw dbUnreachable(target.spec, err);
  }
  try {
    await migrate(db, target.spec, opts.schema);
  } catch (err) {
    unlock();
    throw err;
  }
  return {
    db,
    target,
    close: async () => {
      try {
        await db.destroy();
      } finally {
        unlock();
      }
    },
  };
}

async function migrate(db: Kysely<Database>, spec: string, schema: string | undefined): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy().catch(() => {});
    throw dbMigration(spec, results?.find((r) => r.status === 'Error')?.migrationName, error);
  }
}

/** Drops a schema made with `openDatabase(…, {schema})` (tests clean up after themselves). */
export async function dropSchema(db: Kysely<Database>, schema: string): Promise<void> {
  checkSchemaName(schema);
  await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(db);
}
