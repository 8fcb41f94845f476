/**
 * The resolver's view of symbols and shlibs data, on top of the format parsers (src/formats/symbols,
 * src/formats/shlibs): a symbols section with its smallest dep-id 0 minver precomputed (dpkg-shlibdeps initialises
 * the dependency with it), and the dependency of a shlibs line for a soname.
 *
 * Patterns (`(c++)`, `(symver)`, `(regex)`, `*@V`) are parsed but never consulted: dpkg-shlibdeps looks imports up
 * with `lookup_symbol`, which only sees plain symbols, and `get_smallest_version` only iterates plain symbols too.
 */
import { PkgmeError } from '../../errors.ts';
import { parseShlibs, shlibsDependency as shlibsEntryFor } from '../../formats/shlibs/index.ts';
import { isDeprecated, parseSymbolsSection, type SymbolsObject } from '../../formats/symbols/index.ts';
import { compareVersions } from '../../formats/version/index.ts';

export interface SymbolsView {
  soname: string;
  obj: SymbolsObject;
  /** Smallest minver over the dep-id 0 plain symbols (deprecated included, as dpkg counts them), '' if none. */
  smallest: string;
  /** Set when the section could not be read (the resolver then falls back to shlibs, and says so). */
  problem?: string;
}

/** Version order that never throws: a minver that is not a valid version sorts by text (dpkg would warn). */
export function compareLax(a: string, b: string): number {
  try {
    return compareVersions(a, b);
  } catch {
    return a < b ? -1 : a > b ? 1 : 0;
  }
}

export function symbolsView(soname: string, text: string): SymbolsView {
  let obj: SymbolsObject;
  try {
    obj = parseSymbolsSection(text);
  } catch (err) {
    if (!(err instanceof PkgmeError)) throw err;
    const empty: SymbolsObject = { soname, dependencies: [], fields: {}, symbols: new Map(), patterns: [] };
    return { soname, obj: empty, smallest: '', problem: `${err.code}: ${err.message}` };
  }
  let smallest: string | undefined;
  for (const s of obj.symbols.values()) {
    if (s.depId !== 0) continue;
    if (smallest === undefined || compareLax(smallest, s.minver) > 0) smallest = s.minver;
  }
  return { soname, obj, smallest: smallest ?? '' };
}

/** True when dpkg-shlibdeps' lookup_symbol would skip the symbol (`#MISSING: v#` with a valid v). */
export { isDeprecated };

/**
 * The dependency of a shlibs line for `soname` as dpkg-shlibdeps' extract_from_shlibs reads it; undefined when the
 * line does not answer for the soname (or is typed for another package type, e.g. `udeb:`).
 */
export function shlibsDependency(soname: string, lines: string[]): string | undefined {
  return shlibsEntryFor(parseShlibs(lines.join('\n')).entries, soname)?.dependency;
}
