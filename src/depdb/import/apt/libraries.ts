/**
 * Selecting the library packages from a Contents index, and the library files each ships.
 *
 * Which paths are shared libraries is src/formats/contents' rule (readContentsLibraries: the directories
 * dpkg-shlibdeps searches, lib*.so* and ld*.so* names). dpkg-shlibdeps looks a NEEDED soname up as a file in those
 * directories, whatever its name looks like, so a package is a library package when it ships such a file and is
 * not a development package:
 * - any package that ships a stable-named library (`.so.` and a digit: libz.so.1, libpng16.so.16.39.0,
 *   ld-linux-x86-64.so.2);
 * - a package whose library files are all `*.so` is kept unless Contents files it under `libdevel` or its name ends
 *   in `-dev`: those `*.so` are the linker symlinks (libstk-dev's libstk.so → libstk-4.6.2.so). The others are real
 *   sonames: the unstable form `libfoo-X.Y.so` of dpkg's split_soname (libstk-4.6.2.so, libdb-5.3.so,
 *   libxerces-c-3.2.so), and plain names (libnss3.so, libnspr4.so, libR.so) that symbols files list as is.
 *   Leaving them out made every binary that needs one UNRESOLVED_LIBRARIES (lmms: libstk-4.6.2.so).
 * Files of every selected package are recorded, with:
 * - soname: the file name cut after the first number that follows `.so.` (libpng16.so.16.39.0 → libpng16.so.16),
 *   which is what the real file's DT_SONAME says under the libtool/ldconfig naming nearly every library uses; for
 *   the unstable form, the shortest name of the same directory that the file's name extends by `.<more>`
 *   (libzn_poly-0.9.2.so → libzn_poly-0.9.so when both are shipped, else its own name: libstk-4.6.2.so); the
 *   --deb importer reads DT_SONAME itself, this is the best Contents allows.
 * - symlink: inferred from ldconfig's layout (see markSymlinks). On the test repositories' library packages this
 *   agrees with `dpkg-deb -c` (the tests count it).
 */
import type { LibraryFile } from '../../types.ts';

/** What selection needs from a Contents index: each library path with the package names that ship it. */
export interface ContentsEntry {
  path: string;
  packages: string[];
  /** The packages' qualifiers (`libs`, `contrib/libdevel`), parallel to `packages`, when the index gives them. */
  sections?: string[];
}

const VERSIONED = /\.so\.\d/;
const SONAME = /^(.+?\.so\.\d+)(?:\.[^/]*)?$/;
/** dpkg's split_soname, second form: `<name>-<digit>….so`. */
const UNSTABLE = /^.+-\d[^/]*\.so$/;

/** A development package, by what Contents says of it: filed under libdevel, or named `*-dev`. */
export function isDevelopmentPackage(name: string, section = ''): boolean {
  return name.endsWith('-dev') || section.slice(section.lastIndexOf('/') + 1) === 'libdevel';
}

/** The soname a library file answers to, by its name (see above). */
export function sonameOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return SONAME.exec(base)?.[1] ?? base;
}

function baseOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * The unstable-form sonames: `libfoo-X.Y.Z.so` answers to `libfoo-X.Y.so` when the same directory holds that name
 * (the symlink, as libz.so.1 → libz.so.1.2.13): the shortest such name, as for the stable form.
 */
function unstableSonames(list: LibraryFile[]): void {
  const names = new Set(list.filter((f) => UNSTABLE.test(baseOf(f.path))).map((f) => f.path));
  for (const f of list) {
    if (!names.has(f.path)) continue;
    const stem = f.path.slice(0, -3);
    // The version part, as split_soname cuts it: after the last `-<digit>`.
    const dash = stem.lastIndexOf('/') + 1 + /^.+-\d/.exec(baseOf(stem))![0].length;
    for (let dot = stem.indexOf('.', dash); dot > 0; dot = stem.indexOf('.', dot + 1)) {
      if (names.has(`${stem.slice(0, dot)}.so`)) {
        f.soname = baseOf(`${stem.slice(0, dot)}.so`);
        break;
      }
    }
  }
}

const MULTIARCH_DIR = /\/[a-z0-9_]+-linux-[a-z0-9_]+\/[^/]+$/;

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}

/**
 * Contents has no file types, so the symlink flag is inferred from ldconfig's layout. A file named exactly like its
 * soname is a symlink when the same directory holds a longer name of that soname (libz.so.1 → libz.so.1.2.13), or
 * when another directory of the package holds the same name and that one is the multiarch directory
 * (/lib64/ld-linux-x86-64.so.2 → /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2). A name ending in `.so` is the
 * linker symlink when the same directory holds it followed by `.N…` (libLLVM-14.so → libLLVM-14.so.1), and a
 * plain libfoo.so also when it holds libfoo-N….so (libsqlite3_mod_blobtoxy.so → libsqlite3_mod_blobtoxy-0.9998.so).
 * Everything else is taken as a file.
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
      const stem = f.path.slice(0, -3);
      const plain = !UNSTABLE.test(baseOf(f.path));
      f.symlink =
        longer.has(f.path) ||
        paths.some(
          (p) =>
            !p.includes('/', stem.length) &&
            (p.startsWith(f.path + '.') ||
              (plain && p.startsWith(stem + '-') && /^-\d/.test(p.slice(stem.length)) && p.endsWith('.so'))),
        );
      continue;
    }
    f.symlink = longer.has(f.path) || (!MULTIARCH_DIR.test(f.path) && multiarchExact.has(f.soname));
  }
  list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Package name → the library files it ships, for the library packages (see above). */
export async function selectLibraryPackages(
  entries: AsyncIterable<ContentsEntry> | Iterable<ContentsEntry>,
): Promise<Map<string, LibraryFile[]>> {
  const byPkg = new Map<string, LibraryFile[]>();
  const keep = new Set<string>();
  const development = new Set<string>();
  for await (const e of entries) {
    const path = '/' + e.path.replace(/^\.?\/+/, '');
    const soname = sonameOf(path);
    const isVersioned = VERSIONED.test(baseOf(path));
    e.packages.forEach((pkg, i) => {
      let list = byPkg.get(pkg);
      if (!list) byPkg.set(pkg, (list = []));
      list.push({ path, soname, symlink: false });
      if (isVersioned) keep.add(pkg);
      if (isDevelopmentPackage(pkg, e.sections?.[i])) development.add(pkg);
    });
  }
  for (const [pkg, list] of byPkg) {
    if (!keep.has(pkg) && development.has(pkg)) byPkg.delete(pkg);
    else {
      unstableSonames(list);
      markSymlinks(list);
    }
  }
  return byPkg;
}
