/**
 * Test-only helpers for code that needs a database: a prepared (created and migrated) PGlite data directory built
 * once across test processes and copied per test file, since creating one takes seconds; and a private schema on
 * the PostgreSQL server (DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test), dropped afterwards.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedFixture, repoRoot } from '../testing/env.ts';
import { migrations } from './migrations/index.ts';
import { dropSchema, openDatabase, type OpenDatabase } from './open.ts';

export const TEST_PG_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** A copy of a prepared PGlite directory (migrated to the latest migration), removed by `cleanup`. */
export function preparedPgliteDir(): { dir: string; cleanup: () => void } {
  const prepared = cachedFixture(
    'pglite-prepared',
    (dir) => {
      const script = `import { openDatabase } from ${JSON.stringify(join(repoRoot, 'src/db/open.ts'))};
        const o = await openDatabase(${JSON.stringify(join(dir, 'db'))}); await o.close();`;
      execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: repoRoot,
        stdio: 'inherit',
      });
    },
    { version: Object.keys(migrations).join(',') },
  );
  const tmp = mkdtempSync(join(tmpdir(), 'pkgme-pglite-'));
  cpSync(join(prepared, 'db'), join(tmp, 'db'), { recursive: true });
  return { dir: join(tmp, 'db'), cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}

export interface TestDatabase extends OpenDatabase {
  name: 'pglite' | 'postgres';
  /** What `--db` would be given to reach the same database from a child process (with `schema` for postgres). */
  spec: string;
  schema?: string;
  /** Closes and deletes the database (the PGlite copy, or the schema). */
  dispose(): Promise<void>;
  /**
   * Runs `fn` while this process has let go of the database, for a child process to use it (PGlite serves one
   * process at a time), then opens it again: read `db` afresh afterwards.
   */
  released<T>(fn: () => Promise<T>): Promise<T>;
}

export async function openTestPglite(): Promise<TestDatabase> {
  const { dir, cleanup } = preparedPgliteDir();
  let o = await openDatabase(dir);
  const t: TestDatabase = {
    ...o,
    name: 'pglite',
    spec: dir,
    dispose: async () => {
      await o.close();
      cleanup();
    },
    released: async (fn) => {
      await o.close();
      try {
        return await fn();
      } finally {
        o = await openDatabase(dir);
        t.db = o.db;
        t.close = o.close;
      }
    },
  };
  return t;
}

/** The URL with `options=-c search_path=…`, which pg passes to the server: a child process lands in the schema. */
export function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/** A private schema on the test server; undefined when the server is unreachable (the caller skips or fails). */
export async function openTestPostgres(label: string): Promise<TestDatabase | undefined> {
  const schema = `t_${label}_${process.pid}_${Date.now().toString(36)}`
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');
  let o: OpenDatabase;
  try {
    o = await openDatabase(TEST_PG_URL, { schema });
  } catch (err) {
    if ((err as { code?: string }).code === 'DB_UNREACHABLE') return undefined;
    throw err;
  }
  return {
    ...o,
    name: 'postgres',
    spec: withSearchPath(TEST_PG_URL, schema),
    schema,
    dispose: async () => {
      await dropSchema(o.db, schema);
      await o.close();
    },
    released: (fn) => fn(),
  };
}
