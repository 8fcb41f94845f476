/**
 * Selecting the library packages from a Contents index, and the library files each ships.
 *
 * Which paths are shared libraries is src/formats/contents' rule (readContentsLibraries: the directories
 * dpkg-shlibdeps searches, lib*.so* and ld*.so* names). On top of it:
 * - A package is a library package when it ships a versioned library (`.so.` and a digit: libz.so.1,
 *   libpng16.so.16.39.0, ld-linux-x86-64.so.2). A package whose only library is an unversioned `libfoo.so` is
 *   nearly always a -dev package (the linker symlink); its files are still recorded for selected packages.
 * - soname: the file name cut after the first number that follows `.so.` (libpng16.so.16.39.0 → libpng16.so.16),
 *   which is what the real file's DT_SONAME says under the libtool/ldconfig naming nearly every library uses; the
 *   --deb importer reads DT_SONAME itself, this is the best Contents allows.
 * - symlink: inferred from ldconfig's layout (see markSymlinks). On the test repository's library packages this
 *   agrees with `dpkg-deb -c` (the test counts it).
 */
import type { LibraryFile } from '../../types.ts';

/** What selection needs from a Contents index: each library path with the package names that ship it. */
export interface ContentsEntry {
  path: string;
  packages: string[];
}

const VERSIONED = /\.so\.\d/;
const SONAME = /^(.+?\.so\.\d+)(?:\.[^/]*)?$/;

/** The soname a library file answers to, by its name (see above). */
export function sonameOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return SONAME.exec(base)?.[1] ?? base;
}

const MULTIARCH_DIR = /\/[a-z0-9_]+-linux-[a-z0-9_]+\/[^/]+$/;

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}

/**
 * Contents has no file types, so the symlink flag is inferred from ldconfig's layout. A file named exactly like its
 * soname is a symlink when the same directory holds a longer name of that soname (libz.so.1 → libz.so.1.2.13), or
 * when another directory of the package holds the same name and that one is the multiarch directory
 * (/lib64/ld-linux-x86-64.so.2 → /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2). An unversioned libfoo.so is the
 * linker symlink when the same directory holds libfoo.so.N… (libLLVM-14.so → libLLVM-14.so.1). Everything else is
 * taken as a file.
 */
function markSymlinks(list: LibraryFile[]): void {
  const longer = new Set<string>();
  const multiarchExact = new Set<string>();
  for (const f of list) {
    const exact = f.path.endsWith('/' + f.soname);
    if (!exact) longer.add(`${dirOf(f.path)}/${f.soname}`);
    else if (MULTIARCH_DIR.test(f.path)) multiarchExact.add(f.soname);
  }
  const paths = list.map((f) => f.path);
  for (const f of list) {
    if (!f.path.endsWith('/' + f.soname)) continue;
    if (f.path.endsWith('.so')) {
      f.symlink = paths.some((p) => p.startsWith(f.path + '.') && !p.includes('/', f.path.length));
      continue;
    }
    f.symlink = longer.has(f.path) || (!MULTIARCH_DIR.test(f.path) && multiarchExact.has(f.soname));
  }
  list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Package name → the library files it ships, for the packages that ship a versioned library. */
export async function selectLibraryPackages(
  entries: AsyncIterable<ContentsEntry> | Iterable<ContentsEntry>,
): Promise<Map<string, LibraryFile[]>> {
  const byPkg = new Map<string, LibraryFile[]>();
  const versioned = new Set<string>();
  for await (const e of entries) {
    const path = '/' + e.path.replace(/^\.?\/+/, '');
    const soname = sonameOf(path);
    const isVersioned = VERSIONED.test(path.slice(path.lastIndexOf('/') + 1));
    for (const pkg of e.packages) {
      let list = byPkg.get(pkg);
      if (!list) byPkg.set(pkg, (list = []));
      list.push({ path, soname, symlink: false });
      if (isVersioned) versioned.add(pkg);
    }
  }
  for (const [pkg, list] of byPkg) {
    if (!versioned.has(pkg)) byPkg.delete(pkg);
    else markSymlinks(list);
  }
  return byPkg;
}
