/** Opens the store on the database a command names (`--db`, DATABASE_URL or the default: src/db/spec.ts). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, resolveDbSpec, type OpenOptions } from '../../db/index.ts';
import { PkgmeError } from '../../errors.ts';
import { DepDbStore } from './store.ts';

export async function openStore(
  spec?: string,
  opts: OpenOptions = {},
): Promise<{ store: DepDbStore; close: () => Promise<void> }> {
  const o = await openDatabase(spec, opts);
  return { store: new DepDbStore(o.db), close: o.close };
}

/** Runs `fn` with the store open, closing it afterwards (also on failure). */
export async function withStore<T>(
  spec: string | undefined,
  fn: (store: DepDbStore) => Promise<T>,
  opts: OpenOptions = {},
): Promise<T> {
  const { store, close } = await openStore(spec, opts);
  try {
    return await fn(store);
  } finally {
    await close();
  }
}

/**
 * The PGlite directory the command would read — the default one, or one `--db PATH` (or DATABASE_URL) names — when
 * it holds no database yet (PGlite writes PG_VERSION when it creates one); undefined for a database that exists and
 * for a postgres:// URL (the server says whether it exists).
 */
export function missingDatabase(
  spec: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): { dir: string; named: boolean } | undefined {
  const target = resolveDbSpec(spec, env);
  if (target.kind !== 'pglite') return undefined;
  if (existsSync(join(target.dir, 'PG_VERSION'))) return undefined;
  return { dir: target.dir, named: spec !== undefined || Boolean(env.DATABASE_URL) };
}

/**
 * withStore for the commands that only read the store (`pkgme package|build|inspect`, `depdb resolve`): a PGlite
 * database (the default one, or the directory --db names) is used only if it exists. Opening it would create it
 * (and its parent directories), a write outside `--out`, and an empty database then fails later with
 * DEPENDS_UNKNOWN, whose hint is about releases rather than the missing import. So a missing database is
 * DEPDB_NO_DATABASE before anything is opened or written. `pkgme depdb import` keeps creating it: that is its job.
 */
export async function withExistingStore<T>(
  spec: string | undefined,
  fn: (store: DepDbStore) => Promise<T>,
  opts: OpenOptions = {},
): Promise<T> {
  const missing = missingDatabase(spec, opts.env);
  if (missing !== undefined) {
    const which = missing.named ? `the one named (${missing.dir})` : `the default one (${missing.dir})`;
    throw new PkgmeError(
      'DEPDB_NO_DATABASE',
      `no dependency database: ${which} does not exist, and without it Depends cannot be computed`,
      'input',
      {
        hint: `Create it with \`pkgme depdb import --local${missing.named ? ` --db ${missing.dir}` : ''}\` (this machine’s packages) or \`pkgme depdb import\` (the apt sources), or name an existing database with --db PATH|URL (or DATABASE_URL), or a server with --depdb URL.`,
        details: { db: missing.dir },
      },
    );
  }
  return withStore(spec, fn, opts);
}
