/**
 * Test fixture: the machine's real package indices (apt's Packages lists, lz4-compressed, and dpkg's status file),
 * read as field maps. The oracle tests for versions and relations draw their inputs from here, so they exercise what
 * Debian really ships rather than hand-picked strings.
 *
 * Parsed with the project's deb822 parser.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cachedFixture, repoRoot, withCacheLock } from '../../testing/env.ts';
import { parseDeb822, type Paragraph } from '../deb822/index.ts';

export type { Paragraph };

const LISTS = '/var/lib/apt/lists';

/** The Packages (and Sources, if any) lists, running `apt-get update` once if there are none yet. */
export function aptListFiles(kind: 'Packages' | 'Sources' = 'Packages'): string[] {
  const find = () =>
    existsSync(LISTS)
      ? readdirSync(LISTS)
          .filter((f) => f.includes(`_${kind}`) && !f.endsWith('.diff_Index'))
          .map((f) => join(LISTS, f))
          .sort()
      : [];
  if (find().length > 0 || kind !== 'Packages') return find();
  // Under a lock: a second `apt-get update` at the same time would fail on apt's lock.
  return withCacheLock('apt-system-lists', () => {
    if (find().length === 0) execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
    return find();
  });
}

/** Decompresses one list file by its extension. */
export function readListText(file: string): string {
  if (file.endsWith('.lz4'))
    return execFileSync('lz4', ['-dc', file], { maxBuffer: 1 << 30, encoding: 'utf8' });
  if (file.endsWith('.xz'))
    return execFileSync('xz', ['-dc', file], { maxBuffer: 1 << 30, encoding: 'utf8' });
  if (file.endsWith('.gz'))
    return execFileSync('gzip', ['-dc', file], { maxBuffer: 1 << 30, encoding: 'utf8' });
  return readFileSync(file, 'utf8');
}

/** Paragraphs through the project's deb822 parser (values as dpkg sees them). */
export function splitParagraphs(text: string, source?: string): Paragraph[] {
  return parseDeb822(text, source === undefined ? {} : { source });
}

/** Every paragraph of every apt Packages list. */
export function aptParagraphs(kind: 'Packages' | 'Sources' = 'Packages'): Paragraph[] {
  return aptListFiles(kind).flatMap((f) => splitParagraphs(readListText(f), f));
}

export function dpkgStatusParagraphs(): Paragraph[] {
  const f = '/var/lib/dpkg/status';
  return existsSync(f) ? splitParagraphs(readFileSync(f, 'utf8'), f) : [];
}

const SYSTEM_SOURCES = '/etc/apt/sources.list.d/debian.sources';

/** apt options for a private deb-src state in `dir` (its debian.sources and lists). */
function privateAptIn(dir: string): string[] {
  return [
    '-qq',
    `-o=Dir::Etc::sourcelist=${join(dir, 'debian.sources')}`,
    '-o=Dir::Etc::sourceparts=-',
    `-o=Dir::State::Lists=${join(dir, 'lists')}`,
  ];
}

/**
 * apt options that point apt at the deb-src copy of the machine's sources and at the private lists in the cache
 * (for `apt-get update` and `apt-get source`), leaving the system's apt state alone.
 */
export function privateSourcesApt(): string[] {
  return privateAptIn(join(repoRoot, '.cache', 'apt-sources'));
}

/**
 * Fetches the private Sources lists once (across the test processes running at once: see cachedFixture) and
 * returns their directory; undefined when the machine has no apt sources or apt cannot fetch them (the reason is
 * printed with apt's own message).
 */
export function privateSourcesLists(): string | undefined {
  if (!existsSync(SYSTEM_SOURCES)) return undefined;
  try {
    const dir = cachedFixture('apt-sources', (tmp) => {
      writeFileSync(
        join(tmp, 'debian.sources'),
        readFileSync(SYSTEM_SOURCES, 'utf8').replace(/^Types: deb$/gm, 'Types: deb-src'),
      );
      mkdirSync(join(tmp, 'lists', 'partial'), { recursive: true });
      const r = spawnSync('apt-get', ['update', ...privateAptIn(tmp), '-o=APT::Get::List-Cleanup=0'], {
        encoding: 'utf8',
      });
      if (r.status !== 0)
        throw new Error(`apt-get update failed (${r.status}): ${(r.stderr || String(r.error)).trim()}`);
      if (sourcesIn(join(tmp, 'lists')).length === 0)
        throw new Error('apt-get update fetched no Sources index');
    });
    return join(dir, 'lists');
  } catch (err) {
    console.log(`Sources lists unavailable: ${(err as Error).message}`);
    return undefined;
  }
}

function sourcesIn(lists: string): string[] {
  return readdirSync(lists).filter((f) => f.includes('_Sources'));
}

/**
 * The Sources indices of the machine's apt sources (deb-src of the same URIs and suites), fetched once into the
 * cache with a private apt state so the system's lists are left alone. Empty when apt cannot fetch them.
 */
export function aptSourcesParagraphs(): Paragraph[] {
  const lists = privateSourcesLists();
  if (lists === undefined) return [];
  return sourcesIn(lists).flatMap((f) => splitParagraphs(readListText(join(lists, f)), f));
}
