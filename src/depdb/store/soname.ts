/**
 * Soname keys and library-file detection for the store, with dpkg's semantics (the shlibs format and split_soname
 * come from src/formats/shlibs), so the store answers lookups exactly as dpkg-shlibdeps would match them.
 */
import { parseShlibs, splitSoname } from '../../formats/shlibs/index.ts';

/**
 * The key shlibs lines are stored under: `library.so.soversion`. A line is keyed by its (library, soversion) pair,
 * not by a soname; a NEEDED soname is turned into the same key with dpkg's split_soname (src/formats/shlibs), so
 * both spellings (`libfoo.so.1.2`, `libfoo-1.2.so`) reach the line.
 */
export function shlibsKey(library: string, soversion: string): string {
  return `${library}.so.${soversion}`;
}

/** The shlibsKey a NEEDED soname looks up, or undefined when dpkg-shlibdeps would find no shlibs line either. */
export function shlibsKeyForSoname(soname: string): string | undefined {
  const p = splitSoname(soname);
  return p ? shlibsKey(p.library, p.soversion) : undefined;
}

export interface ShlibsLine {
  /** The line as written. */
  raw: string;
  /** `udeb` for `udeb: …` lines; undefined for ordinary lines. */
  type?: string;
  key: string;
}

/**
 * The lines of a shlibs file that dpkg-shlibdeps can read (src/formats/shlibs; comments, blank and unreadable
 * lines are dropped as dpkg drops them), kept raw: the resolver parses the dependency template itself.
 */
export function shlibsLines(text: string): ShlibsLine[] {
  const lines = text.split('\n');
  return parseShlibs(text).entries.map((e) => ({
    raw: lines[e.line - 1]!,
    ...(e.type !== undefined ? { type: e.type } : {}),
    key: shlibsKey(e.library, e.soversion),
  }));
}

/** Directories the dynamic linker searches by default (and their subdirectories, e.g. multiarch triplets). */
const LIBRARY_DIR = /^\/(?:usr\/)?lib(?:32|64|x32)?\//;

/**
 * Whether an installed path is a shared-library candidate: under a library directory, with a name ending in `.so`
 * or `.so.<version>`. The caller still decides: a versioned name is a soname by itself, an unversioned `libfoo.so`
 * counts only when the ELF file says so (DT_SONAME), because most are development symlinks.
 */
export function libraryCandidate(path: string): 'versioned' | 'unversioned' | undefined {
  if (!LIBRARY_DIR.test(path)) return undefined;
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (/^[^/]+\.so\.\d[^/]*$/.test(base) || /^[^/]+-\d[\d.]*\.so$/.test(base)) return 'versioned';
  if (/^[^/]+\.so$/.test(base)) return 'unversioned';
  return undefined;
}
