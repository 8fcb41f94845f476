/**
 * Which database a command uses. Precedence: `--db PATH|URL`, then the DATABASE_URL environment variable, then the
 * PGlite directory under the data directory (`$PKGME_DATA_DIR/db`, else `$XDG_DATA_HOME/pkgme/db`, else
 * `~/.local/share/pkgme/db`). An explicit flag beats the environment so one command can point elsewhere without
 * unsetting DATABASE_URL; DATABASE_URL beats the default so a deployment configures every command at once.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export type DbTarget =
  { kind: 'pglite'; dir: string; spec: string } | { kind: 'postgres'; url: string; spec: string };

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PKGME_DATA_DIR) return resolve(env.PKGME_DATA_DIR);
  const xdg = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(xdg, 'pkgme');
}

export function isPostgresUrl(spec: string): boolean {
  return /^postgres(ql)?:\/\//i.test(spec);
}

export function resolveDbSpec(spec: string | undefined, env: NodeJS.ProcessEnv = process.env): DbTarget {
  const chosen = spec ?? (env.DATABASE_URL || undefined);
  if (chosen === undefined) {
    const dir = join(defaultDataDir(env), 'db');
    return { kind: 'pglite', dir, spec: dir };
  }
  if (isPostgresUrl(chosen)) return { kind: 'postgres', url: chosen, spec: chosen };
  return { kind: 'pglite', dir: resolve(chosen), spec: chosen };
}
