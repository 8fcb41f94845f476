/**
 * The provider rule against Debian's own choices. dpkg-shlibdeps cannot be the oracle here (with two `debian/*`
 * trees shipping one soname it picks in Perl hash order), so the reference is each application's real Depends: for
 * a soname several packages ship, the candidate its real field names is the one Debian's build found. A store
 * holding every candidate (the corpus' libraries plus the alternates) must make the same choice.
 */
import { parseRelations } from '../../formats/relation/index.ts';
import { debImporter } from '../import/debs.ts';
import { resolveFiles } from '../resolve/index.ts';
import type { DepDbStore } from '../store/store.ts';
import type { Corpus } from './corpus.ts';
import { RELEASE } from './measure.ts';

export interface ProviderCase {
  app: string;
  soname: string;
  candidates: string[];
  /** The candidate the real Depends names first (undefined when it names none: no reference). */
  debian: string | undefined;
  /** The first package of our dependency group for the soname (what the Depends field names). */
  ours: string | undefined;
  /** The package the resolver took the soname's symbols/shlibs from (its template may name another package). */
  provider: string | undefined;
  /** The rule the resolver reported for its choice. */
  rule: string;
  /** The application's whole answer (dpkgShlibdeps) with every candidate in the store. */
  depends: string;
}

/** The first candidate named by the real Depends (group order, then alternative order). */
function debianChoice(depends: string, candidates: string[]): string | undefined {
  if (depends.trim() === '') return undefined;
  for (const g of parseRelations(depends))
    for (const a of g) if (a.type === 'package' && candidates.includes(a.name)) return a.name;
  return undefined;
}

/** Imports the corpus' libraries and the alternates into `store`, then checks every multi-provider soname. */
export async function measureProviders(store: DepDbStore, corpus: Corpus): Promise<ProviderCase[]> {
  await debImporter.run({ paths: [...corpus.libDebs, ...corpus.alternateDebs] }, { store, release: RELEASE });
  const multi = new Map(corpus.choices.map((c) => [c.soname, c.candidates]));
  const out: ProviderCase[] = [];
  for (const app of corpus.apps) {
    const sonames = app.needed.filter((s) => multi.has(s));
    if (sonames.length === 0) continue;
    const verdict = (await resolveFiles(store, [app.root])).releases[RELEASE];
    for (const soname of sonames) {
      const candidates = multi.get(soname)!;
      const dep = verdict?.dependencies.find((d) => d.reasons.some((r) => r.soname === soname));
      const reason = dep?.reasons.find((r) => r.soname === soname);
      const rule = reason?.notes?.find((n) => n.startsWith('also provided by')) ?? '';
      const first = dep ? parseRelations(dep.relation)[0]?.[0] : undefined;
      out.push({
        app: app.name,
        soname,
        candidates,
        debian: debianChoice(app.depends, candidates),
        ours: first?.type === 'package' ? first.name : undefined,
        provider: reason?.package,
        rule,
        depends: verdict?.dpkgShlibdeps ?? '',
      });
    }
  }
  return out;
}

/** For the report: `app soname: debian X, ours Y (rule)`. */
export function providerLine(c: ProviderCase): string {
  const verdict = c.debian === undefined ? 'no reference' : c.debian === c.ours ? 'same' : 'DIFFERENT';
  const via = c.provider !== c.ours ? ` via ${c.provider ?? '-'}'s template` : '';
  return `${c.app} ${c.soname} [${c.candidates.join(', ')}]: Debian ${c.debian ?? '-'}, ours ${c.ours ?? '-'}${via}: ${verdict}${c.rule ? ` (${c.rule})` : ''}`;
}
