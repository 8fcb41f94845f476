/**
 * Libraries whose soname is not `libfoo.so.N`, through the apt importer and the resolver, against dpkg-shlibdeps:
 * the unstable form `libfoo-X.Y.so` of dpkg's split_soname (libstk-4.6.2.so, lmms' UNRESOLVED_LIBRARIES in the
 * corpus; libdb-5.3.so; libzn_poly-0.9.so behind libzn_poly-0.9.2.so) and plain `libfoo.so` sonames that only a
 * symbols file names (libnss3.so, libnspr4.so). The importer used to keep only packages with a `.so.<digit>` file, so
 * none of these packages was imported and every binary needing one was unresolved.
 *
 * Real bookworm .debs (apt-get download) in a local repository with a full Contents index (apt-ftparchive). The
 * oracles: dpkg-deb -c (which files are symlinks), objdump -p (each real file's DT_SONAME), and dpkg-shlibdeps on a
 * gcc-built program linked to the libraries, with the packages' own control members in a build tree
 * (debian/<pkg>/DEBIAN), where dpkg-shlibdeps reads them.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cachedFixture, requireTools, run } from '../../../testing/env.ts';
import { resolveUpload } from '../../resolve/resolve.ts';
import { MemoryReader } from '../../resolve/testing/memory-reader.ts';
import { runDpkgShlibdeps, scratchTree } from '../../resolve/testing/oracle.ts';
import { readUpload } from '../../resolve/upload.ts';
import type { PackageRecord } from '../../types.ts';
import { readLocalPackages } from '../local-dpkg.ts';
import { importApt } from './driver.ts';
import { HttpClient } from './http.ts';
import { loadKeys } from './keyring.ts';
import { MemorySink } from './sink.ts';
import { makeTestRepo, SUITE, type TestRepo } from './testrepo.fixture.ts';

/** Library packages with such sonames, and a -dev package whose only library is the linker symlink libstk.so. */
const LIBRARIES = [
  'libstk-4.6.2',
  'libnss3',
  'libnspr4',
  'libdb5.3',
  'libzn-poly-0.9',
  'libsqlite3-mod-blobtoxy',
];
const DEV = 'libstk-dev';

const tmp: string[] = [];
let repo: TestRepo | undefined;
after(async () => {
  await repo?.close();
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

function scratch(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tmp.push(d);
  return d;
}

/** The .debs, downloaded once into .cache/soname-debs (apt-get download, as the machine's sources serve them). */
function debs(): string[] {
  const dir = cachedFixture('soname-debs', (out) => {
    const dl = join(out, '.download');
    mkdirSync(dl);
    const r = spawnSync('apt-get', ['download', ...LIBRARIES, DEV], { cwd: dl, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`apt-get download failed (${r.status}): ${r.stderr || r.error}`);
    for (const f of readdirSync(dl)) renameSync(join(dl, f), join(out, f));
    rmSync(dl, { recursive: true });
  });
  return readdirSync(dir)
    .filter((f) => f.endsWith('.deb'))
    .map((f) => join(dir, f));
}

function field(deb: string, name: string): string {
  return run('dpkg-deb', ['-f', deb, name]).trim();
}

/** Path → type letter ('-', 'l') of every file of a .deb, from dpkg-deb -c. */
function listing(deb: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const l of run('dpkg-deb', ['-c', deb]).split('\n')) {
    const m = /^(\S)\S+\s+\S+\s+\d+\s+\S+\s+\S+\s+\.(\/\S+?)(?: -> .*)?$/.exec(l);
    if (m) types.set(m[2]!, m[1]!);
  }
  return types;
}

function dtSoname(file: string): string | undefined {
  return /^\s*SONAME\s+(\S+)$/m.exec(run('objdump', ['-p', file]))?.[1];
}

test('unversioned and libfoo-X.Y.so sonames: imported from Contents, resolved as dpkg-shlibdeps resolves them', async (t) => {
  if (
    !requireTools(
      t,
      ['apt-get', 'apt-ftparchive', 'dpkg-deb', 'dpkg-shlibdeps', 'gcc', 'objdump'],
      'apt-utils dpkg-dev gcc binutils',
    )
  )
    return;
  const files = debs();
  const byName = new Map(files.map((d) => [field(d, 'Package'), d]));
  assert.deepEqual([...byName.keys()].sort(), [...LIBRARIES, DEV].sort());
  repo = await makeTestRepo(files);

  // The import, with the repository's full Contents (apt-ftparchive files libstk-dev under libdevel).
  const sink = new MemorySink();
  const r = await importApt({
    source: repo.source,
    arch: 'amd64',
    keys: await loadKeys(repo.source.signedBy),
    sink,
    stateDir: scratch('pkgme-aptstate-'),
    progress: 'none',
    http: new HttpClient({ retries: 1, backoffMs: 10 }),
  });
  assert.equal(r.contentsUsed, true);
  assert.deepEqual(r.failed, []);
  const records = sink.releases.get(`${SUITE}/amd64`)!.packages;
  assert.deepEqual(
    [...records.keys()].sort(),
    [...LIBRARIES].sort(),
    `${DEV} (the linker symlink) is left out`,
  );

  // Build tree: each library package unpacked with its control member, where dpkg-shlibdeps reads shlibs/symbols.
  const dir = scratchTree(scratch('pkgme-soname-'));
  const needed: string[] = [];
  let files_ = 0;
  for (const name of LIBRARIES) {
    const deb = byName.get(name)!;
    const root = join(dir, 'debian', name);
    run('dpkg-deb', ['-x', deb, root]);
    run('dpkg-deb', ['-e', deb, join(root, 'DEBIAN')]);
    const types = listing(deb);
    for (const lib of records.get(name)!.libraries) {
      const type = types.get(lib.path);
      assert.ok(type, `${name}: ${lib.path} is in the .deb`);
      assert.equal(lib.symlink, type === 'l', `${name}: ${lib.path} symlink flag (dpkg-deb -c)`);
      files_++;
      if (lib.symlink) continue;
      const soname = dtSoname(join(root, lib.path));
      assert.equal(lib.soname, soname, `${name}: ${lib.path} soname (objdump -p)`);
      if (lib.soname === soname) needed.push(join(root, lib.path));
    }
  }

  // A program that needs one real library of each package (libnss3.so and libnspr4.so through symbols they list).
  const src = join(dir, 'app.c');
  writeFileSync(
    src,
    'int NSS_NoDB_Init(const char *); long long PR_Now(void);\nint main(void){ return NSS_NoDB_Init(0) + (int)PR_Now(); }\n',
  );
  const want = ['libnss3.so', 'libnspr4.so', 'libstk-4.6.2.so', 'libdb-5.3.so', 'libzn_poly-0.9.so'];
  const link = want.map((s) => needed.find((p) => dtSoname(p) === s)!);
  link.push(needed.find((p) => p.includes('libsqlite3_mod_blobtoxy'))!);
  const app = join(dir, 'debian', 'app', 'usr', 'bin', 'app');
  mkdirSync(join(dir, 'debian', 'app', 'usr', 'bin'), { recursive: true });
  execFileSync('gcc', ['-o', app, src, '-Wl,--no-as-needed', ...link, '-Wl,--allow-shlib-undefined'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });

  const oracle = await runDpkgShlibdeps(dir, [app]);
  assert.ok(oracle.ok, oracle.stderr);
  const reader = new MemoryReader().add({ release: SUITE, arch: 'amd64' }, [
    // The C library as installed here, which is what dpkg-shlibdeps finds for libc.so.6.
    ...readLocalPackages().filter((p: PackageRecord) => p.name === 'libc6' && p.architecture === 'amd64'),
    ...records.values(),
  ]);
  const v = (await resolveUpload(reader, readUpload([app]))).releases[SUITE]!;
  console.log(
    `soname forms: ${records.size} library packages imported, ${files_} library files checked against dpkg-deb -c / objdump -p\n` +
      `  dpkg-shlibdeps: ${oracle.depends}\n  ours:           ${v.dpkgShlibdeps}`,
  );
  assert.deepEqual(v.unresolved, []);
  assert.equal(v.dpkgShlibdeps, oracle.depends);
});
