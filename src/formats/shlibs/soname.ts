/**
 * Sonames ↔ (library, soversion), the way dpkg-shlibdeps' `split_soname` reads them, because a shlibs line is keyed
 * by that pair and not by the soname: `libpng16 16 …` answers for `libpng16.so.16`.
 *
 * Two forms exist:
 *   - stable `<name>.so.<version>`: `libfoo.so.1` → (libfoo, 1), `libfoo.so.1.2` → (libfoo, 1.2);
 *   - unstable `<name>-<version>.so`, version starting with a digit: `libfoo-1.2.so` → (libfoo, 1.2).
 * Both halves are greedy-left, as in dpkg: `libfoo.so.1.so.2` → (libfoo.so.1, 2). Anything else (`libfoo.so`,
 * `ld-linux-x86-64.so.2` is fine, `foo.so` is not) has no pair, and dpkg-shlibdeps then never finds a shlibs line.
 */

export interface SonameParts {
  library: string;
  soversion: string;
}

/** The (library, soversion) pair of a soname, or undefined when dpkg-shlibdeps can't split it either. */
export function splitSoname(soname: string): SonameParts | undefined {
  // dpkg: /^(.+)\.so\.(.+)$/ — the LAST ".so." with at least one character on each side (perl's `.` excludes \n).
  if (!soname.includes('\n')) {
    for (let at = soname.lastIndexOf('.so.'); at > 0; at = soname.lastIndexOf('.so.', at - 1)) {
      if (at + 4 < soname.length) return { library: soname.slice(0, at), soversion: soname.slice(at + 4) };
    }
    // dpkg: /^(.+)-(\d.*)\.so$/ — the LAST "-<digit>" before a final ".so", at least one character before it.
    if (soname.endsWith('.so')) {
      const body = soname.slice(0, -3);
      for (let i = body.length - 2; i >= 1; i--) {
        const c = body.charCodeAt(i + 1);
        if (body.charCodeAt(i) === 0x2d && c >= 0x30 && c <= 0x39) {
          return { library: body.slice(0, i), soversion: body.slice(i + 1) };
        }
      }
    }
  }
  return undefined;
}

/**
 * The sonames a (library, soversion) pair can stand for: `libfoo.so.1`, and `libfoo-1.so` when the version starts
 * with a digit. A store indexing shlibs lines by soname uses this to find the lines for a NEEDED entry.
 */
export function sonamesFor(library: string, soversion: string): string[] {
  const out = [`${library}.so.${soversion}`];
  const c = soversion.charCodeAt(0);
  if (c >= 0x30 && c <= 0x39) out.push(`${library}-${soversion}.so`);
  return out.filter((s) => {
    const p = splitSoname(s);
    return p !== undefined && p.library === library && p.soversion === soversion;
  });
}
