/**
 * The resolver against dpkg-shlibdeps on this machine's own binaries: every ELF file under /usr/bin, resolved with
 * a store filled by the local importer (PGlite, `pkgme depdb import --local`), and with dpkg-shlibdeps run directly
 * on the installed files (../shared/DEBIAN-NOTES.md).
 *
 *  - Files whose libraries include one without symbols/shlibs (private libraries through RUNPATH, the cross
 *    binutils' libopcodes, man-db's libman) are refused by dpkg-shlibdeps ("no dependency information found"); our
 *    answer for them is unversioned ("contents") or unresolved. They are counted, and a spread sample of them is
 *    run through dpkg-shlibdeps to check it really refuses each one.
 *  - All the other files go through dpkg-shlibdeps in ONE invocation; its shlibs:Depends must equal ours over the
 *    same files, byte for byte.
 *  - A sample of files spread across packages (one per package, at least 60) is run one file per invocation; each
 *    answer must equal ours. Exact agreement, package precision and recall are printed.
 *  - The in-memory reader over the same records must give the same answers as the store (the store's lookups).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestPglite, type TestDatabase } from '../../db/testing.ts';
import { requireTools } from '../../testing/env.ts';
import { localImporter } from '../import/local-dpkg.ts';
import { DepDbStore } from '../store/store.ts';
import { readUpload } from './upload.ts';
import { resolveUpload } from './resolve.ts';
import type { ArchVerdict } from './model.ts';
import { localReader } from './testing/memory-reader.ts';
import {
  batchOracle,
  elfFilesIn,
  gencontrolForm,
  packagesOf,
  pool,
  runDpkgShlibdeps,
  scratchTree,
} from './testing/oracle.ts';

const SAMPLE = Number(process.env.PKGME_RESOLVE_SAMPLE ?? 64);

let db: TestDatabase | undefined;
let store: DepDbStore;
let cwd: string;

before(async () => {
  db = await openTestPglite();
  store = new DepDbStore(db.db);
  await localImporter.run({}, { store });
  cwd = scratchTree(mkdtempSync(join(tmpdir(), 'pkgme-shlibdeps-')));
});

after(async () => {
  await db?.dispose();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

async function ours(files: string[]): Promise<ArchVerdict> {
  return Object.values((await resolveUpload(store, readUpload(files))).releases)[0]!;
}

/**
 * Which package owns each file (dpkg -S), for a sample spread across packages. With merged /usr, dpkg knows some
 * /usr/bin files by their /bin path, so both are asked (dpkg-query exits 1 for the names it does not know).
 */
function owners(files: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const asked = [...files, ...files.map((f) => f.replace(/^\/usr\/bin\//, '/bin/'))];
  const text = spawnSync('dpkg-query', ['-S', ...asked], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout;
  for (const line of text.split('\n')) {
    const m = /^([^:]+)(?::\S+)?: (\/.*)$/.exec(line);
    if (m) out.set(m[2]!.replace(/^\/bin\//, '/usr/bin/'), m[1]!.split(',')[0]!.trim());
  }
  return out;
}

test('every ELF file under /usr/bin: equal to dpkg-shlibdeps (one batch, and per file over a spread sample)', async (t) => {
  if (!requireTools(t, ['dpkg-shlibdeps', 'dpkg-query'], 'dpkg-dev')) return;
  const all = elfFilesIn('/usr/bin');
  assert.ok(all.length >= 100, `only ${all.length} ELF files in /usr/bin`);
  // Classified with the in-memory reader (same records as the store, no queries): fast.
  const memory = localReader();
  const accepted: string[] = [];
  const refusedByUs: string[] = [];
  for (const f of all) {
    const m = Object.values((await resolveUpload(memory, readUpload([f]))).releases)[0]!;
    const noInfo =
      m.unresolved.length > 0 || m.dependencies.some((d) => d.reasons.some((r) => r.source === 'contents'));
    if (noInfo) refusedByUs.push(f);
    else accepted.push(f);
  }

  // Per-file sample: one file per owning package, spread over the sorted list.
  const owner = owners(accepted);
  const byPkg = new Map<string, string>();
  for (const f of accepted) if (owner.has(f) && !byPkg.has(owner.get(f)!)) byPkg.set(owner.get(f)!, f);
  const firsts = [...byPkg.values()];
  const step = Math.max(1, Math.floor(firsts.length / SAMPLE));
  const sample = firsts.filter((_, i) => i % step === 0).slice(0, SAMPLE);
  assert.ok(sample.length >= 60 || sample.length === firsts.length, `sample of ${sample.length}`);
  const refusedSample = refusedByUs.filter(
    (_, i) => i % Math.max(1, Math.floor(refusedByUs.length / 8)) === 0,
  );

  // The batch and the per-file runs go side by side (two cores).
  const [batch, singles, refusals] = await Promise.all([
    batchOracle(cwd, accepted),
    pool(sample, 1, (f) => runDpkgShlibdeps(cwd, [f])),
    pool(refusedSample, 1, (f) => runDpkgShlibdeps(cwd, [f])),
  ]);

  for (const [i, r] of refusals.entries())
    assert.equal(r.ok, false, `dpkg-shlibdeps accepted ${refusedSample[i]}`);
  assert.deepEqual(batch.refused, [], 'dpkg-shlibdeps refused files we have full information for');
  const whole = await ours(accepted);
  const wholeMemory = Object.values((await resolveUpload(memory, readUpload(accepted))).releases)[0]!;
  assert.deepEqual(wholeMemory.dependencies, whole.dependencies, 'store and memory reader differ');
  console.log(
    `/usr/bin: ${all.length} ELF files; ${accepted.length} in the batch, ${refusedByUs.length} refused by ` +
      `dpkg-shlibdeps for lack of symbols/shlibs (${refusals.length} of them checked); the store and the memory reader agree`,
  );
  console.log(
    `batch: ${packagesOf(batch.depends).size} packages; equal: ${whole.dpkgShlibdeps === batch.depends}`,
  );
  assert.equal(whole.dpkgShlibdeps, batch.depends);
  // `depends` is what dpkg-gencontrol makes of it: Dpkg::Deps simplify_deps, run by perl.
  const gencontrol = gencontrolForm(batch.depends);
  console.log(
    `batch after simplify_deps: ${packagesOf(gencontrol).size} packages; equal: ${whole.depends === gencontrol}`,
  );
  assert.equal(whole.depends, gencontrol);

  let exact = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const mismatches: string[] = [];
  for (const [i, f] of sample.entries()) {
    const r = singles[i]!;
    assert.ok(r.ok, `dpkg-shlibdeps failed on ${f}: ${r.stderr}`);
    const v = await ours([f]);
    assert.equal(v.depends, gencontrolForm(r.depends), `depends of ${f}`);
    if (v.dpkgShlibdeps === r.depends) exact++;
    else mismatches.push(`${f}\n  dpkg: ${r.depends}\n  ours: ${v.dpkgShlibdeps}`);
    const a = packagesOf(v.dpkgShlibdeps);
    const b = packagesOf(r.depends);
    for (const p of a) {
      if (b.has(p)) tp++;
      else fp++;
    }
    for (const p of b) if (!a.has(p)) fn++;
  }
  console.log(
    `per file: ${sample.length} files from ${sample.length} packages; exact ${exact}/${sample.length} ` +
      `(${((100 * exact) / sample.length).toFixed(1)} %); package precision ${(tp / (tp + fp)).toFixed(4)}, ` +
      `recall ${(tp / (tp + fn)).toFixed(4)} (${tp} pairs)`,
  );
  assert.deepEqual(mismatches, []);
});
