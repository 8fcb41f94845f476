/**
 * Test fixture: the machine's real package indices (apt's Packages lists, lz4-compressed, and dpkg's status file),
 * read as field maps. The oracle tests for versions and relations draw their inputs from here, so they exercise what
 * Debian really ships rather than hand-picked strings.
 *
 * Parsed with the project's deb822 parser.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../../testing/env.ts';
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
  let files = find();
  if (files.length === 0 && kind === 'Packages') {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
    files = find();
  }
  return files;
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

/**
 * apt options that point apt at the deb-src copy of the machine's sources and at the private lists in the cache
 * (for `apt-get update` and `apt-get source`), leaving the system's apt state alone.
 */
export function privateSourcesApt(): string[] {
  const dir = cacheDir('apt-sources');
  return [
    '-qq',
    `-o=Dir::Etc::sourcelist=${join(dir, 'debian.sources')}`,
    '-o=Dir::Etc::sourceparts=-',
    `-o=Dir::State::Lists=${join(dir, 'lists')}`,
  ];
}

/**
 * The Sources indices of the machine's apt sources (deb-src of the same URIs and suites), fetched once into the
 * cache with a private apt state so the system's lists are left alone. Empty when apt cannot fetch them.
 */
export function aptSourcesParagraphs(): Paragraph[] {
  const dir = cacheDir('apt-sources');
  const lists = join(dir, 'lists');
  const have = () => (existsSync(lists) ? readdirSync(lists).filter((f) => f.includes('_Sources')) : []);
  if (have().length === 0) {
    const system = '/etc/apt/sources.list.d/debian.sources';
    if (!existsSync(system)) return [];
    const src = join(dir, 'debian.sources');
    writeFileSync(src, readFileSync(system, 'utf8').replace(/^Types: deb$/gm, 'Types: deb-src'));
    mkdirSync(join(lists, 'partial'), { recursive: true });
    try {
      execFileSync('apt-get', ['update', ...privateSourcesApt(), '-o=APT::Get::List-Cleanup=0'], {
        stdio: 'ignore',
      });
    } catch (err) {
      console.log(
        `Sources lists unavailable (apt-get update failed: ${(err as Error).message.split('\n')[0]})`,
      );
    }
  }
  return have().flatMap((f) => splitParagraphs(readListText(join(lists, f)), f));
}
