/**
 * Import bench: the library packages of the machine's release (bookworm main amd64 here, about 5,600 packages)
 * from the mirror in the machine's apt sources, control members only (HTTP Range). Reported: wall time, and bytes
 * fetched against the sum of the .deb sizes (what downloading the packages would cost).
 *
 * Side by side, the reference: `apt-get download` + `dpkg-deb -e` of a random sample of the same packages (the way
 * one gets shlibs/symbols without this importer), timed and extrapolated to the whole set — labelled as such.
 *
 * PKGME_BENCH_APT_LIMIT=N imports only the first N library packages (by name) and extrapolates, also labelled.
 * A second import writes into a PGlite store (what `pkgme depdb import --source` does), for the end-to-end time
 * and the store's size. The Packages/Contents indices are cached in bench/.work/apt-import between runs (like apt's lists); the first
 * run's index download is reported separately.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { importApt } from '../src/depdb/import/apt/driver.ts';
import { HttpClient } from '../src/depdb/import/apt/http.ts';
import { loadKeys } from '../src/depdb/import/apt/keyring.ts';
import { MemorySink } from '../src/depdb/import/apt/sink.ts';
import { readSystemSources } from '../src/depdb/import/apt/sources.ts';
import { openStore } from '../src/depdb/store/open.ts';
import { StoreSink } from '../src/depdb/store/sink.ts';
import { record } from './lib.ts';

const WORK = join(import.meta.dirname, '.work', 'apt-import');
const SAMPLE = 40;

function codename(): string {
  return /^VERSION_CODENAME=(.*)$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'bookworm';
}

function mb(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}

/** The reference on a sample: apt-get download + dpkg-deb -e; returns seconds and bytes for the sample. */
function reference(names: string[]): { seconds: number; bytes: number } {
  const dir = join(WORK, 'reference');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  execFileSync('apt-get', ['download', ...names], { cwd: dir, stdio: 'ignore' });
  let bytes = 0;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.deb'))) {
    bytes += statSync(join(dir, f)).size;
    execFileSync('dpkg-deb', ['-e', join(dir, f), join(dir, `${f}.control`)]);
  }
  const seconds = (performance.now() - t0) / 1000;
  rmSync(dir, { recursive: true, force: true });
  return { seconds, bytes };
}

export default async function (): Promise<void> {
  const suite = codename();
  const source = readSystemSources().find((s) => s.suite === suite);
  if (!source) throw new Error(`no apt source for ${suite} in /etc/apt`);
  const main = { ...source, components: ['main'] };
  mkdirSync(WORK, { recursive: true });
  // Every run fetches every control member again: drop the journal, keep the index cache.
  rmSync(join(WORK, 'journal'), { recursive: true, force: true });
  const limit = Number(process.env.PKGME_BENCH_APT_LIMIT ?? '') || undefined;

  const http = new HttpClient();
  const sink = new MemorySink();
  const t0 = performance.now();
  const r = await importApt({
    source: main,
    arch: 'amd64',
    keys: await loadKeys(source.signedBy),
    sink,
    http,
    stateDir: WORK,
    concurrency: Number(process.env.PKGME_BENCH_APT_CONCURRENCY ?? '') || 16,
    progress: 'auto',
    ...(limit ? { limit } : {}),
  });
  const wall = (performance.now() - t0) / 1000;
  const records = [...sink.releases.values()][0]?.packages ?? new Map();
  const controlBytes = r.bytesFetched - r.indexBytes;
  const selectedNames = [...records.keys()].sort();
  console.log(
    `  ${r.key.release} main amd64: ${r.selected} library packages${limit ? ` (limited to ${limit})` : ''}, ` +
      `${r.failed.length} failed, ${r.fullDownloads} full downloads; ${mb(controlBytes)} of control-member ranges ` +
      `+ ${mb(r.indexBytes)} of InRelease/indices (cached indices count 0) for ${mb(r.debBytes)} of .debs; ${wall.toFixed(1)} s`,
  );
  if (r.failed.length > 0) console.log(`  failed: ${JSON.stringify(r.failed.slice(0, 5))}`);

  // The reference, on a random sample of the selected packages (deterministic: every k-th name).
  const step = Math.max(1, Math.floor(selectedNames.length / SAMPLE));
  const sample = selectedNames.filter((_, i) => i % step === 0).slice(0, SAMPLE);
  const ref = reference(sample);
  const refPerByte = ref.seconds / ref.bytes;
  const refFull = refPerByte * r.debBytes;
  const scale = limit ? ` (measured on ${r.selected}; full release ≈ 5,600)` : '';

  const ratioBytes = r.bytesFetched / r.debBytes;
  record({
    bench: `apt import ${r.key.release} main amd64: bytes${scale}`,
    ours: `${mb(r.bytesFetched)} (${mb(controlBytes)} control members, ${mb(r.indexBytes)} indices)`,
    reference: `.deb sizes ${mb(r.debBytes)}`,
    ratio: `${(ratioBytes * 100).toFixed(2)} % of the .deb bytes`,
    goal: '< 10 % of the bytes',
    met: ratioBytes < 0.1,
  });
  record({
    bench: `apt import ${r.key.release} main amd64: wall time${scale}`,
    ours: `${wall.toFixed(1)} s for ${r.selected} packages`,
    reference: `apt-get download + dpkg-deb -e: ${ref.seconds.toFixed(1)} s for ${sample.length} debs (${mb(ref.bytes)}), extrapolated to ${mb(r.debBytes)}: ${refFull.toFixed(0)} s`,
    ratio: `${(refFull / wall).toFixed(1)}x faster than the extrapolated reference`,
    goal: limit ? '< 180 s for the full release (extrapolate)' : '< 180 s',
    met: (limit ? (wall * 5600) / Math.max(1, r.selected) : wall) < 180,
  });

  // End to end: the same import into a fresh PGlite store, as `pkgme depdb import --source` runs it.
  const dbDir = join(WORK, 'pglite');
  rmSync(dbDir, { recursive: true, force: true });
  rmSync(join(WORK, 'journal'), { recursive: true, force: true });
  const { store, close } = await openStore(dbDir);
  try {
    const t1 = performance.now();
    const s = await importApt({
      source: main,
      arch: 'amd64',
      keys: await loadKeys(source.signedBy),
      sink: new StoreSink(store),
      stateDir: WORK,
      progress: 'auto',
      ...(limit ? { limit } : {}),
    });
    const storeWall = (performance.now() - t1) / 1000;
    const size = await store.size();
    console.log(
      `  into PGlite: ${s.selected} packages, ${s.failed.length} failed, ${storeWall.toFixed(1)} s; store ${mb(size.bytes)}`,
    );
    record({
      bench: `apt import ${r.key.release} main amd64 into PGlite (end to end)${scale}`,
      ours: `${storeWall.toFixed(1)} s, store ${mb(size.bytes)}`,
      reference: `extrapolated apt-get download + dpkg-deb -e ${refFull.toFixed(0)} s`,
      ratio: `${(refFull / storeWall).toFixed(1)}x faster`,
      goal: '< 180 s',
      met: (limit ? (storeWall * 5600) / Math.max(1, s.selected) : storeWall) < 180,
    });
  } finally {
    await close();
    rmSync(dbDir, { recursive: true, force: true });
  }
}
