/**
 * Test fixture: real source packages from the archive (signed .dsc, orig/debian or native tarballs, gz/xz/bz2),
 * fetched once with `apt-get source --download-only` into .cache/dsc-real, through the private deb-src lists.
 * Several test files ask at once (and the dsc fuzz target reads what is there), so the set is built once with
 * cachedFixture: a reader never sees a .dsc whose tarballs are still downloading.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cachedFixture } from '../../testing/env.ts';
import { privateSourcesApt, privateSourcesLists } from '../version/apt-index.fixture.ts';

/** Small packages with varied shapes: quilt gz + .asc (hello), native (base-files), bz2 orig (zlib), xz (sed). */
export const REAL_SOURCES = ['hello', 'base-files', 'dash', 'zlib', 'sed'];

/** The cache directory name, for readers that only take what a test has fetched (the fuzz target). */
export const REAL_SOURCES_CACHE = 'dsc-real';

/** Real source packages from the archive (signed .dsc files), fetched once into the cache. */
export function fetchRealSources(): string[] {
  // apt-get source needs the private Sources lists (fetched by that fixture on first use).
  if (privateSourcesLists() === undefined) return [];
  const dir = cachedFixture(REAL_SOURCES_CACHE, (tmp) => {
    for (const pkg of REAL_SOURCES) {
      const r = spawnSync('apt-get', ['source', '--download-only', ...privateSourcesApt(), pkg], {
        cwd: tmp,
        encoding: 'utf8',
      });
      if (!readdirSync(tmp).some((f) => f.startsWith(`${pkg}_`) && f.endsWith('.dsc')))
        throw new Error(
          `apt-get source ${pkg} fetched no .dsc (${r.status}): ${(r.stderr || String(r.error)).trim()}`,
        );
    }
  });
  return readdirSync(dir)
    .filter((f) => f.endsWith('.dsc'))
    .map((f) => join(dir, f));
}
