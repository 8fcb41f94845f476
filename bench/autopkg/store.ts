/**
 * The dependency database the corpus is packaged against: the machine's apt sources (bookworm, -updates, -security)
 * imported with `pkgme depdb import --source`, as a pkgme deployment on this machine would have it. Built once into
 * .cache/autopkg/depdb (about a minute: only the control members of ~6,300 library packages are fetched).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
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

export async function withCorpusStore<T>(fn: (store: DepDbStore) => Promise<T>): Promise<T> {
  const { store, close } = await openStore(storeDir());
  try {
    return await fn(store);
  } finally {
    await close();
  }
}
