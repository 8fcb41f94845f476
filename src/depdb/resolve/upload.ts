/**
 * Reading an upload for the resolver: which ELF files it has, what each one imports, and which of the sonames they
 * need the upload ships itself (bundled libraries).
 *
 * The upload is the union of the directories given (walked, symlinks not followed, like the inventory) and the loose
 * files given. A soname is bundled when, for the binary that needs it, one of these finds a file of the same
 * architecture inside the upload, in this order (the first wins):
 *   1. its RUNPATH, else its RPATH (ld.so ignores RPATH when RUNPATH is set, and so does dpkg-shlibdeps), with
 *      `$ORIGIN` / `${ORIGIN}` replaced by the binary's own directory; absolute entries are read inside the upload
 *      root (an unpacked tarball's /opt/app/lib is <root>/opt/app/lib), never on the build machine;
 *   2. the binary's own directory ("beside the binary");
 *   3. any file of the upload whose DT_SONAME is the soname.
 * A file reached through `$ORIGIN` that was not given explicitly is still part of the upload (the binary points at
 * it), so it is read and its own NEEDED are resolved too. Cycles are cut by the visited set.
 */
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve as resolvePath, sep } from 'node:path';
import { PkgmeError } from '../../errors.ts';
import { isElf, readElfFile, type ElfInfo } from '../../formats/elf/elf.ts';
import { closeSync, openSync, readSync } from 'node:fs';
import type { Bundled, ImportedSymbol, UploadElf } from './model.ts';

/** STB_WEAK. */
const WEAK = 2;

function hasElfMagic(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(4);
    return readSync(fd, b, 0, 4, 0) === 4 && isElf(b);
  } finally {
    closeSync(fd);
  }
}

/**
 * The imports dpkg-shlibdeps looks up: the undefined dynamic symbols (weak ones included), keyed `name@version`.
 *
 * Copy relocations: dpkg-shlibdeps means to count data that a R_*_COPY relocation placed in the binary (defined
 * here, e.g. `stdout`), but with binutils ≥ 2.35 objdump names the relocation `counter@FOO_2` while dpkg looks for
 * `counter@@FOO_2` or `counter`, so a *versioned* copy-relocated symbol is never counted (the symbols oracle test
 * shows it). We do the same: defined symbols are skipped. An *unversioned* copy-relocated symbol is still counted by
 * dpkg; recognising one needs the relocation table, which the ELF parser does not decode — see docs/resolver.md.
 */
export function importsOf(info: ElfInfo): ImportedSymbol[] {
  const out: ImportedSymbol[] = [];
  for (const s of info.undefinedSymbols) {
    if (s.name === '') continue;
    out.push({ name: s.name, version: s.version?.name ?? null, weak: s.bind === WEAK });
  }
  return out;
}

function splitPath(entries: string[]): string[] {
  return entries.flatMap((e) => e.split(':')).filter((e) => e !== '');
}

export function elfFacts(path: string, abs: string, info: ElfInfo): UploadElf {
  const runpath = splitPath(info.runpath);
  const rpath = splitPath(info.rpath);
  return {
    path,
    abs,
    arch: info.debianArch,
    kind: info.kind,
    needed: info.needed,
    soname: info.soname,
    searchPath: runpath.length > 0 ? runpath : rpath,
    searchPathTag: runpath.length > 0 ? 'runpath' : rpath.length > 0 ? 'rpath' : 'none',
    imports: importsOf(info),
  };
}

function readFacts(path: string, abs: string): UploadElf {
  return elfFacts(path, abs, readElfFile(abs, { symbols: 'undefined' }));
}

export interface UploadSet {
  /** The ELF files to resolve (given, found in directories, or reached as bundled libraries). */
  files: UploadElf[];
  /** Files that were not resolved, with why (static, no Debian architecture, unreadable ELF in a directory). */
  skipped: Array<{ path: string; reason: string }>;
  bundled: Map<UploadElf, Bundled[]>;
}

interface Root {
  /** Absolute real path of a given directory (null for loose files). */
  dir: string | null;
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function walk(root: string, out: string[]): void {
  const rec = (dir: string): void => {
    for (const name of readdirSync(dir).sort(byteOrder)) {
      const abs = join(dir, name);
      const st = lstatSync(abs);
      if (st.isDirectory()) rec(abs);
      else if (st.isFile() && st.size >= 4 && hasElfMagic(abs)) out.push(abs);
    }
  };
  rec(root);
}

function displayPath(abs: string, root: Root): string {
  return root.dir === null ? abs : relative(root.dir, abs).split(sep).join('/');
}

/** Reads every ELF file of the upload and finds the bundled sonames of each (rules in the module comment). */
export function readUpload(inputs: string[]): UploadSet {
  if (inputs.length === 0) {
    throw new PkgmeError('RESOLVE_NO_INPUT', 'no ELF file or directory given', 'usage', {
      hint: 'Pass the binaries of the upload, or the directory it was unpacked into.',
    });
  }
  const skipped: UploadSet['skipped'] = [];
  /** real path → [display path, root] of every file inside the upload. */
  const members = new Map<string, { path: string; root: Root }>();
  const start: string[] = [];
  for (const input of inputs) {
    let st;
    try {
      st = statSync(input);
    } catch (err) {
      throw new PkgmeError(
        'RESOLVE_INPUT_MISSING',
        `cannot read ${input}: ${(err as Error).message}`,
        'input',
        {
          hint: 'Check the path.',
          details: { path: input },
        },
      );
    }
    const real = realpathSync(input);
    if (st.isDirectory()) {
      const found: string[] = [];
      walk(real, found);
      const root = { dir: real };
      for (const f of found) {
        members.set(f, { path: displayPath(f, root), root });
        start.push(f);
      }
    } else {
      if (!st.isFile() || st.size < 4 || !hasElfMagic(real)) {
        throw new PkgmeError('RESOLVE_NOT_ELF', `${input} is not an ELF file`, 'input', {
          hint: 'Give ELF executables or shared libraries, or a directory (non-ELF files in it are ignored).',
          details: { path: input },
        });
      }
      members.set(real, { path: input, root: { dir: null } });
      start.push(real);
    }
  }

  const facts = new Map<string, UploadElf>();
  const explicit = new Set(start);
  const load = (abs: string): UploadElf | undefined => {
    const known = facts.get(abs);
    if (known) return known;
    const m = members.get(abs)!;
    try {
      const f = readFacts(m.path, abs);
      facts.set(abs, f);
      return f;
    } catch (err) {
      if (!(err instanceof PkgmeError)) throw err;
      // A loose file the user named must parse; a broken one inside a directory is reported, not fatal.
      if (explicit.has(abs) && m.root.dir === null) {
        throw new PkgmeError(err.code, `${m.path}: ${err.message}`, err.kind, {
          hint: err.hint,
          details: { ...err.details, path: m.path },
        });
      }
      skipped.push({ path: m.path, reason: `${err.code}: ${err.message}` });
      return undefined;
    }
  };
  for (const abs of start) load(abs);

  const bySoname = new Map<string, UploadElf[]>();
  for (const f of facts.values()) {
    if (f.soname !== null) {
      const list = bySoname.get(f.soname) ?? [];
      list.push(f);
      bySoname.set(f.soname, list);
    }
  }

  /** A candidate file for `soname` in `dir`, if it is a member of the upload (or reachable via $ORIGIN). */
  const candidate = (
    dir: string,
    soname: string,
    viaOrigin: boolean,
    binary: UploadElf,
  ): UploadElf | undefined => {
    const p = join(dir, soname);
    let real: string;
    try {
      real = realpathSync(p);
      if (!statSync(real).isFile()) return undefined;
    } catch {
      return undefined;
    }
    if (!members.has(real)) {
      if (!viaOrigin || !hasElfMagic(real)) return undefined;
      const owner = members.get(binary.abs)!;
      const display =
        owner.root.dir !== null && !relative(owner.root.dir, real).startsWith('..')
          ? displayPath(real, owner.root)
          : real;
      members.set(real, { path: display, root: owner.root });
    }
    const f = load(real);
    return f !== undefined && f.arch === binary.arch ? f : undefined;
  };

  const bundled = new Map<UploadElf, Bundled[]>();
  const queue = [...facts.values()];
  const seen = new Set(queue);
  while (queue.length > 0) {
    const bin = queue.shift()!;
    const owner = members.get(bin.abs)!;
    const origin = dirname(bin.abs);
    const found: Bundled[] = [];
    for (const soname of bin.needed) {
      let hit: UploadElf | undefined;
      let via: Bundled['via'] = 'soname';
      for (const entry of bin.searchPath) {
        const usesOrigin = /\$ORIGIN|\$\{ORIGIN\}/.test(entry);
        let dir: string;
        if (usesOrigin) dir = resolvePath(entry.replace(/\$\{ORIGIN\}|\$ORIGIN/g, origin));
        else if (owner.root.dir !== null && entry.startsWith('/')) dir = join(owner.root.dir, entry);
        else continue;
        hit = candidate(dir, soname, usesOrigin, bin);
        if (hit) {
          via = bin.searchPathTag === 'rpath' ? 'rpath' : 'runpath';
          break;
        }
      }
      if (!hit) {
        hit = candidate(origin, soname, false, bin);
        if (hit) via = 'beside';
      }
      if (!hit) {
        hit = bySoname.get(soname)?.find((f) => f.arch === bin.arch && f !== bin);
        via = 'soname';
      }
      if (hit) {
        found.push({ soname, path: hit.path, via, neededBy: [bin.path] });
        if (!seen.has(hit)) {
          seen.add(hit);
          queue.push(hit);
        }
      }
    }
    bundled.set(bin, found);
  }

  const files: UploadElf[] = [];
  for (const f of seen) files.push(f);
  files.sort((a, b) => byteOrder(a.path, b.path));
  return { files, skipped, bundled };
}
