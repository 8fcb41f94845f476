/** The database layer's typed errors. Messages name the database without its password. */
import { PkgmeError } from '../errors.ts';

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`; non-URLs are returned as they are. */
export function redactUrl(spec: string): string {
  try {
    const u = new URL(spec);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return spec;
  }
}

export function dbUnreachable(spec: string, cause: unknown): PkgmeError {
  const where = redactUrl(spec);
  return new PkgmeError(
    'DB_UNREACHABLE',
    `cannot open the database ${where}: ${(cause as Error)?.message ?? String(cause)}`,
    'environment',
    {
      hint: 'Check that the PostgreSQL server is running and the URL (host, port, user, database) is right, or use a PGlite directory with --db PATH.',
      details: { db: where },
      cause,
    },
  );
}

export function dbMigration(spec: string, migration: string | undefined, cause: unknown): PkgmeError {
  const where = redactUrl(spec);
  return new PkgmeError(
    'DB_MIGRATION',
    `migrating the database ${where} failed${migration ? ` at ${migration}` : ''}: ${(cause as Error)?.message ?? String(cause)}`,
    'environment',
    {
      hint: 'The database may belong to a newer pkgme, or be damaged; use another --db or restore it.',
      details: { db: where, migration },
      cause,
    },
  );
}
