/**
 * Selecting the library packages from a Contents index, and the library files each ships.
 *
 * Contents lists paths and packages, nothing else: no symlink flag, no ELF soname. The rules, documented in
 * docs/depdb-apt-import.md:
 * - A shared-library file is a path in a library directory (lib, usr/lib, their 32/64/x32 variants and multiarch
 *   subdirectories) whose name has `.so.` followed by a number (libz.so.1, libpng16.so.16.39.0). Plain `libfoo.so`
 *   is a -dev symlink for the linker, not something a binary loads.
 * - soname: the file name cut after the first number following `.so.` (libpng16.so.16.39.0 → libpng16.so.16).
 * - symlink: when a package ships several files with the same soname, the one named exactly like the soname is the
 *   ldconfig symlink (true) and the longer names are the real files (false). A lone file is taken as real (false).
 *   On the library packages of our test repository this agrees with `dpkg-deb -c` (the test counts it).
 */
import type { LibraryFile } from '../../types.ts';

/** What selection needs from a Contents index: each path with the package names that ship it (no section). */
export interface ContentsEntry {
  path: string;
  packages: string[];
}

const LIB_DIR = /^(?:usr\/)?lib(?:32|64|x32)?(?:\/[a-z0-9_]+-linux-[a-z0-9_]+)?\/[^/]+$/;
const SONAME = /^(.+\.so\.\d+)(?:\.[^/]*)?$/;

/** The soname a library path answers to, or undefined when the path is not a shared library in a library dir. */
export function sonameOf(path: string): string | undefined {
  const p = path.replace(/^\/+/, '');
  if (!LIB_DIR.test(p)) return undefined;
  const base = p.slice(p.lastIndexOf('/') + 1);
  const m = SONAME.exec(base);
  return m ? m[1] : undefined;
}

/** Package name → the library files it ships, from Contents entries. */
export function selectLibraryPackages(entries: Iterable<ContentsEntry>): Map<string, LibraryFile[]> {
  const byPkg = new Map<string, LibraryFile[]>();
  for (const e of entries) {
    const soname = sonameOf(e.path);
    if (soname === undefined) continue;
    const path = '/' + e.path.replace(/^\/+/, '');
    for (const pkg of e.packages) {
      let list = byPkg.get(pkg);
      if (!list) byPkg.set(pkg, (list = []));
      list.push({ path, soname, symlink: false });
    }
  }
  for (const list of byPkg.values()) {
    const sonames = new Map<string, number>();
    for (const f of list) sonames.set(f.soname, (sonames.get(f.soname) ?? 0) + 1);
    for (const f of list) {
      if (sonames.get(f.soname)! > 1 && f.path.endsWith('/' + f.soname)) f.symlink = true;
    }
    list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
  return byPkg;
}
