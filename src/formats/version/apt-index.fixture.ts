/**
 * Test fixture: the machine's real package indices (apt's Packages lists, lz4-compressed, and dpkg's status file),
 * read as field maps. The oracle tests for versions and relations draw their inputs from here, so they exercise what
 * Debian really ships rather than hand-picked strings.
 *
 * The split is deliberately naive (a paragraph per blank line, a field per unindented line, continuation lines
 * kept with their newline): these files are machine-written by apt and dpkg, and this is test scaffolding, not the
 * project's deb822 parser.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../../testing/env.ts';

export type Paragraph = Map<string, string>;

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

export function splitParagraphs(text: string): Paragraph[] {
  const out: Paragraph[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const p: Paragraph = new Map();
    let last: string | undefined;
    for (const line of block.split('\n')) {
      if (line === '') continue;
      if (line.startsWith(' ') || line.startsWith('\t')) {
        if (last !== undefined) p.set(last, `${p.get(last)}\n${line}`);
        continue;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      last = line.slice(0, colon);
      p.set(last, line.slice(colon + 1).trim());
    }
    if (p.size > 0) out.push(p);
  }
  return out;
}

/** Every paragraph of every apt Packages list. */
export function aptParagraphs(kind: 'Packages' | 'Sources' = 'Packages'): Paragraph[] {
  return aptListFiles(kind).flatMap((f) => splitParagraphs(readListText(f)));
}

export function dpkgStatusParagraphs(): Paragraph[] {
  const f = '/var/lib/dpkg/status';
  return existsSync(f) ? splitParagraphs(readFileSync(f, 'utf8')) : [];
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
  return have().flatMap((f) => splitParagraphs(readListText(join(lists, f))));
}
