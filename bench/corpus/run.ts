/**
 * The accuracy corpus runner: builds the corpus of bench/corpus/packages.txt (downloads cached), imports its library
 * packages into a fresh PGlite store, and measures every application against dpkg-shlibdeps and its real Depends.
 * Prints one table row per package, the totals, and every difference; writes the whole result as JSON to
 * bench/.work/accuracy.json.
 *
 *   node --import tsx bench/corpus/run.ts [PACKAGE…]     (default: the whole list)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../src/db/index.ts';
import { addTo, compareDepends, emptyTotals, ratio, type Totals } from '../../src/depdb/accuracy/compare.ts';
import { buildCorpus, readCorpusList, type Corpus } from '../../src/depdb/accuracy/corpus.ts';
import { importCorpus, measureApp, type AppMeasure } from '../../src/depdb/accuracy/measure.ts';
import { measureProviders, providerLine, type ProviderCase } from '../../src/depdb/accuracy/providers.ts';
import { DepDbStore } from '../../src/depdb/store/store.ts';
import { bookwormContents } from '../../src/formats/contents/contents.fixture.ts';

export const LIST = join(import.meta.dirname, 'packages.txt');

export interface CorpusRun {
  corpus: Corpus;
  libraryPackages: number;
  importSeconds: number;
  results: AppMeasure[];
  vsOracle: Totals;
  oursVsReal: Totals;
  oracleVsReal: Totals;
  /** The provider rule with every candidate of a multi-provider soname in the store, vs the real Depends. */
  providers: ProviderCase[];
}

/** Builds the corpus and measures every application of `names`. */
export async function runCorpus(names: string[] = readCorpusList(LIST)): Promise<CorpusRun> {
  const corpus = await buildCorpus(names, bookwormContents());
  const work = join(import.meta.dirname, '..', '.work');
  mkdirSync(work, { recursive: true });
  const tmp = mkdtempSync(join(work, 'accuracy-'));
  const o = await openDatabase(join(tmp, 'db'));
  try {
    const store = new DepDbStore(o.db);
    const t0 = performance.now();
    const libraryPackages = await importCorpus(store, corpus);
    const importSeconds = (performance.now() - t0) / 1000;
    const results: AppMeasure[] = [];
    for (const app of corpus.apps) results.push(await measureApp(store, corpus, app));
    const vsOracle = emptyTotals();
    const oursVsReal = emptyTotals();
    const oracleVsReal = emptyTotals();
    for (const r of results) {
      addTo(vsOracle, r.vsOracle);
      addTo(oursVsReal, r.oursVsReal);
      addTo(oracleVsReal, r.oracleVsReal);
    }
    const o2 = await openDatabase(join(tmp, 'db-alternates'));
    let providers: ProviderCase[];
    try {
      providers = await measureProviders(new DepDbStore(o2.db), corpus);
    } finally {
      await o2.close();
    }
    return { corpus, libraryPackages, importSeconds, results, vsOracle, oursVsReal, oracleVsReal, providers };
  } finally {
    await o.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

function pr(t: Totals): string {
  return `precision ${ratio(t.tp, t.tp + t.fp)}, recall ${ratio(t.tp, t.tp + t.fn)}`;
}

/** The report as text lines (table, totals, differences). */
export function report(run: CorpusRun): string[] {
  const out: string[] = [];
  const { corpus, results } = run;
  out.push(
    `corpus: ${corpus.apps.length} applications, ${results.reduce((n, r) => n + r.used.length, 0)} ELF files; ` +
      `${run.libraryPackages} library packages imported in ${run.importSeconds.toFixed(1)} s`,
  );
  out.push('');
  out.push(
    '| package | ELF | refused | deps (dpkg) | exact | P | R | same as dpkg | real lib groups | names in both | same constraint | dpkg same |',
  );
  out.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const c = r.vsOracle;
    const p = c.common.length + c.extra.length;
    const q = c.common.length + c.missing.length;
    out.push(
      `| ${r.app.name} | ${r.used.length} | ${r.refused.length} | ${c.referenceGroups} | ${c.exactGroups} | ` +
        `${p ? (c.common.length / p).toFixed(3) : '—'} | ${q ? (c.common.length / q).toFixed(3) : '—'} | ` +
        `${c.identical ? 'yes' : 'NO'} | ${r.oursVsReal.referenceGroups} | ${r.oursVsReal.common.length} | ` +
        `${r.oursVsReal.exactGroups} | ${r.oracleVsReal.exactGroups} |`,
    );
  }
  const t = run.vsOracle;
  out.push('');
  out.push(`vs dpkg-shlibdeps: package ${pr(t)}`);
  out.push(
    `  exact dependencies ${ratio(t.exactGroups, t.referenceGroups)}; exact packages ${ratio(t.identicalPackages, t.packages)}`,
  );
  out.push(
    `vs real Depends (library groups): ours ${pr(run.oursVsReal)}, exact ${ratio(run.oursVsReal.exactGroups, run.oursVsReal.referenceGroups)}`,
  );
  out.push(
    `  dpkg-shlibdeps: ${pr(run.oracleVsReal)}, exact ${ratio(run.oracleVsReal.exactGroups, run.oracleVsReal.referenceGroups)}`,
  );
  const oMs = results.reduce((n, r) => n + r.oracleMs, 0);
  const uMs = results.reduce((n, r) => n + r.oursMs, 0);
  out.push(
    `time: dpkg-shlibdeps ${(oMs / 1000).toFixed(1)} s, ours (warm) ${(uMs / 1000).toFixed(2)} s: ${(oMs / uMs).toFixed(1)}x`,
  );
  out.push('');
  out.push('self-dependencies dropped from dpkg-shlibdeps output (as dpkg-gencontrol does):');
  for (const r of results)
    if (r.oracle !== r.oracleRaw)
      out.push(`  ${r.app.name}: ${compareDepends(r.oracle, r.oracleRaw).differences.join('; ')}`);
  out.push('differences from dpkg-shlibdeps (dpkg → ours):');
  for (const r of results) for (const d of r.vsOracle.differences) out.push(`  ${r.app.name}: ${d}`);
  out.push('refused by dpkg-shlibdeps (left out of both sides):');
  for (const r of results) for (const f of r.refused) out.push(`  ${r.app.name}: ${f.file}: ${f.error}`);
  out.push('ours unresolved / unversioned:');
  for (const r of results)
    if (r.unresolved.length || r.unversioned.length)
      out.push(
        `  ${r.app.name}: unresolved ${r.unresolved.join(' ') || '-'}; unversioned ${r.unversioned.join(' ') || '-'}`,
      );
  out.push('sonames with several providers in the release (the one put in the universe):');
  for (const c of corpus.choices) out.push(`  ${c.soname}: ${c.candidates.join(', ')} → ${c.chosen}`);
  out.push(
    `provider rule, every candidate in the store, vs the real Depends: ` +
      `${run.providers.filter((c) => c.debian !== undefined && c.debian === c.ours).length} same of ` +
      `${run.providers.filter((c) => c.debian !== undefined).length} with a reference`,
  );
  const single = new Map(results.map((r) => [r.app.name, r.ours]));
  const changed = [
    ...new Set(run.providers.filter((c) => c.depends !== single.get(c.app)).map((c) => c.app)),
  ];
  out.push(
    `  applications whose whole Depends changed when every candidate is in the store: ${changed.join(' ') || 'none'}`,
  );
  for (const c of run.providers) out.push(`  ${providerLine(c)}`);
  out.push(`sonames no package ships in a library directory: ${corpus.unknown.join(' ') || '-'}`);
  out.push('differences from the real Depends (real → ours as dpkg-gencontrol writes it):');
  for (const r of results) for (const d of r.realExplained) out.push(`  ${r.app.name}: ${d}`);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = process.argv.slice(2);
  const run = await runCorpus(names.length ? names : undefined);
  const lines = report(run);
  console.log(lines.join('\n'));
  const work = join(import.meta.dirname, '..', '.work');
  writeFileSync(
    join(work, 'accuracy.json'),
    JSON.stringify(
      run.results.map((r) => ({ ...r, app: { ...r.app, files: r.app.files.length } })),
      null,
      1,
    ),
  );
  writeFileSync(join(work, 'accuracy.txt'), lines.join('\n') + '\n');
}
