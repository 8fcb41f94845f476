/**
 * Accuracy and speed against real Debian packages (issue 3): the whole corpus of bench/corpus/packages.txt, our
 * resolver (warm PGlite store holding the corpus' library .debs) against dpkg-shlibdeps run on the same ELF files
 * from the corpus tree, per application, side by side. Prints the per-package table (bench/corpus/run.ts) and
 * records: exact agreement with dpkg-shlibdeps (goal 99.5 %), package recall (goal 100 %), precision, agreement
 * with the real Depends (no goal: it differs for known reasons, docs/accuracy.md), and resolve speed (goal 50×).
 * The first run downloads the corpus (cached under .cache/accuracy).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { record } from './lib.ts';
import { report, runCorpus } from './corpus/run.ts';

function pct(n: number, d: number): number {
  return d === 0 ? 100 : (100 * n) / d;
}

export default async function (): Promise<void> {
  const run = await runCorpus();
  const lines = report(run);
  console.log(lines.map((l) => `  ${l}`).join('\n'));
  writeFileSync(join(import.meta.dirname, '.work', 'accuracy.txt'), lines.join('\n') + '\n');
  const t = run.vsOracle;
  const files = run.results.reduce((n, r) => n + r.used.length, 0);
  const exact = pct(t.exactGroups, t.referenceGroups);
  record({
    bench: `accuracy: ${run.results.length} packages, ${files} ELF files, exact dependencies vs dpkg-shlibdeps`,
    ours: `${t.exactGroups}/${t.referenceGroups}`,
    reference: 'dpkg-shlibdeps -O',
    ratio: `${exact.toFixed(2)} % (${t.identicalPackages}/${t.packages} packages identical)`,
    goal: '>= 99.5 %',
    met: exact >= 99.5,
  });
  const recall = pct(t.tp, t.tp + t.fn);
  record({
    bench: 'accuracy: package recall / precision vs dpkg-shlibdeps',
    ours: `${t.tp} common, ${t.fn} missing, ${t.fp} extra`,
    reference: 'dpkg-shlibdeps -O',
    ratio: `recall ${recall.toFixed(2)} %, precision ${pct(t.tp, t.tp + t.fp).toFixed(2)} %`,
    goal: 'recall 100 %',
    met: t.fn === 0,
  });
  const real = run.oursVsReal;
  const oracleReal = run.oracleVsReal;
  record({
    bench: 'accuracy: exact library dependencies vs the real Depends',
    ours: `${real.exactGroups}/${real.referenceGroups}`,
    reference: `dpkg-shlibdeps ${oracleReal.exactGroups}/${oracleReal.referenceGroups}`,
    ratio: `${pct(real.exactGroups, real.referenceGroups).toFixed(2)} % vs ${pct(oracleReal.exactGroups, oracleReal.referenceGroups).toFixed(2)} %`,
    goal: 'report (no goal)',
  });
  const withRef = run.providers.filter((c) => c.debian !== undefined);
  const same = withRef.filter((c) => c.debian === c.ours).length;
  record({
    bench: `provider rule: ${withRef.length} (package, soname) with several providers, all in the store`,
    ours: `${same}/${withRef.length} as Debian chose`,
    reference: 'real Depends',
    ratio: `${pct(same, withRef.length).toFixed(1)} %`,
    goal: 'report (no goal)',
  });
  const oMs = run.results.reduce((n, r) => n + r.oracleMs, 0);
  const uMs = run.results.reduce((n, r) => n + r.oursMs, 0);
  record({
    bench: `resolve speed: ${run.results.length} packages, one call per package`,
    ours: `${(uMs / 1000).toFixed(2)} s (warm store)`,
    reference: `dpkg-shlibdeps ${(oMs / 1000).toFixed(1)} s`,
    ratio: `${(oMs / uMs).toFixed(1)}x faster`,
    goal: '>= 50x',
    met: oMs / uMs >= 50,
  });
}
