/**
 * dpkg's dependency implication and simplification (Dpkg::Deps 1.21: Simple/OR `implies`, AND `simplify_deps`,
 * Union `simplify_deps` + `sort`), reproduced exactly — including two quirks of the perl code, because dpkg-source
 * writes the .dsc's build relations through them and our .dsc must match:
 *  - `_arch_is_superset` reads `my $neg = defined $p and …` as `(my $neg = defined $p) and …`, so two arch lists
 *    are compared as "every token of p appears in q" whatever their `!`;
 *  - `deps_eval_implication` compares `$v_p >= $v_p` (not `$v_q`) for `>>`/`>=` against `<<`, so that case is
 *    always "implies NOT".
 * Implication is three-valued like perl's: 1 (implies), 0 (implies the negation), undefined (unknown); the merge
 * for unions distinguishes 0 from undefined.
 *
 * `simplifyRelations` (simplify.ts) is the resolver's simple merge; this module is for dpkg parity.
 */
import { PkgmeError } from '../../errors.ts';
import { compareVersions } from '../version/compare.ts';
import { checkVersion } from '../version/parse.ts';
import type { PackageAtom, RelationGroup, RelationList, RelationOp } from './model.ts';

type Tri = 1 | 0 | undefined;

/**
 * Both simplifications compare every group with the others (as perl does): quadratic. Real fields stay far below
 * this (the largest in bookworm has 1,603 groups); a field past it is hostile or broken, and would take seconds.
 */
export const MAX_SIMPLIFY_GROUPS = 8192;

function checkSize(list: RelationList): void {
  if (list.length > MAX_SIMPLIFY_GROUPS) {
    throw new PkgmeError(
      'RELATION_TOO_LARGE',
      `relation field has ${list.length} entries, over the ${MAX_SIMPLIFY_GROUPS} that can be simplified`,
      'limit',
      {
        hint: 'A relation field this long is not plausible; check how it was generated.',
        details: { entries: list.length, limit: MAX_SIMPLIFY_GROUPS },
      },
    );
  }
}

function validVersion(v: string): boolean {
  if (v.includes('${')) return false;
  const r = checkVersion(v);
  return !('problem' in r) && r.warning === undefined;
}

function archIsSuperset(p: string[] | undefined, q: string[] | undefined): boolean {
  if (p === undefined) return true;
  if (q === undefined) return false;
  const qs = new Set(q);
  return p.every((a) => qs.has(a));
}

function archQualifierImplies(p: string | undefined, q: string | undefined): boolean {
  if (p !== undefined && q !== undefined) return p === q;
  return p === undefined && q === undefined;
}

function restrictionsImply(p: string[][] | undefined, q: string[][] | undefined): boolean {
  if (p === undefined) return true;
  if (q === undefined) return false;
  const key = (l: string[]) => [...l].sort().join(' ');
  const left = new Set(q.map(key));
  for (const l of p) left.delete(key(l));
  return left.size === 0;
}

function evalImplication(relP: RelationOp, vP: string, relQ: RelationOp, vQ: string): Tri {
  if (!validVersion(vP) || !validVersion(vQ)) return undefined;
  const c = compareVersions(vP, vQ); // sign of vP <=> vQ
  const pIsLower = relP === '<<' || relP === '<=';
  switch (relQ) {
    case '=':
      if (relP === '<<') return c <= 0 ? 0 : undefined;
      if (relP === '<=') return c < 0 ? 0 : undefined;
      if (relP === '>>') return c >= 0 ? 0 : undefined;
      if (relP === '>=') return c > 0 ? 0 : undefined;
      return c === 0 ? 1 : 0;
    case '<=':
      if (relP === '>>') return c >= 0 ? 0 : undefined;
      if (relP === '>=') return c > 0 ? 0 : undefined;
      if (relP === '=') return c <= 0 ? 1 : 0;
      return c <= 0 ? 1 : undefined;
    case '<<':
      if (relP === '>>' || relP === '>=') return 0; // perl compares $v_p >= $v_p: always true
      if (relP === '<<') return c <= 0 ? 1 : undefined;
      if (relP === '=') return c < 0 ? 1 : 0;
      return c < 0 ? 1 : undefined;
    case '>=':
      if (relP === '<<') return c <= 0 ? 0 : undefined;
      if (relP === '<=') return c < 0 ? 0 : undefined;
      if (relP === '=') return c >= 0 ? 1 : 0;
      return c >= 0 ? 1 : undefined;
    case '>>':
      if (pIsLower) return c <= 0 ? 0 : undefined;
      if (relP === '>>') return c >= 0 ? 1 : undefined;
      if (relP === '=') return c > 0 ? 1 : 0;
      return c > 0 ? 1 : undefined;
  }
}

/** Dpkg::Deps::Simple::implies against a simple atom. */
function simpleImpliesSimple(p: PackageAtom, q: PackageAtom): Tri {
  if (p.name !== q.name) return undefined;
  if (!archIsSuperset(p.arches, q.arches)) return undefined;
  if (!archQualifierImplies(p.archQualifier, q.archQualifier)) return undefined;
  if (!restrictionsImply(p.profiles, q.profiles)) return undefined;
  if (q.constraint === undefined) return 1;
  if (p.constraint === undefined) return undefined;
  return evalImplication(p.constraint.op, p.constraint.version, q.constraint.op, q.constraint.version);
}

/** Dpkg::Deps::Simple::implies against an OR group: 1 as soon as one member is implied. */
function simpleImpliesOr(p: PackageAtom, q: PackageAtom[]): Tri {
  let res: Tri = undefined;
  for (const m of q) {
    const i = simpleImpliesSimple(p, m);
    if (i === undefined) continue;
    res = res === undefined ? i : i ? 1 : 0;
    if (res === 1) break;
  }
  return res;
}

function atoms(g: RelationGroup): PackageAtom[] | undefined {
  return g.every((a) => a.type === 'package') ? (g as PackageAtom[]) : undefined;
}

/** Does group `p` imply group `q` (1 / 0 / undefined), with groups of one atom as Simple and others as OR. */
export function groupImplies(p: RelationGroup, q: RelationGroup): Tri {
  const ps = atoms(p);
  const qs = atoms(q);
  if (ps === undefined || qs === undefined) return undefined; // substitution variables: nothing is known
  if (ps.length === 1)
    return qs.length === 1 ? simpleImpliesSimple(ps[0]!, qs[0]!) : simpleImpliesOr(ps[0]!, qs);
  // Dpkg::Deps::OR::implies: only towards another OR, when each member implies some member of it.
  if (qs.length === 1) return undefined;
  return ps.every((m) => qs.some((o) => simpleImpliesSimple(m, o) === 1)) ? 1 : undefined;
}

/**
 * Dpkg::Deps::AND::simplify_deps with no known facts: drops every group implied by one kept before it, and when a
 * later group implies the current one, moves that later group here instead ("a | b, c, a" becomes "a, c").
 */
export function simplifyDeps(list: RelationList): RelationList {
  checkSize(list);
  const rest = [...list];
  const kept: RelationList = [];
  outer: while (rest.length > 0) {
    const dep = rest.shift()!;
    for (const k of kept) if (groupImplies(k, dep)) continue outer;
    for (let i = 0; i < rest.length; i++) {
      if (groupImplies(rest[i]!, dep)) {
        const [o] = rest.splice(i, 1);
        rest.unshift(o!);
        continue outer;
      }
    }
    kept.push(dep);
  }
  return kept;
}

/** Dpkg::Deps::Simple::merge_union: folds `o` into `self` (mutated) when one covers the other. */
function mergeUnion(self: PackageAtom, o: PackageAtom): boolean {
  if (self.name !== o.name || self.arches !== undefined || o.arches !== undefined) return false;
  if (o.constraint === undefined && self.constraint !== undefined) {
    delete self.constraint;
    return true;
  }
  const implication = simpleImpliesSimple(self, o);
  if (implication !== undefined) {
    if (!implication) return false;
    if (o.constraint === undefined) delete self.constraint;
    else self.constraint = { ...o.constraint };
    return true;
  }
  return simpleImpliesSimple(o, self) === 1;
}

const ORDER: Record<string, number> = { none: 0, '>=': 1, '>>': 2, '=': 3, '<<': 4, '<=': 5 };

/** Version order for sorting: Dpkg::Version overloads `cmp` with dpkg's comparison (text order if unparsable). */
function versionCmp(a: string, b: string): number {
  if (a === '' || b === '') return a === b ? 0 : a === '' ? -1 : 1;
  try {
    return compareVersions(a, b);
  } catch {
    return a < b ? -1 : a > b ? 1 : 0;
  }
}

/** Dpkg::Deps::deps_compare for simple atoms: name, then operator rank, then version. */
export function compareAtoms(a: PackageAtom, b: PackageAtom): number {
  const byte = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return (
    byte(a.name, b.name) ||
    ORDER[a.constraint?.op ?? 'none']! - ORDER[b.constraint?.op ?? 'none']! ||
    versionCmp(a.constraint?.version ?? '', b.constraint?.version ?? '')
  );
}

/**
 * Dpkg::Deps::deps_compare for groups of alternatives, item by item (a shorter group that is a prefix sorts first):
 * the order dpkg-shlibdeps and dpkg-gencontrol sort Depends in.
 */
export function compareGroups(a: readonly PackageAtom[], b: readonly PackageAtom[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? -1 : 1;
    const res = compareAtoms(x, y);
    if (res !== 0) return res;
  }
  return 0;
}

/**
 * Dpkg::Deps::Union::simplify_deps then sort, as dpkg-source applies to Build-Conflicts*: entries for the same
 * package merge into the looser one; the result is sorted. Groups must be single atoms (unions have no `|`).
 */
export function simplifyUnion(list: RelationList): RelationList {
  checkSize(list);
  const kept: PackageAtom[] = [];
  const others: RelationGroup[] = [];
  outer: for (const g of list) {
    const a = g.length === 1 && g[0]!.type === 'package' ? g[0] : undefined;
    if (a === undefined) {
      others.push(g);
      continue;
    }
    const copy: PackageAtom = { ...a, ...(a.constraint ? { constraint: { ...a.constraint } } : {}) };
    for (const k of kept) if (mergeUnion(k, copy)) continue outer;
    kept.push(copy);
  }
  return [...kept.sort(compareAtoms).map((a) => [a] as RelationGroup), ...others];
}

/** Dpkg::Control::FieldsCore's dependency type: union fields are sets of things to avoid or provide. */
export function relationFieldType(field: string): 'normal' | 'union' {
  return /^(depends|pre-depends|recommends|suggests|build-depends(-arch|-indep)?)$/i.test(field)
    ? 'normal'
    : 'union';
}

/** What dpkg-source / dpkg-gencontrol write for a field: simplify_deps, plus sort for union fields. */
export function simplifyLikeDpkg(list: RelationList, field: string): RelationList {
  return relationFieldType(field) === 'union' ? simplifyUnion(list) : simplifyDeps(list);
}
