/**
 * Real Debian application packages for the deb backend's tests (apt-get download, cached in .cache/deb-apps under
 * the cache lock): programs installed on the CI image, so their libraries' symbols files are in the local dpkg
 * database. One function so every test that reads the directory first makes sure it is filled, whatever the order
 * the test files run in.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, withCacheLock } from '../testing/env.ts';

/** Programs installed on the CI image (so their libraries' symbols files are in the local dpkg database). */
export const APPS = [
  'jq',
  'less',
  'gzip',
  'xz-utils',
  'zstd',
  'file',
  'curl',
  'bc',
  'rsync',
  'wget',
  'sqlite3',
  'lz4',
  'patch',
  'diffutils',
  'tmux',
  'grep',
  'sed',
  'bzip2',
  'gpg',
  'unzip',
  'zip',
  'make',
];

/** Downloads each app once (apt's candidate version) (into .cache/deb-apps), under the cache lock. */
export function appDebs(): string[] {
  const dir = cacheDir('deb-apps');
  const find = (p: string) => readdirSync(dir).find((f) => f.startsWith(`${p}_`) && f.endsWith('.deb'));
  withCacheLock('deb-apps', () => {
    const missing = APPS.filter((p) => find(p) === undefined);
    if (missing.length === 0) return;
    const work = join(dir, `.download-${process.pid}`);
    mkdirSync(work, { recursive: true });
    try {
      const r = spawnSync('apt-get', ['download', '-q', ...missing], { cwd: work, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`apt-get download failed: ${r.stderr}`);
      for (const f of readdirSync(work)) renameSync(join(work, f), join(dir, f));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
  return APPS.map((p) => join(dir, find(p)!));
}
