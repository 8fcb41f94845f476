/**
 * How two Depends values are compared for the accuracy report. A dependency is a relation group keyed by its first
 * package (the provider the rule chose); two answers agree on it when the group, formatted canonically, is the same
 * string (package, operator, version and alternatives). Package precision/recall count package names (every
 * alternative), the unit a packager notices first: a missing package is an install that breaks, a wrong version an
 * install that may break.
 */
import { formatGroup, parseRelations, type RelationGroup } from '../../formats/relation/index.ts';

export interface DependsComparison {
  /** Package names in both / only in ours / only in the reference. */
  common: string[];
  extra: string[];
  missing: string[];
  /** Dependencies (groups) of the reference, and how many of them ours has exactly. */
  referenceGroups: number;
  exactGroups: number;
  /** Groups that differ, `reference → ours` (`∅` for absent). */
  differences: string[];
  /** The whole value is the same string. */
  identical: boolean;
}

function groups(depends: string): RelationGroup[] {
  return depends.trim() === '' ? [] : parseRelations(depends);
}

function names(gs: RelationGroup[]): Set<string> {
  const out = new Set<string>();
  for (const g of gs) for (const a of g) if (a.type === 'package') out.add(a.name);
  return out;
}

function byFirst(gs: RelationGroup[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const g of gs) {
    const first = g[0];
    if (first?.type === 'package' && !out.has(first.name)) out.set(first.name, formatGroup(g));
  }
  return out;
}

/** Compares `ours` with `reference` (both Depends-style values). */
export function compareDepends(ours: string, reference: string): DependsComparison {
  const o = groups(ours);
  const r = groups(reference);
  const on = names(o);
  const rn = names(r);
  const ob = byFirst(o);
  const rb = byFirst(r);
  const differences: string[] = [];
  let exact = 0;
  for (const [pkg, rel] of rb) {
    const mine = ob.get(pkg);
    if (mine === rel) exact++;
    else differences.push(`${rel} → ${mine ?? '∅'}`);
  }
  for (const [pkg, rel] of ob) if (!rb.has(pkg)) differences.push(`∅ → ${rel}`);
  return {
    common: [...on].filter((p) => rn.has(p)).sort(),
    extra: [...on].filter((p) => !rn.has(p)).sort(),
    missing: [...rn].filter((p) => !on.has(p)).sort(),
    referenceGroups: rb.size,
    exactGroups: exact,
    differences,
    identical: ours.trim() === reference.trim(),
  };
}

/**
 * The library part of a real Depends field: the groups naming at least one package that ships a shared library
 * (`isLibrary`), which are the ones dpkg-shlibdeps could have produced. Others (hand-written deps on data packages,
 * interpreters, ${misc:Depends} output) are dropped.
 */
export function libraryDepends(depends: string, isLibrary: (pkg: string) => boolean): string {
  return groups(depends)
    .filter((g) => g.some((a) => a.type === 'package' && isLibrary(a.name)))
    .map(formatGroup)
    .join(', ');
}

export interface Totals {
  tp: number;
  fp: number;
  fn: number;
  referenceGroups: number;
  exactGroups: number;
  packages: number;
  identicalPackages: number;
}

export function emptyTotals(): Totals {
  return { tp: 0, fp: 0, fn: 0, referenceGroups: 0, exactGroups: 0, packages: 0, identicalPackages: 0 };
}

export function addTo(t: Totals, c: DependsComparison): void {
  t.tp += c.common.length;
  t.fp += c.extra.length;
  t.fn += c.missing.length;
  t.referenceGroups += c.referenceGroups;
  t.exactGroups += c.exactGroups;
  t.packages++;
  if (c.identical) t.identicalPackages++;
}

/**
 * The Depends value without the groups naming `pkg` itself. dpkg-gencontrol does this to dpkg-shlibdeps' output: it
 * adds the package being built to the facts as installed at its version, so a dependency of its binaries on its own
 * shlibs (`hedgewars (>= 1.0.2)` for a private library the package ships and declares) is implied and dropped.
 */
export function withoutSelf(depends: string, pkg: string): string {
  return groups(depends)
    .filter((g) => !g.some((a) => a.type === 'package' && a.name === pkg))
    .map(formatGroup)
    .join(', ');
}

/** `n/d (p %)`, with `—` for an empty denominator. */
export function ratio(n: number, d: number): string {
  return d === 0 ? '—' : `${n}/${d} (${((100 * n) / d).toFixed(2)} %)`;
}
