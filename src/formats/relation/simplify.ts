/**
 * Merging dependency lists the way dpkg-shlibdeps' output looks: one entry per library package carrying the
 * strongest minimum version, sorted. Deliberately simpler than Dpkg::Deps' full implication logic (which also
 * reasons about upper bounds, alternatives, arch lists and profiles): the resolver produces `name (>= v)` atoms,
 * and only those need merging.
 *
 * Rules, applied to groups that are a single plain atom (one alternative, no arch list, no profiles, no substvar):
 *  1. Same name and arch qualifier: the lower bounds (`>=`, `>>`) merge into the highest one (`>> v` beats `>= v`);
 *     an unversioned entry is implied by any versioned one and disappears.
 *  2. Other constraints (`<<`, `<=`, `=`) are kept as they are.
 * Every other group is kept untouched. Then exact duplicates (same text) are dropped and the list is sorted by
 * package name, then text; substitution variables go last, in their original order.
 */
import { compareVersions } from '../version/compare.ts';
import { formatGroup } from './format.ts';
import type { PackageAtom, RelationGroup, RelationList } from './model.ts';

function isPlain(g: RelationGroup): g is [PackageAtom] {
  const a = g[0];
  return g.length === 1 && a?.type === 'package' && a.arches === undefined && a.profiles === undefined;
}

/** True when lower bound `a` is stronger than `b` (both ops are >= or >>). */
function stronger(a: { op: string; version: string }, b: { op: string; version: string }): boolean {
  const c = compareVersions(a.version, b.version);
  return c > 0 || (c === 0 && a.op === '>>' && b.op === '>=');
}

export function simplifyRelations(list: RelationList): RelationList {
  const lower = new Map<string, PackageAtom>();
  const plainSeen = new Set<string>();
  const rest: RelationGroup[] = [];
  const substvars: RelationGroup[] = [];
  for (const g of list) {
    if (g.length === 1 && g[0]!.type === 'substvar') {
      substvars.push(g);
      continue;
    }
    if (!isPlain(g)) {
      rest.push(g);
      continue;
    }
    const a = g[0];
    const key = `${a.name}:${a.archQualifier ?? ''}`;
    plainSeen.add(key);
    const op = a.constraint?.op;
    if (op === '>=' || op === '>>') {
      const prev = lower.get(key);
      const hasVar = a.constraint!.version.includes('${');
      if (
        prev === undefined ||
        (!hasVar && !prev.constraint!.version.includes('${') && stronger(a.constraint!, prev.constraint!))
      ) {
        lower.set(key, a);
      } else if (hasVar) {
        rest.push(g); // a substituted version cannot be compared: keep it alongside
      }
    } else if (op !== undefined) {
      rest.push(g);
    }
  }
  const out: RelationGroup[] = [...[...lower.values()].map((a) => [a]), ...rest];
  // Unversioned plain entries survive only if nothing versioned names the same package.
  const versioned = new Set(
    out.flatMap((g) => (isPlain(g) ? [`${g[0].name}:${g[0].archQualifier ?? ''}`] : [])),
  );
  for (const g of list) {
    if (!isPlain(g) || g[0].constraint !== undefined) continue;
    const key = `${g[0].name}:${g[0].archQualifier ?? ''}`;
    if (!versioned.has(key) && plainSeen.has(key)) out.push(g);
  }
  const seen = new Set<string>();
  const unique = out.filter((g) => {
    const text = formatGroup(g);
    if (seen.has(text)) return false;
    seen.add(text);
    return true;
  });
  const firstName = (g: RelationGroup) => {
    const a = g[0]!;
    return a.type === 'package' ? a.name : '';
  };
  unique.sort((x, y) => {
    const nx = firstName(x);
    const ny = firstName(y);
    if (nx !== ny) return nx < ny ? -1 : 1;
    const tx = formatGroup(x);
    const ty = formatGroup(y);
    return tx < ty ? -1 : tx > ty ? 1 : 0;
  });
  return [...unique, ...substvars];
}
