/**
 * Why our answer differs from a package's real Depends. dpkg-shlibdeps computes the same answer as ours over the
 * same libraries, so these differences are mostly not resolver errors but facts of how Debian built the package:
 *  - `(= version)`: a strict relation the maintainer wrote (${binary:Version} on a library of the same source);
 *  - real minimum higher: raised at build time, by the library's `Build-Depends-Package` meta field (the symbols
 *    file says so; dpkg-shlibdeps then uses the build's -dev version) or by a hand-written minimum;
 *  - real minimum lower, or unversioned: the library's shlibs/symbols raised it after the application was built
 *    (a newer library upload, or a binNMU suffix such as +b1 / +ds1 in the symbols' minimum versions);
 *  - a dependency only in ours: the maintainer moved it to Recommends/Suggests (optional plugins), or excluded files;
 *  - a dependency only in the real field: hand-written.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRelations, formatGroup, type RelationGroup } from '../../formats/relation/index.ts';
import { compareVersions } from '../../formats/version/index.ts';
import type { Corpus, CorpusApp } from './corpus.ts';

function byFirst(depends: string): Map<string, RelationGroup> {
  const out = new Map<string, RelationGroup>();
  if (depends.trim() === '') return out;
  for (const g of parseRelations(depends)) {
    const a = g[0];
    if (a?.type === 'package' && !out.has(a.name)) out.set(a.name, g);
  }
  return out;
}

function minimum(g: RelationGroup): { op?: string; version?: string } {
  const a = g[0];
  if (a?.type !== 'package' || !a.constraint) return {};
  return { op: a.constraint.op, version: a.constraint.version };
}

/** True when a package of the corpus tree declares Build-Depends-Package in its symbols file. */
function hasBuildDependsPackage(corpus: Corpus, pkg: string): boolean {
  try {
    return /^\* Build-Depends-Package:/m.test(
      readFileSync(join(corpus.tree, 'debian', pkg, 'DEBIAN', 'symbols'), 'utf8'),
    );
  } catch {
    return false;
  }
}

/** One line per difference: `real → ours: cause`. */
export function explainReal(corpus: Corpus, app: CorpusApp, ours: string, real: string): string[] {
  const o = byFirst(ours);
  const r = byFirst(real);
  const weaker = new Set(
    [...byFirst(app.weaker).values()].flatMap((g) => g.map((a) => (a.type === 'package' ? a.name : ''))),
  );
  const out: string[] = [];
  for (const [pkg, rg] of r) {
    const og = o.get(pkg);
    const rs = formatGroup(rg);
    if (!og) {
      out.push(`${rs} → ∅: only in the real Depends (hand-written, or a library of files we did not see)`);
      continue;
    }
    const os = formatGroup(og);
    if (os === rs) continue;
    const rm = minimum(rg);
    const om = minimum(og);
    let cause: string;
    if (rm.op === '=') cause = 'strict (=) relation written by the maintainer';
    else if (rm.version === undefined)
      cause = 'unversioned in the real field: the library gained a symbols/shlibs minimum after the build';
    else if (om.version === undefined) cause = 'versioned in the real field, unversioned here';
    else if (compareVersions(rm.version, om.version) > 0)
      cause = hasBuildDependsPackage(corpus, pkg)
        ? 'raised at build time: the symbols file has Build-Depends-Package (the -dev version built against)'
        : 'raised at build time: a hand-written minimum or an older shlibs/symbols file with higher versions';
    else cause = 'the library raised its minimum after the application was built (newer symbols/shlibs)';
    out.push(`${rs} → ${os}: ${cause}`);
  }
  for (const [pkg, og] of o) {
    if (r.has(pkg)) continue;
    const where = weaker.has(pkg)
      ? 'the maintainer moved it to Recommends/Suggests (optional plugins)'
      : 'not in the real Depends';
    out.push(`∅ → ${formatGroup(og)}: ${where}`);
  }
  return out;
}
