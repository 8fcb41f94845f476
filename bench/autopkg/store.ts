/**
 * The dependency database the corpus is packaged against: the machine's apt sources (bookworm, -updates, -security)
 * imported with `pkgme depdb import --source`, as a pkgme deployment on this machine would have it. Built once into
 * .cache/autopkg/depdb (about a minute: only the control members of ~6,300 library packages are fetched).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { openStore } from '../../src/depdb/store/open.ts';
import type { DepDbStore } from '../../src/depdb/store/store.ts';
import { cachedFixture, repoRoot } from '../../src/testing/env.ts';

/** The PGlite directory of the imported store. */
export function storeDir(): string {
  const dir = cachedFixture('autopkg/depdb', (tmp) => {
    execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(repoRoot, 'src/cli/main.ts'),
        'depdb',
        'import',
        '--source',
        '--db',
        join(tmp, 'store'),
      ],
      { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] },
    );
  });
  return join(dir, 'store');
}

/**
 * A private copy of the store for one run: an embedded (PGlite) database serves one process at a time, and the
 * corpus run and the performance bench may run at once. The caller removes it (rmSync recursive).
 */
export function storeCopy(): string {
  const dir = join(repoRoot, 'bench', '.work', `depdb-${process.pid}-${Date.now()}`);
  // Not the lock file of a process that has the original open (src/db/lock.ts): the copy is nobody's yet.
  cpSync(storeDir(), dir, { recursive: true, filter: (src) => basename(src) !== 'pkgme.lock' });
  return dir;
}

export async function withCorpusStore<T>(fn: (store: DepDbStore) => Promise<T>): Promise<T> {
  const dir = storeCopy();
  try {
    const { store, close } = await openStore(dir);
    try {
      return await fn(store);
    } finally {
      await close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
