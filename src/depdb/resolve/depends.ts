/**
 * Building the Depends field the way dpkg-shlibdeps does, then as dpkg-gencontrol writes it.
 *
 * dpkg-shlibdeps keeps one entry per dependency *template* (`libc6 #MINVER#`, `libpng16-16 (>= 1.6.2-1)`), each
 * with the highest minimum version any binary needs through it (an empty version = unversioned). A template with
 * commas is split, and each part is its own entry. At the end each template becomes text: `#MINVER#` is replaced by
 * `(>= v)` when a valid version is known, else removed; blanks are collapsed; the list is sorted with Dpkg::Deps'
 * deps_compare (package name, then operator, then version, item by item through `|` groups).
 *
 * dpkg-gencontrol then simplifies the field (Dpkg::Deps simplify_deps, no re-sort): a group implied by another is dropped, so
 * `libfoo1 (>= 1.2), libfoo1 (>= 1.5)` (two templates of one package) becomes `libfoo1 (>= 1.5)`. `depends` is that
 * final field; `dpkgShlibdeps` is dpkg-shlibdeps' own -O output, kept for the oracle comparison.
 */
import { PkgmeError } from '../../errors.ts';
import { checkVersion } from '../../formats/version/parse.ts';
import {
  compareGroups,
  formatGroup,
  formatRelations,
  parseRelations,
  simplifyDeps,
  type PackageAtom,
  type RelationGroup,
  type RelationList,
} from '../../formats/relation/index.ts';
import { compareLax } from './symbols-object.ts';
import type { Reason } from './model.ts';

interface Entry {
  /** '' = unversioned. */
  version: string;
  reasons: Reason[];
  unversioned: boolean;
}

/** The dependencies of one (release, arch), keyed by template part, as dpkg-shlibdeps' %dependencies. */
export class DependencySet {
  readonly entries = new Map<string, Entry>();

  /** update_dependency_version: raise each part of `template` to at least `minver` ('' = no version). */
  raise(template: string, minver: string, reason: Reason | undefined): void {
    for (const part of template.split(/\s*,\s*/)) {
      if (part.trim() === '') continue;
      const e = this.entries.get(part);
      if (e) {
        if (e.version === '' || (minver !== '' && compareLax(minver, e.version) > 0)) e.version = minver;
        if (reason) e.reasons.push(reason);
      } else {
        this.entries.set(part, { version: minver, reasons: reason ? [reason] : [], unversioned: false });
      }
    }
  }

  /** add_shlibs_dep (and the Contents fallback): each part, unversioned; an existing entry keeps its version. */
  addFixed(template: string, reason: Reason, unversioned = false): void {
    for (const part of template.split(/,\s*/)) {
      if (part.trim() === '') continue;
      const e = this.entries.get(part);
      if (e) e.reasons.push(reason);
      else this.entries.set(part, { version: '', reasons: [reason], unversioned });
    }
  }
}

/**
 * dpkg-shlibdeps writes `(>= v)` only when `is_valid() and as_string()` — perl's truth, so the version "0" (a
 * common minver for symbols present since the first upload) gives an unversioned dependency, like ''.
 */
function validVersion(v: string): boolean {
  if (v === '' || v === '0') return false;
  const r = checkVersion(v);
  return !('problem' in r);
}

export interface FinalDepends {
  /** What dpkg-shlibdeps -O prints for shlibs:Depends. */
  dpkgShlibdeps: string;
  /** The field dpkg-gencontrol writes from it (implied groups dropped, order otherwise kept). */
  depends: string;
  groups: Array<{ group: RelationGroup; text: string; reasons: Reason[]; unversioned: boolean }>;
  /**
   * Templates that do not parse as a relation (a damaged symbols/shlibs file in the database). dpkg-shlibdeps stops
   * with "invalid dependency got generated"; we leave them out of `depends` and report them, so one bad package
   * does not hide the rest of the answer.
   */
  invalid: Array<{ text: string; reasons: Reason[]; error: string }>;
}

export function finalDepends(set: DependencySet): FinalDepends {
  const texts: Array<{ text: string; entry: Entry }> = [];
  for (const [template, e] of set.entries) {
    let t = validVersion(e.version)
      ? template.replace(/#MINVER#/g, `(>= ${e.version})`)
      : template.replace(/#MINVER#/g, '');
    t = t.replace(/\s+/g, ' ').trim();
    texts.push({ text: t, entry: e });
  }
  const invalid: FinalDepends['invalid'] = [];
  const parsed: Array<{ group: RelationGroup; entry: Entry }> = [];
  for (const { text, entry } of texts) {
    try {
      for (const group of parseRelations(text)) parsed.push({ group, entry });
    } catch (err) {
      if (!(err instanceof PkgmeError)) throw err;
      invalid.push({ text, reasons: entry.reasons, error: err.message });
    }
  }
  if (parsed.length === 0) return { dpkgShlibdeps: '', depends: '', groups: [], invalid };
  parsed.sort((x, y) => compareGroups(x.group as PackageAtom[], y.group as PackageAtom[]));
  const raw: RelationList = parsed.map((p) => p.group);
  const dpkgShlibdeps = formatRelations(raw);
  // dpkg-gencontrol simplifies a normal field and does not sort it again (only union fields are re-sorted).
  const simplified = simplifyDeps(raw);
  // Reasons of a dropped group go to the group that implies it (same package, stronger version).
  const groups = simplified.map((group) => ({
    group,
    text: formatGroup(group),
    reasons: [] as Reason[],
    unversioned: true,
  }));
  for (const p of parsed) {
    const first = p.group[0] as PackageAtom;
    const target =
      groups.find((g) => formatGroup(g.group) === formatGroup(p.group)) ??
      groups.find((g) => (g.group[0] as PackageAtom).name === first.name) ??
      groups[0]!;
    for (const r of p.entry.reasons) if (!target.reasons.includes(r)) target.reasons.push(r);
    if (!p.entry.unversioned) target.unversioned = false;
  }
  return { dpkgShlibdeps, depends: formatRelations(simplified), groups, invalid };
}
