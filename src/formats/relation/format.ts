/**
 * Canonical text of a relation field, as dpkg's Dpkg::Deps writes it: `name[:arch] (op version) [arches] <profile>
 * <profile>`, alternatives joined by ` | `, groups by `, `. Writing one line keeps fields diff-able; a caller that
 * wants folded lines can split on `, `.
 */
import type { RelationAtom, RelationGroup, RelationList } from './model.ts';

export function formatAtom(a: RelationAtom): string {
  if (a.type === 'substvar') return `\${${a.name}}`;
  let s = a.name;
  if (a.archQualifier !== undefined) s += `:${a.archQualifier}`;
  if (a.constraint !== undefined) s += ` (${a.constraint.op} ${a.constraint.version})`;
  if (a.arches !== undefined) s += ` [${a.arches.join(' ')}]`;
  for (const group of a.profiles ?? []) s += ` <${group.join(' ')}>`;
  return s;
}

export function formatGroup(g: RelationGroup): string {
  return g.map(formatAtom).join(' | ');
}

export function formatRelations(list: RelationList): string {
  return list.map(formatGroup).join(', ');
}
