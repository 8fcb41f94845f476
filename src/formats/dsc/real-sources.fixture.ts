/**
 * Test fixture: real source packages from the archive (signed .dsc, orig/debian or native tarballs, gz/xz/bz2),
 * fetched once with `apt-get source --download-only` into .cache/dsc-real, through the private deb-src lists.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../../testing/env.ts';
import { aptSourcesParagraphs, privateSourcesApt } from '../version/apt-index.fixture.ts';

/** Small packages with varied shapes: quilt gz + .asc (hello), native (base-files), bz2 orig (zlib), xz (sed). */
export const REAL_SOURCES = ['hello', 'base-files', 'dash', 'zlib', 'sed'];

/** Real source packages from the archive (signed .dsc files), fetched once into the cache. */
export function fetchRealSources(): string[] {
  // apt-get source needs the private Sources lists (fetched by the fixture on first use).
  if (!existsSync(join(cacheDir('apt-sources'), 'lists'))) aptSourcesParagraphs();
  const dir = cacheDir('dsc-real');
  const lists = join(cacheDir('apt-sources'), 'lists');
  const want = REAL_SOURCES;
  for (const pkg of want) {
    if (readdirSync(dir).some((f) => f.startsWith(`${pkg}_`) && f.endsWith('.dsc'))) continue;
    if (!existsSync(lists)) return [];
    spawnSync('apt-get', ['source', '--download-only', ...privateSourcesApt(), pkg], {
      cwd: dir,
      stdio: 'ignore',
    });
  }
  return readdirSync(dir)
    .filter((f) => f.endsWith('.dsc'))
    .map((f) => join(dir, f));
}
