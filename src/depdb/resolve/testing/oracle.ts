/**
 * dpkg-shlibdeps as the resolver's oracle, on installed binaries (../shared/DEBIAN-NOTES.md: it works directly on
 * them from a scratch tree holding a minimal debian/control). Shared by the oracle test and the bench.
 */
import { execFile, execFileSync } from 'node:child_process';
import { closeSync, lstatSync, mkdirSync, openSync, readSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isElf } from '../../../formats/elf/elf.ts';
import { parseRelations } from '../../../formats/relation/index.ts';

/** A scratch source tree dpkg-shlibdeps accepts (`debian/control` with one binary package). */
export function scratchTree(dir: string): string {
  mkdirSync(join(dir, 'debian'), { recursive: true });
  writeFileSync(join(dir, 'debian', 'control'), 'Source: x\n\nPackage: x\nArchitecture: any\n');
  return dir;
}

/** Regular ELF files (symlinks skipped) directly in `dir`, sorted. */
export function elfFilesIn(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (!st.isFile() || st.size < 4) continue;
    const fd = openSync(p, 'r');
    const b = Buffer.alloc(4);
    try {
      if (readSync(fd, b, 0, 4, 0) === 4 && isElf(b)) out.push(p);
    } finally {
      closeSync(fd);
    }
  }
  return out;
}

export interface OracleRun {
  /** shlibs:Depends as printed ('' when the binaries need nothing). */
  depends: string;
  ok: boolean;
  stderr: string;
}

export function runDpkgShlibdeps(cwd: string, files: string[], extra: string[] = []): Promise<OracleRun> {
  return new Promise((resolve) => {
    execFile(
      'dpkg-shlibdeps',
      ['-O', ...extra, ...files.map((f) => `-e${f}`)],
      { cwd, maxBuffer: 1 << 26, env: { ...process.env, LC_ALL: 'C' } },
      (err, stdout, stderr) => {
        const m = /^shlibs:Depends=(.*)$/m.exec(stdout);
        resolve({ depends: m ? m[1]! : '', ok: err === null, stderr });
      },
    );
  });
}

/**
 * Runs dpkg-shlibdeps over `files` in one invocation, dropping the binaries it refuses (a library it cannot find,
 * or one without shlibs/symbols: private libraries through RUNPATH, cross binutils' libopcodes…) and running again.
 */
export async function batchOracle(
  cwd: string,
  files: string[],
): Promise<{ depends: string; used: string[]; refused: Array<{ file: string; error: string }> }> {
  let left = [...files];
  const refused: Array<{ file: string; error: string }> = [];
  for (let round = 0; round < 200 && left.length > 0; round++) {
    const r = await runDpkgShlibdeps(cwd, left);
    if (r.ok) return { depends: r.depends, used: left, refused };
    const bad = new Set<string>();
    for (const m of r.stderr.matchAll(/\(used by (\S+)\)|needed by (\S+) \(ELF/g)) bad.add((m[1] ?? m[2])!);
    if (bad.size === 0) throw new Error(`dpkg-shlibdeps failed without naming a binary:\n${r.stderr}`);
    const firstError = r.stderr.split('\n').find((l) => l.includes('error:')) ?? '';
    for (const b of bad) refused.push({ file: b, error: firstError });
    left = left.filter((f) => !bad.has(f));
  }
  return { depends: '', used: left, refused };
}

/**
 * The Depends field dpkg-gencontrol writes from a dpkg-shlibdeps output: Dpkg::Deps simplify_deps, run by perl itself
 * (the oracle for our `depends`).
 */
export function gencontrolForm(depends: string): string {
  if (depends.trim() === '') return '';
  const script =
    'use Dpkg::Deps; my $d = deps_parse($ARGV[0]); $d->simplify_deps(Dpkg::Deps::KnownFacts->new()); print $d->output();';
  return execFileSync('perl', ['-e', script, depends], { encoding: 'utf8' });
}

/** Package names of a Depends value (every alternative). */
export function packagesOf(depends: string): Set<string> {
  const out = new Set<string>();
  if (depends.trim() === '') return out;
  for (const g of parseRelations(depends)) for (const a of g) if (a.type === 'package') out.add(a.name);
  return out;
}

/** Runs `fn` over `items` with at most `n` in flight. */
export async function pool<T, R>(items: T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}
