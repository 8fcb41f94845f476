/**
 * The model of a symbols file (deb-symbols(5)) as dpkg's Dpkg::Shlibs::SymbolFile holds it after loading, so the
 * resolver can follow dpkg-shlibdeps exactly: per soname, the dependency templates, the meta fields, the plain
 * symbols keyed by `name@version` (dpkg's key), and the patterns, which match differently and are kept apart.
 */

/** A `(name=value|name)` tag, in the order written (dpkg matches pattern tags in that order). */
export interface SymbolTag {
  name: string;
  /** Undefined for a tag without `=`. */
  value?: string;
}

/** One symbol line's data. */
export interface SymbolInfo {
  /** The minimum version as written, e.g. `2.34`, `1:1.2.0`. */
  minver: string;
  /** Which dependency template the symbol selects: 0 is the main one, n the n-th `|` alternative. */
  depId: number;
  tags?: SymbolTag[];
  /**
   * The version in a `#MISSING: v#` (or `#DEPRECATED: v#`) prefix: the symbol was dropped. dpkg-shlibdeps ignores
   * such symbols when v is a valid version (see isDeprecated).
   */
  deprecated?: string;
}

/**
 * How a pattern matches (Dpkg::Shlibs::Symbol `initialize`):
 * - `c++`: `name` is a demangled `Foo::bar()@VERSION`; a raw symbol matches when its demangling equals it.
 * - `symver`: `name` is a symbol version; every symbol of that version matches (also the old `*@VERSION` form).
 * - `generic`: regex patterns and tag combinations (c++ + symver): tried in file order, tags applied in order.
 */
export type PatternKind = 'c++' | 'symver' | 'generic';

export interface SymbolPattern extends SymbolInfo {
  kind: PatternKind;
  /** The symbol name after dpkg's initialisation (for `*@V`, it is `V`). */
  name: string;
  tags: SymbolTag[];
}

/** One soname's section of a symbols file. */
export interface SymbolsObject {
  soname: string;
  /** Dependency templates: [0] from the `soname template` line, then each `| alternative` line. */
  dependencies: string[];
  /** `* Field: value` meta lines, field names capitalised as dpkg does (Build-Depends-Package…). */
  fields: Record<string, string>;
  /** Plain symbols by `name@version`; a later line for the same key replaces an earlier one, as in dpkg. */
  symbols: Map<string, SymbolInfo>;
  /** c++/symver aliases (one per kind and name, the last line wins) and generic patterns, in file order. */
  patterns: SymbolPattern[];
}
