/**
 * One accuracy measurement: for each application of a corpus, our resolver (a store holding the corpus' library
 * .debs, imported with the `--deb` importer) against dpkg-shlibdeps run from the corpus tree on the same ELF files,
 * and both against the package's real Depends. Shared by the bench, the corpus runner and the CI test.
 */
import { join } from 'node:path';
import { debImporter } from '../import/debs.ts';
import { resolveFiles } from '../resolve/index.ts';
import { batchOracle, gencontrolForm } from '../resolve/testing/oracle.ts';
import type { DepDbStore } from '../store/store.ts';
import { compareDepends, libraryDepends, withoutSelf, type DependsComparison } from './compare.ts';
import { explainReal } from './explain.ts';
import { packagesOf } from '../resolve/testing/oracle.ts';
import type { Corpus, CorpusApp } from './corpus.ts';

export const RELEASE = 'bookworm';

export interface AppMeasure {
  app: CorpusApp;
  /** Files given to both sides (those dpkg-shlibdeps refused are left out of both, and listed). */
  used: string[];
  refused: Array<{ file: string; error: string }>;
  /** dpkg-shlibdeps -O as printed, and with self-dependencies dropped (what is compared; see withoutSelf). */
  oracleRaw: string;
  oracle: string;
  ours: string;
  /** Ours vs dpkg-shlibdeps (its -O output, before dpkg-gencontrol's simplification). */
  vsOracle: DependsComparison;
  /** The library groups of the real Depends. */
  realLibrary: string;
  /** Ours (as dpkg-gencontrol would write it) and the oracle vs the real library Depends. */
  oursVsReal: DependsComparison;
  oracleVsReal: DependsComparison;
  /** Each difference between ours and the real Depends, with its likely cause. */
  realExplained: string[];
  /** Wall time of dpkg-shlibdeps, and of our resolve with a warm store (second call), in ms. */
  oracleMs: number;
  oursMs: number;
  /** Our unresolved sonames and unversioned (file-only) dependencies, for the explanations. */
  unresolved: string[];
  unversioned: string[];
}

/** Imports the corpus' library packages into `store` (release bookworm). Returns the number of packages. */
export async function importCorpus(store: DepDbStore, corpus: Corpus): Promise<number> {
  const r = await debImporter.run({ paths: corpus.libDebs }, { store, release: RELEASE });
  return r.reduce((n, x) => n + x.packages, 0);
}

async function ours(store: DepDbStore, app: CorpusApp, files: string[]) {
  if (files.length === 0) return undefined; // dpkg-shlibdeps refused every file: nothing to compare
  const abs = files.map((f) => join(app.root, f));
  const res = await resolveFiles(store, abs.length === app.files.length ? [app.root] : abs);
  return res.releases[RELEASE];
}

/** Measures one application. */
export async function measureApp(store: DepDbStore, corpus: Corpus, app: CorpusApp): Promise<AppMeasure> {
  const rel = app.files.map((f) => join('debian', app.name, f));
  const t0 = performance.now();
  const batch = await batchOracle(corpus.tree, rel);
  const oracleMs = performance.now() - t0;
  const prefix = join('debian', app.name) + '/';
  const used = batch.used.map((f) => f.slice(prefix.length));
  await ours(store, app, used); // cold: fills the parsed-symbols cache
  const t1 = performance.now();
  const verdict = await ours(store, app, used);
  const oursMs = performance.now() - t1;
  const oursDepends = verdict?.dpkgShlibdeps ?? '';
  const oracle = withoutSelf(batch.depends, app.name);
  // Library groups of the real Depends: those naming a package that ships a library, or one dpkg-shlibdeps named
  // (shlibs templates may name a metapackage or a virtual ABI package: libtag1v5, qtbase-abi-5-15-8).
  const oracleNames = packagesOf(batch.depends);
  const realLibrary = libraryDepends(app.depends, (p) => corpus.libraryPackages.has(p) || oracleNames.has(p));
  const oursVsReal = compareDepends(gencontrolForm(oursDepends), realLibrary);
  return {
    app,
    used,
    refused: batch.refused.map((r) => ({ file: r.file.slice(prefix.length), error: r.error })),
    oracleRaw: batch.depends,
    oracle,
    ours: oursDepends,
    vsOracle: compareDepends(oursDepends, oracle),
    realLibrary,
    oursVsReal,
    oracleVsReal: compareDepends(gencontrolForm(oracle), realLibrary),
    realExplained: explainReal(corpus, app, gencontrolForm(oursDepends), realLibrary),
    oracleMs,
    oursMs,
    unresolved: (verdict?.unresolved ?? []).map((u) => u.soname),
    unversioned: (verdict?.dependencies ?? []).filter((d) => d.unversioned).map((d) => d.package),
  };
}
