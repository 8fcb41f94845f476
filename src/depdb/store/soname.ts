/**
 * Soname helpers with dpkg's semantics (Dpkg::Shlibs::split_soname and the shlibs file format), so the store
 * answers lookups exactly as dpkg-shlibdeps would match them.
 */

/**
 * dpkg's split_soname: `libfoo.so.1.2` → (libfoo, 1.2) and `libfoo-1.2.so` → (libfoo, 1.2). A shlibs line names
 * the (library, soversion) pair, so both spellings of a soname reach the same line. Undefined: no shlibs match.
 */
export function splitSoname(soname: string): { name: string; version: string } | undefined {
  let m = /^(.*)\.so\.(.*)$/.exec(soname);
  if (m) return { name: m[1]!, version: m[2]! };
  m = /^(.*)-(\d.*)\.so$/.exec(soname);
  if (m) return { name: m[1]!, version: m[2]! };
  return undefined;
}

/** The key shlibs lines are stored under: `name.so.version` for the pair the line (or the soname) names. */
export function shlibsKey(name: string, version: string): string {
  return `${name}.so.${version}`;
}

export interface ShlibsLine {
  /** The line as written (trailing white space removed). */
  raw: string;
  /** `udeb` for `udeb: …` lines; undefined for ordinary lines. */
  type?: string;
  /** The shlibsKey of the line's (library, soversion); '' when the line is too short to name one. */
  key: string;
}

/**
 * The lines of a shlibs file that mean something: blank lines and `#` comments dropped, as dpkg-shlibdeps does.
 * Kept raw: the resolver parses the dependency template itself.
 */
export function shlibsLines(text: string): ShlibsLine[] {
  const out: ShlibsLine[] = [];
  for (const line of text.split('\n')) {
    const raw = line.replace(/\s+$/, '');
    if (raw.trim() === '' || /^\s*#/.test(raw)) continue;
    const m = /^\s*(?:([^\s:]+):\s+)?(\S+)\s+(\S+)/.exec(raw);
    out.push({
      raw,
      ...(m?.[1] ? { type: m[1] } : {}),
      key: m ? shlibsKey(m[2]!, m[3]!) : '',
    });
  }
  return out;
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
