/**
 * One process at a time on a PGlite directory. PGlite is PostgreSQL running inside this process, with its own
 * buffers: a second process opening the same directory would not see the first one's writes and would overwrite
 * its pages. A lock file holding the owner's pid makes the second opener fail with DB_BUSY instead; a lock left by
 * a process that died (killed mid-import) is stale and taken over.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PkgmeError } from '../errors.ts';
import { processAlive } from '../util/process-alive.ts';

const LOCK = 'pkgme.lock';

/** Takes the directory's lock; returns the function that releases it. */
export function lockDataDir(dir: string): () => void {
  const file = join(dir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    if (Number.isSafeInteger(pid) && pid > 0 && processAlive(pid)) {
      throw new PkgmeError('DB_BUSY', `the database ${dir} is in use by process ${pid}`, 'environment', {
        hint: 'An embedded (PGlite) database serves one process at a time: wait for that command to finish, or use a PostgreSQL server (DATABASE_URL) for concurrent use.',
        details: { db: dir, pid },
      });
    }
    rmSync(file, { force: true }); // Left by a process that died: stale.
  }
  throw new PkgmeError('DB_BUSY', `cannot take the lock ${file}`, 'environment', {
    hint: 'Another process keeps taking it; retry.',
    details: { db: dir },
  });
}
