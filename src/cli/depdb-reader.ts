/**
 * The dependency database of `pkgme package|build|inspect`: a server (`--depdb URL`, read over HTTP by remoteReader,
 * src/depdb/http/client.ts) or a store opened here (`--db`, DATABASE_URL, else the default one if it exists:
 * withExistingStore). Both are the same DepDbReader to the pipeline, so a remote run plans exactly like a local one.
 */
import type { Command } from 'commander';
import { remoteReader } from '../depdb/http/client.ts';
import { withExistingStore } from '../depdb/store/open.ts';
import type { DepDbReader } from '../depdb/types.ts';
import { PkgmeError } from '../errors.ts';

export interface ReaderOptions {
  db?: string;
  depdb?: string;
}

/** The `--db` and `--depdb` options. */
export function declareReaderOptions(cmd: Command): Command {
  return cmd
    .option(
      '--db <path|url>',
      'PGlite directory or postgres:// URL (default: $DATABASE_URL, else the data directory’s, if it exists)',
    )
    .option('--depdb <url>', 'use the dependency database of a `pkgme depdb serve` server instead');
}

/** Runs `fn` with the reader the options name; a local store is closed afterwards (also on failure). */
export async function withReader<T>(o: ReaderOptions, fn: (reader: DepDbReader) => Promise<T>): Promise<T> {
  if (o.depdb !== undefined) {
    if (o.db !== undefined)
      throw new PkgmeError('USAGE_DB_AND_DEPDB', '--db and --depdb name two databases: give one', 'usage', {
        hint: '--db PATH|URL opens a database here; --depdb URL asks a `pkgme depdb serve` server.',
      });
    return fn(remoteReader(o.depdb));
  }
  if (o.db !== undefined && /^https?:\/\//i.test(o.db))
    // Without this, an http URL would be taken for a PGlite directory named "http:" and created.
    throw new PkgmeError(
      'USAGE_DB_HTTP_URL',
      `--db ${o.db} is an HTTP URL: a server is given with --depdb`,
      'usage',
      {
        hint: `Use --depdb ${o.db} for a \`pkgme depdb serve\` server; --db takes a PGlite directory or a postgres:// URL.`,
        details: { db: o.db },
      },
    );
  return withExistingStore(o.db, fn);
}
