/**
 * Which Contents paths are shared libraries a binary can be linked against — the files dpkg-shlibdeps would find
 * when it looks a NEEDED soname up, so the Contents fallback offers the same packages.
 *
 * dpkg-shlibdeps (Dpkg::Shlibs) searches, in order: the directories of /etc/ld.so.conf(.d) — on Debian the
 * multiarch dirs /lib/<triplet> and /usr/lib/<triplet>, and /usr/local/lib — then /lib and /usr/lib, then the
 * multilib dirs /lib32, /usr/lib32, /lib64, /usr/lib64. It never descends into subdirectories, so packages'
 * private dirs (/usr/lib/<triplet>/pulseaudio, /usr/lib/firefox-esr) are NOT searched. We take:
 *
 *   - directories: lib, usr/lib, lib/<triplet>, usr/lib/<triplet>, and lib32, lib64, libx32 (and their usr/
 *     forms; libx32 is the x32 ld.so.conf dir) — exactly these, no subdirectory. <triplet> is any multiarch
 *     tuple (x86_64-linux-gnu, arm-linux-gnueabihf, i386-gnu…), so one index serves every architecture in it;
 *     /usr/local is never in a package. Extra dirs a package adds to ld.so.conf.d can be passed in.
 *   - file names: `lib*.so`, `lib*.so.<digit>…` (the brief's pattern), and the dynamic loaders `ld*.so…`
 *     (ld-linux-x86-64.so.2, ld64.so.1), which binaries NEED too.
 *
 * The soname is taken to be the file name: `libpng16.so.16` is the symlink that answers for the soname
 * libpng16.so.16 (Contents lists symlinks), and the real file `libpng16.so.16.39.0` is listed too.
 */
import type { Readable } from 'node:stream';
import { readContents, type ContentsReadOptions } from './read.ts';
import type { ContentsRecord } from './line.ts';

export interface ContentsLibrary {
  /** Absolute path, e.g. /usr/lib/x86_64-linux-gnu/libpng16.so.16. */
  path: string;
  /** The file name, taken as the soname it answers to. */
  soname: string;
  packages: string[];
  /** Their qualifiers (`libs`, `non-free/libdevel`), parallel to `packages`: the importer tells -dev packages by it. */
  sections: string[];
}

const TRIPLET = '[a-z0-9_]+-(?:linux-[a-z0-9_]+|kfreebsd-[a-z0-9_]+|gnu[a-z0-9_]*)';
const LIB_DIR = new RegExp(`^(?:usr/)?(?:lib|lib32|lib64|libx32|lib/${TRIPLET})$`);
const LIB_NAME = /^(?:lib|ld)[^/]*\.so(?:\.[0-9][^/]*)?$/;

export interface LibraryPathOptions {
  /** More directories to search (absolute or relative, e.g. from a package's ld.so.conf.d file). */
  extraDirs?: readonly string[];
}

/** Strips a leading `./` or `/` (old indices wrote `./usr/…`). */
function relative(path: string): string {
  if (path.startsWith('./')) return path.slice(2);
  if (path.startsWith('/')) return path.slice(1);
  return path;
}

/** True for a path (as in a Contents index, or absolute) of a shared library in a searched directory. */
export function isLibraryPath(path: string, opts: LibraryPathOptions = {}): boolean {
  const rel = relative(path);
  const slash = rel.lastIndexOf('/');
  if (slash < 0 || !LIB_NAME.test(rel.slice(slash + 1))) return false;
  const dir = rel.slice(0, slash);
  return LIB_DIR.test(dir) || (opts.extraDirs?.some((d) => relative(d).replace(/\/+$/, '') === dir) ?? false);
}

/** The library view of a record, or undefined when its path is not a library path. */
export function libraryOf(rec: ContentsRecord, opts: LibraryPathOptions = {}): ContentsLibrary | undefined {
  if (!isLibraryPath(rec.path, opts)) return undefined;
  const rel = relative(rec.path);
  return {
    path: `/${rel}`,
    soname: rel.slice(rel.lastIndexOf('/') + 1),
    packages: rec.packages,
    sections: rec.sections,
  };
}

/**
 * The shared libraries of a Contents index (any compression), streamed. Lines that are not library paths are only
 * split, not checked in full (see ContentsReadOptions.pathFilter).
 */
export async function* readContentsLibraries(
  input: Readable,
  opts: LibraryPathOptions & Pick<ContentsReadOptions, 'maxLineLength'> = {},
): AsyncGenerator<ContentsLibrary> {
  const readOpts: ContentsReadOptions = { pathFilter: (p) => isLibraryPath(p, opts) };
  if (opts.maxLineLength !== undefined) readOpts.maxLineLength = opts.maxLineLength;
  for await (const rec of readContents(input, readOpts)) {
    const lib = libraryOf(rec, opts);
    if (lib !== undefined) yield lib;
  }
}
