/**
 * The Depends re-check of a re-packaged .deb: its own Depends (and Pre-Depends) against what the resolver derives
 * from its ELF files for the target release, with dpkg-shlibdeps' rules (src/depdb/resolve).
 *
 * Findings, each with the fix:
 *  - missing: a library package the resolver requires that the .deb does not name (DEPENDS_MISSING);
 *  - too low: named, but with a lower (or no) minimum version than the symbols the files import need
 *    (DEPENDS_TOO_LOW);
 *  - unneeded: a library relation no ELF file needs (DEPENDS_UNNEEDED; often a library of an older release, or one
 *    the program loads with dlopen()).
 *
 * Merge rule for the final Depends: the resolver's Depends for the release, then the .deb's non-library relations
 * (python3, debconf, fonts-…, default-jre: what the developer knew and a resolver cannot), in the .deb's order, then
 * simplified as dpkg-gencontrol does (an implied group goes). Library relations of the .deb are never copied: the
 * resolver's are right for the target release, and an old .deb's libssl1.1 would make it uninstallable on bookworm.
 */
import {
  formatGroup,
  formatRelations,
  parseRelations,
  simplifyLikeDpkg,
  type PackageAtom,
  type RelationList,
} from '../formats/relation/index.ts';
import { compareVersions } from '../formats/version/index.ts';
import type { ReleaseVerdict } from '../depdb/resolve/index.ts';
import { isLibraryGroup } from './deb-control.ts';
import type { Problem } from './types.ts';

export interface DependsCheck {
  release: string;
  /** The .deb's Depends and Pre-Depends as written. */
  original: string;
  /** The resolver's Depends for the release. */
  resolver: string;
  missing: Array<{ package: string; relation: string; neededBy: string[] }>;
  tooLow: Array<{ package: string; original: string; relation: string; neededBy: string[] }>;
  /** Library relations of the .deb that no ELF file needs. */
  unneeded: string[];
  /** Resolver packages the .deb names with an equal or higher minimum. */
  agreed: string[];
  /**
   * Of those, the ones the .deb pins higher than its files need (a hand-written `= version` pin on a library of the
   * same source, a raised minimum): not kept, since the pin names one build of one release; listed for the reviewer.
   */
  stricter: Array<{ package: string; original: string; relation: string }>;
  /** The .deb's non-library relations, kept. */
  kept: string;
  /** The merged Depends (see the merge rule above). */
  final: string;
}

function parseOrEmpty(text: string | undefined): RelationList {
  if (text === undefined || text.trim() === '') return [];
  try {
    return parseRelations(text);
  } catch {
    return [];
  }
}

function atoms(list: RelationList): PackageAtom[] {
  return list.flat().filter((a): a is PackageAtom => a.type === 'package');
}

const formatAtoms = (xs: PackageAtom[]) => xs.map((a) => formatGroup([a])).join(' | ');

/** The lowest version an atom guarantees (`>= v`, `>> v`, `= v`), or null when it says nothing about the minimum. */
function minimum(a: PackageAtom): string | null {
  const c = a.constraint;
  return c && (c.op === '>=' || c.op === '>>' || c.op === '=') ? c.version : null;
}

function lower(a: string | null, b: string): boolean {
  if (a === null) return true;
  try {
    return compareVersions(a, b) < 0;
  } catch {
    return true;
  }
}

/** Compares the .deb's relations with the resolver's verdict for `release`. */
export function checkDebDepends(
  control: { depends?: string; preDepends?: string },
  verdict: ReleaseVerdict,
  release: string,
): { check: DependsCheck; problems: Problem[] } {
  const dependsList = parseOrEmpty(control.depends);
  const originalList = [...parseOrEmpty(control.preDepends), ...dependsList];
  const declared = atoms(originalList);
  const resolverList = parseOrEmpty(verdict.depends);
  const libraries = new Set(atoms(resolverList).map((a) => a.name));
  const check: DependsCheck = {
    release,
    original: formatRelations(originalList),
    resolver: verdict.depends,
    missing: [],
    tooLow: [],
    unneeded: [],
    agreed: [],
    stricter: [],
    kept: '',
    final: '',
  };
  for (const d of verdict.dependencies) {
    const group = parseOrEmpty(d.relation)[0] ?? [];
    const names = new Set(atoms([group]).map((a) => a.name));
    const neededBy = [...new Set(d.reasons.map((r) => r.binary))];
    const mine = declared.filter((a) => names.has(a.name));
    if (mine.length === 0) {
      check.missing.push({ package: d.package, relation: d.relation, neededBy });
      continue;
    }
    const want = atoms([group]).find((a) => a.name === d.package);
    const need = want ? minimum(want) : null;
    const have = mine
      .map(minimum)
      .reduce<string | null>(
        (best, v) => (v !== null && (best === null || !lower(v, best)) ? v : best),
        null,
      );
    if (need !== null && lower(have, need))
      check.tooLow.push({
        package: d.package,
        original: formatAtoms(mine),
        relation: d.relation,
        neededBy,
      });
    else {
      check.agreed.push(d.package);
      if (have !== null && (need === null || lower(need, have)))
        check.stricter.push({ package: d.package, original: formatAtoms(mine), relation: d.relation });
    }
  }
  const kept: RelationList = [];
  for (const g of originalList) {
    // Pre-Depends' non-library relations stay in Pre-Depends (the preDepends field), not in Depends.
    if (!isLibraryGroup(g, libraries)) {
      if (dependsList.includes(g)) kept.push(g);
    } else if (!g.some((a) => a.type === 'package' && libraries.has(a.name)))
      check.unneeded.push(formatGroup(g));
  }
  check.kept = formatRelations(kept);
  check.final = formatRelations(simplifyLikeDpkg([...resolverList, ...kept], 'Depends'));
  return { check, problems: dependsProblems(check) };
}

function dependsProblems(c: DependsCheck): Problem[] {
  const out: Problem[] = [];
  const list = (xs: string[]) =>
    xs.slice(0, 5).join(', ') + (xs.length > 5 ? ` and ${xs.length - 5} more` : '');
  if (c.missing.length)
    out.push({
      severity: 'warning',
      code: 'DEPENDS_MISSING',
      message: `the .deb’s Depends lack ${list(c.missing.map((m) => `${m.relation} (needed by ${m.neededBy[0]})`))} for ${c.release}`,
      hint: 'pkgme adds them (the resolver’s Depends replace the .deb’s library relations); fix the .deb’s own build too.',
    });
  if (c.tooLow.length)
    out.push({
      severity: 'warning',
      code: 'DEPENDS_TOO_LOW',
      message: `the .deb’s Depends are lower than its files need on ${c.release}: ${list(c.tooLow.map((t) => `${t.original} < ${t.relation}`))}`,
      hint: 'pkgme uses the resolver’s minimum versions (from the libraries’ symbols files); the .deb as uploaded could be installed with libraries too old for it.',
    });
  if (c.unneeded.length)
    out.push({
      severity: 'warning',
      code: 'DEPENDS_UNNEEDED',
      message: `no ELF file of the .deb needs ${list(c.unneeded)}; dropped from Depends`,
      hint: 'If the application loads it at run time with dlopen(), add it back with --set depends="…" (the whole field).',
    });
  return out;
}
