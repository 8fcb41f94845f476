/**
 * Test-only: real source-package data fetched with a private apt configuration, so the system's apt state is left
 * alone. The mirror comes from the machine's /etc/apt/sources.list.d/debian.sources (read with our own parser); a
 * `deb-src` entry for the same URIs fetches bookworm main's Sources index, and `apt-get source --download-only` a few
 * small source packages (their signed .dsc and tarballs). Everything is cached under .cache/deb822-apt-src.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cachedFixture } from '../../../testing/env.ts';
import { parseDeb822, splitWhitespace } from '../index.ts';

/** Small source packages whose .dsc is signed by their maintainer. */
export const SOURCE_PACKAGES = ['hello', 'netbase', 'base-passwd', 'debianutils'];

export interface AptSourceData {
  /** Sources index files (compressed as apt stored them). */
  sources: string[];
  /** Downloaded .dsc files. */
  dscs: string[];
  /** Directory holding the .dsc files and their tarballs. */
  dir: string;
}

function aptOptions(root: string, list: string): string[] {
  return [
    '-o',
    `Dir::Etc::sourcelist=${list}`,
    '-o',
    'Dir::Etc::sourceparts=/nonexistent',
    '-o',
    `Dir::State::Lists=${join(root, 'lists')}`,
    '-o',
    `Dir::Cache=${join(root, 'cache')}`,
    '-o',
    'Acquire::Languages=none',
    '-q',
  ];
}

/** The bookworm mirror URIs and keyring, as the machine's apt sources name them. */
function machineSource(): { uris: string; signedBy: string } {
  const text = readFileSync('/etc/apt/sources.list.d/debian.sources', 'utf8');
  for (const p of parseDeb822(text)) {
    if (splitWhitespace(p.get('Suites') ?? '').includes('bookworm')) {
      return {
        uris: p.get('URIs')!,
        signedBy: p.get('Signed-By') ?? '/usr/share/keyrings/debian-archive-keyring.gpg',
      };
    }
  }
  throw new Error('no bookworm entry in /etc/apt/sources.list.d/debian.sources');
}

/** The cache directory name, for readers that only take what a test has fetched (the clearsign fuzz target). */
export const APT_SRC_CACHE = 'deb822-apt-src';

/**
 * Fetches (once) and returns the Sources index and the .dsc files. Throws when apt cannot fetch them. Built once
 * across the test processes with cachedFixture, so no two run apt on one state and none reads a partial download.
 */
export function aptSourceData(): AptSourceData {
  const root = cachedFixture(APT_SRC_CACHE, (tmp) => {
    const lists = join(tmp, 'lists');
    mkdirSync(join(lists, 'partial'), { recursive: true });
    mkdirSync(join(tmp, 'cache', 'archives', 'partial'), { recursive: true });
    mkdirSync(join(tmp, 'src'), { recursive: true });
    const list = join(tmp, 'sources.list');
    const { uris, signedBy } = machineSource();
    writeFileSync(list, `deb-src [signed-by=${signedBy}] ${uris} bookworm main\n`);
    const opts = aptOptions(tmp, list);
    const update = spawnSync('apt-get', [...opts, 'update'], { encoding: 'utf8' });
    if (sourcesIn(lists).length === 0)
      throw new Error(
        `apt fetched no Sources index (apt-get update: ${update.status}): ${(update.stderr || String(update.error)).trim()}`,
      );
    for (const pkg of SOURCE_PACKAGES) {
      // The mirror may lack a tarball (a 404 here for netbase's): keep whatever arrived, the .dsc is what matters.
      try {
        execFileSync('apt-get', [...opts, 'source', '--download-only', pkg], {
          cwd: join(tmp, 'src'),
          stdio: 'ignore',
        });
      } catch {
        // reported by the caller through the list of .dsc files
      }
    }
  });
  const src = join(root, 'src');
  const lists = join(root, 'lists');
  const dscs = readdirSync(src)
    .filter((f) => f.endsWith('.dsc'))
    .sort()
    .map((f) => join(src, f));
  const sources = sourcesIn(lists).map((f) => join(lists, f));
  return { sources, dscs, dir: src };
}

function sourcesIn(lists: string): string[] {
  return readdirSync(lists).filter((f) => /_Sources(\.[a-z0-9]+)?$/.test(f));
}
