/**
 * Selecting the library packages from a Contents index, and the library files each ships.
 *
 * Contents lists paths and packages, nothing else: no symlink flag, no ELF soname. The rules, documented in
 * docs/depdb-apt-import.md:
 * - A shared-library file is a path in a library directory (lib, usr/lib, their 32/64/x32 variants and multiarch
 *   subdirectories) whose name has `.so.` followed by a number (libz.so.1, libpng16.so.16.39.0). Plain `libfoo.so`
 *   is a -dev symlink for the linker, not something a binary loads.
 * - soname: the file name cut after the first number following `.so.` (libpng16.so.16.39.0 → libpng16.so.16).
 * - symlink: inferred from ldconfig's layout (see markSymlinks). On the library packages of the test repository this
 *   agrees with `dpkg-deb -c` (the test counts it).
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

const MULTIARCH_DIR = /\/[a-z0-9_]+-linux-[a-z0-9_]+\/[^/]+$/;

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}

/**
 * Contents has no file types, so the symlink flag is inferred from ldconfig's layout. A file named exactly like its
 * soname is a symlink when the same directory holds a longer name of that soname (libz.so.1 → libz.so.1.2.13), or
 * when another directory of the package holds the same name and that one is the multiarch directory
 * (/lib64/ld-linux-x86-64.so.2 → /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2). Everything else is taken as a file.
 */
function markSymlinks(list: LibraryFile[]): void {
  const longer = new Set<string>();
  const multiarchExact = new Set<string>();
  for (const f of list) {
    const exact = f.path.endsWith('/' + f.soname);
    if (!exact) longer.add(`${dirOf(f.path)}/${f.soname}`);
    else if (MULTIARCH_DIR.test(f.path)) multiarchExact.add(f.soname);
  }
  for (const f of list) {
    if (!f.path.endsWith('/' + f.soname)) continue;
    f.symlink = longer.has(f.path) || (!MULTIARCH_DIR.test(f.path) && multiarchExact.has(f.soname));
  }
  list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
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
  for (const list of byPkg.values()) markSymlinks(list);
  return byPkg;
}
