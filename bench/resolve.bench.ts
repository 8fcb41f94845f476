/**
 * Resolver bench: Depends for ELF files of /usr/bin, computed by our resolver against a warm store (PGlite filled by
 * the local importer, behind the resolver's CachingReader, one resolve of the same files already done) and by dpkg-shlibdeps over the same files, side by side.
 *  - batch: the files dpkg-shlibdeps accepts (those whose libraries all have symbols/shlibs), spread across
 *    packages, in one dpkg-shlibdeps invocation vs one resolveFiles call;
 *  - per file: one invocation per file (what a packaging tool does per binary) vs one resolveFiles call per file.
 * Both answers are checked equal before the time counts. Medians of interleaved rounds. Goal: at least 50x faster.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../src/db/index.ts';
import { localImporter } from '../src/depdb/import/local-dpkg.ts';
import { CachingReader, resolveFiles } from '../src/depdb/resolve/index.ts';
import { localReader } from '../src/depdb/resolve/testing/memory-reader.ts';
import { elfFilesIn, runDpkgShlibdeps, scratchTree } from '../src/depdb/resolve/testing/oracle.ts';
import { DepDbStore } from '../src/depdb/store/store.ts';
import { fmtMs, median, record, timeIt } from './lib.ts';

const ROUNDS = 3;
const BATCH = 120;
const SINGLE = 10;

export default async function (): Promise<void> {
  const work = join(import.meta.dirname, '.work');
  mkdirSync(work, { recursive: true });
  const tmp = mkdtempSync(join(work, 'resolve-'));
  const cwd = scratchTree(join(tmp, 'tree'));
  const o = await openDatabase(join(tmp, 'db'));
  try {
    const store = new CachingReader(new DepDbStore(o.db));
    await localImporter.run({}, { store: store.inner as DepDbStore });
    const all = elfFilesIn('/usr/bin');
    // dpkg-shlibdeps refuses binaries needing a library without symbols/shlibs (private ones): keep the others.
    const accepted: string[] = [];
    const memory = localReader();
    for (const f of all) {
      const v = Object.values((await resolveFiles(memory, [f])).releases)[0]!;
      const refused =
        v.unresolved.length > 0 || v.dependencies.some((d) => d.reasons.some((r) => r.source === 'contents'));
      if (!refused) accepted.push(f);
    }
    const step = Math.max(1, Math.floor(accepted.length / BATCH));
    const batch = accepted.filter((_, i) => i % step === 0).slice(0, BATCH);
    await resolveFiles(store, batch); // warm: the symbols sections of these libraries are parsed and cached
    const single = batch.filter((_, i) => i % Math.floor(batch.length / SINGLE) === 0).slice(0, SINGLE);

    const oursBatch: number[] = [];
    const refBatch: number[] = [];
    const oursSingle: number[] = [];
    const coldSingle: number[] = [];
    const refSingle: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      let ours = '';
      oursBatch.push(
        await timeIt(async () => {
          ours = Object.values((await resolveFiles(store, batch)).releases)[0]!.dpkgShlibdeps;
        }),
      );
      let ref = '';
      refBatch.push(
        await timeIt(async () => {
          const res = await runDpkgShlibdeps(cwd, batch);
          if (!res.ok) throw new Error(`dpkg-shlibdeps failed: ${res.stderr}`);
          ref = res.depends;
        }),
      );
      if (ours !== ref) throw new Error(`answers differ:\n  dpkg: ${ref}\n  ours: ${ours}`);
      oursSingle.push(
        await timeIt(async () => {
          for (const f of single) await resolveFiles(store, [f]);
        }),
      );
      coldSingle.push(
        await timeIt(async () => {
          for (const f of single) await resolveFiles(store.inner, [f]);
        }),
      );
      refSingle.push(
        await timeIt(async () => {
          for (const f of single) await runDpkgShlibdeps(cwd, [f]);
        }),
      );
    }
    const ob = median(oursBatch);
    const rb = median(refBatch);
    const os = median(oursSingle) / single.length;
    const rs = median(refSingle) / single.length;
    const cs = median(coldSingle) / single.length;
    console.log(`  ${all.length} ELF files in /usr/bin, ${accepted.length} accepted by dpkg-shlibdeps`);
    record({
      bench: `resolve: ${batch.length} /usr/bin files, one batch`,
      ours: fmtMs(ob),
      reference: `dpkg-shlibdeps ${fmtMs(rb)}`,
      ratio: `${(rb / ob).toFixed(1)}x faster`,
      goal: '>= 50x',
      met: rb / ob >= 50,
    });
    record({
      bench: `resolve: one file at a time (${single.length} files)`,
      ours: `${fmtMs(os)}/file`,
      reference: `dpkg-shlibdeps ${fmtMs(rs)}/file`,
      ratio: `${(rs / os).toFixed(1)}x faster`,
      goal: '>= 50x',
      met: rs / os >= 50,
    });
    record({
      bench: `resolve: one file at a time, store without the cache`,
      ours: `${fmtMs(cs)}/file`,
      reference: `dpkg-shlibdeps ${fmtMs(rs)}/file`,
      ratio: `${(rs / cs).toFixed(1)}x faster`,
      goal: 'informative (every lookup is a store query)',
    });
  } finally {
    await o.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}
