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
 * The default PGlite directory when neither `--db` nor DATABASE_URL names a database and it holds no database yet
 * (PGlite writes PG_VERSION when it creates one); undefined otherwise.
 */
export function missingDefaultDatabase(
  spec: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (spec !== undefined || env.DATABASE_URL) return undefined;
  const target = resolveDbSpec(undefined, env);
  if (target.kind !== 'pglite') return undefined;
  return existsSync(join(target.dir, 'PG_VERSION')) ? undefined : target.dir;
}

/**
 * withStore for the commands that only read the store (`pkgme package|build|inspect`): the default database is used
 * only if it exists. Opening it would create it (and the data directory), a write outside `--out`, and an empty
 * database then fails later with DEPENDS_UNKNOWN, whose hint is about releases rather than the missing import. So a
 * missing default database is DEPDB_NO_DATABASE before anything is opened or written. `pkgme depdb import` keeps
 * creating it: making it is that command's job.
 */
export async function withExistingStore<T>(
  spec: string | undefined,
  fn: (store: DepDbStore) => Promise<T>,
  opts: OpenOptions = {},
): Promise<T> {
  const missing = missingDefaultDatabase(spec, opts.env);
  if (missing !== undefined) {
    throw new PkgmeError(
      'DEPDB_NO_DATABASE',
      `no dependency database: the default one (${missing}) does not exist, and without it Depends cannot be computed`,
      'input',
      {
        hint: 'Create it with `pkgme depdb import --local` (this machine’s packages) or `pkgme depdb import` (the apt sources), or name a database with --db PATH|URL (or DATABASE_URL), or a server with --depdb URL.',
        details: { db: missing },
      },
    );
  }
  return withStore(spec, fn, opts);
}
