/**
 * The apt importer against a local repository of real .debs: records checked against dpkg-deb, and the failure
 * modes (bad signature, changed index, unreachable mirror, server ignoring Range, killed import, incremental
 * re-import).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isPkgmeError, PkgmeError } from '../../../errors.ts';
import { realDebs } from '../../../formats/deb/fixtures.ts';
import { hasCommand, requireTools, run } from '../../../testing/env.ts';
import type { PackageRecord } from '../../types.ts';
import { importApt, type AptImportOptions } from './driver.ts';
import { HttpClient } from './http.ts';
import { loadKeys } from './keyring.ts';
import { MemorySink } from './sink.ts';
import { readSystemSources } from './sources.ts';
import { makeTestRepo, SUITE, type TestRepo } from './testrepo.fixture.ts';

let repo: TestRepo;
let debs: string[];
const tmp: string[] = [];

function stateDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'pkgme-aptstate-'));
  tmp.push(d);
  return d;
}

before(async () => {
  if (!hasCommand('apt-ftparchive')) return;
  debs = realDebs();
  repo = await makeTestRepo(debs);
});
after(async () => {
  await repo?.close();
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

async function opts(extra: Partial<AptImportOptions> = {}): Promise<AptImportOptions> {
  return {
    source: repo.source,
    arch: 'amd64',
    keys: await loadKeys(repo.source.signedBy),
    sink: new MemorySink(),
    stateDir: stateDir(),
    progress: 'none',
    http: new HttpClient({ retries: 1, backoffMs: 10 }),
    ...extra,
  };
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<PkgmeError> {
  try {
    await p;
  } catch (err) {
    assert.ok(isPkgmeError(err), `expected a PkgmeError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}`);
}

/** What dpkg-deb says about a .deb: fields, shlibs, symbols, and which library paths are symlinks. */
function oracle(deb: string) {
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-oracle-'));
  try {
    run('dpkg-deb', ['-e', deb, dir]);
    const read = (n: string) => (existsSync(join(dir, n)) ? readFileSync(join(dir, n), 'utf8') : undefined);
    const field = (f: string) => run('dpkg-deb', ['-f', deb, f]).trim();
    const listing = run('dpkg-deb', ['-c', deb]).split('\n');
    const types = new Map<string, string>();
    for (const l of listing) {
      const m = /^(\S)\S+\s+\S+\s+\d+\s+\S+\s+\S+\s+\.(\/\S+?)(?: -> .*)?$/.exec(l);
      if (m) types.set(m[2]!, m[1]!);
    }
    return {
      name: field('Package'),
      version: field('Version'),
      architecture: field('Architecture'),
      source: field('Source'),
      section: field('Section'),
      shlibs: read('shlibs'),
      symbols: read('symbols'),
      types,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function records(sink: MemorySink): Map<string, PackageRecord> {
  return sink.releases.get(`${SUITE}/amd64`)?.packages ?? new Map();
}

function debRequests(): string[] {
  return repo.log.filter((l) => l.includes('/pool/'));
}

test('imports the library packages of a local repository, equal to dpkg-deb -e', async (t) => {
  if (!requireTools(t, ['apt-ftparchive', 'dpkg-deb'], 'apt-utils dpkg')) return;
  const o = await opts();
  const r = await importApt(o);
  const got = records(o.sink as MemorySink);
  let shlibs = 0;
  let sections = 0;
  let libs = 0;
  let symlinks = 0;
  const libraryDebs = debs.filter((d) => got.has(oracle(d).name));
  for (const deb of debs) {
    const want = oracle(deb);
    const rec = got.get(want.name);
    // A shared library in a directory dpkg-shlibdeps searches; a `.so`-only package is a -dev one's linker symlink.
    const libFiles = [...want.types.keys()].filter((p) =>
      /^\/(?:usr\/)?lib[^/]*\/(?:[^/]+-[^/]+\/)?(?:lib|ld)[^/]*\.so(?:\.\d[^/]*)?$/.test(p),
    );
    const shipsLib =
      libFiles.some((p) => /\.so\.\d/.test(p)) ||
      (libFiles.length > 0 && !want.name.endsWith('-dev') && want.section !== 'libdevel');
    assert.equal(rec !== undefined, shipsLib, `${want.name}: selected iff it ships a shared library`);
    if (!rec) continue;
    assert.equal(rec.version, want.version);
    assert.equal(rec.architecture, want.architecture);
    assert.equal(rec.source, (want.source || want.name).replace(/\s.*$/, ''));
    assert.equal(rec.shlibs, want.shlibs, `${want.name} shlibs`);
    if (want.shlibs) shlibs++;
    assert.equal(rec.symbols?.map((s) => s.text).join(''), want.symbols, `${want.name} symbols`);
    sections += rec.symbols?.length ?? 0;
    for (const lib of rec.libraries) {
      const type = want.types.get(lib.path);
      assert.ok(type, `${want.name}: ${lib.path} is in the .deb`);
      assert.equal(lib.symlink, type === 'l', `${want.name}: ${lib.path} symlink flag`);
      libs++;
      if (lib.symlink) symlinks++;
    }
  }
  const debBytes = libraryDebs.reduce((s, d) => s + readFileSync(d).length, 0);
  console.log(
    `apt import: ${r.selected} library packages of ${debs.length} debs, ${shlibs} shlibs and ${sections} symbols sections equal to dpkg-deb -e, ` +
      `${libs} library files (${symlinks} symlinks) checked against dpkg-deb -c; fetched ${r.bytesFetched - r.indexBytes} of ${debBytes} .deb bytes`,
  );
  assert.equal(r.selected, libraryDebs.length);
  // The release's names: every package of the index, library or not, at dpkg-deb's version.
  const names = (o.sink as MemorySink).releases.get(`${SUITE}/amd64`)!.names;
  const key = (n: { name: string; version: string }) => `${n.name} ${n.version}`;
  assert.deepEqual(
    names.map(key).sort(),
    [...new Set(debs.map((d) => oracle(d)).map(key))].sort(),
    'every package of the index is a name of the release',
  );
  assert.ok(names.length > libraryDebs.length, 'the names hold non-library packages too');
  assert.equal(r.failed.length, 0);
  assert.equal(r.fullDownloads, 0);
  assert.ok(r.bytesFetched - r.indexBytes < debBytes / 10, 'Range fetches read a small part of the .debs');
});

test('a server that ignores Range: whole .debs are downloaded, checked and read the same', async (t) => {
  if (!requireTools(t, ['apt-ftparchive'], 'apt-utils')) return;
  const ranged = await opts();
  await importApt(ranged);
  repo.ignoreRange = true;
  try {
    const o = await opts();
    const r = await importApt(o);
    assert.equal(r.fullDownloads, r.selected);
    assert.ok(r.bytesFetched > r.debBytes, 'the whole .debs came down');
    assert.deepEqual(records(o.sink as MemorySink), records(ranged.sink as MemorySink));
    console.log(`ignored Range: ${r.fullDownloads} full downloads, records equal to the ranged import`);
  } finally {
    repo.ignoreRange = false;
  }
});

test('a tampered InRelease fails with PGP_BAD_SIGNATURE', async (t) => {
  if (!requireTools(t, ['apt-ftparchive'], 'apt-utils')) return;
  const file = join(repo.root, 'dists', SUITE, 'InRelease');
  const good = readFileSync(file, 'utf8');
  writeFileSync(file, good.replace(/^Date: .*$/m, 'Date: Thu, 01 Jan 2099 00:00:00 UTC'));
  try {
    assert.notEqual(readFileSync(file, 'utf8'), good);
    await rejectsWith(importApt(await opts()), 'PGP_BAD_SIGNATURE');
  } finally {
    writeFileSync(file, good);
  }
});

test('an InRelease signed by a key outside the keyring fails with PGP_UNKNOWN_KEY', async (t) => {
  if (!requireTools(t, ['apt-ftparchive'], 'apt-utils')) return;
  await rejectsWith(importApt(await opts({ keys: await loadKeys(undefined) })), 'PGP_UNKNOWN_KEY');
});

test('a Packages file that differs from the Release fails with APT_CHECKSUM_MISMATCH', async (t) => {
  if (!requireTools(t, ['apt-ftparchive'], 'apt-utils')) return;
  const file = join(repo.root, 'dists', SUITE, 'main', 'binary-amd64', 'Packages.xz');
  const good = readFileSync(file);
  const text = execFileSync('xz', ['-dc'], { input: good })
    .toString('utf8')
    .replace(/^Section: libs$/m, 'Section: x');
  writeFileSync(file, execFileSync('xz', ['-6c'], { input: text }));
  try {
    const err = await rejectsWith(importApt(await opts()), 'APT_CHECKSUM_MISMATCH');
    assert.match(err.message, /Packages\.xz/);
    assert.match(err.message, /[0-9a-f]{64}.*[0-9a-f]{64}/);
  } finally {
    writeFileSync(file, good);
  }
});

test('a Contents index out of step: APT_CHECKSUM_MISMATCH, or an import without it with contents: skip', async (t) => {
  if (!requireTools(t, ['apt-ftparchive'], 'apt-utils')) return;
  const file = join(repo.root, 'dists', SUITE, 'main', 'Contents-amd64.gz');
  const good = readFileSync(file);
  writeFileSync(file, execFileSync('gzip', ['-9nc'], { input: 'usr/lib/libnew.so.1 libs/zlib1g\n' }));
  try {
    const err = await rejectsWith(importApt(await opts()), 'APT_CHECKSUM_MISMATCH');
    assert.match(err.message, /Contents-amd64\.gz/);
    assert.match(err.hint ?? '', /--contents skip/);
    const warnings: string[] = [];
    const o = await opts({ contents: 'skip', warn: (m) => warnings.push(m) });
    const r = await importApt(o);
    assert.equal(r.contentsUsed, false);
    assert.equal(warnings.length, 1);
    assert.ok(r.selected > 0 && r.failed.length === 0);
    for (const rec of records(o.sink as MemorySink).values()) assert.deepEqual(rec.libraries, []);
    console.log(`without Contents: ${r.selected} packages selected by name/section`);
  } finally {
    writeFileSync(file, good);
  }
});

test('an empty Contents (as the security archive publishes) falls back to name and section, with a warning', async (t) => {
  if (!requireTools(t, ['apt-ftparchive'], 'apt-utils')) return;
  await repo.publish({ emptyContents: true });
  try {
    const warnings: string[] = [];
    const r = await importApt(await opts({ warn: (m) => warnings.push(m) }));
    assert.equal(r.contentsUsed, false);
    assert.equal(r.selected, 6);
    assert.match(warnings.join('\n'), /Contents-amd64\.gz is empty/);
  } finally {
    await repo.publish();
  }
});

test('Acquire-By-Hash: indices are fetched by their SHA256', async (t) => {
  if (!requireTools(t, ['apt-ftparchive'], 'apt-utils')) return;
  await repo.publish({ byHash: true });
  try {
    repo.log.length = 0;
    const r = await importApt(await opts());
    assert.equal(r.failed.length, 0);
    const log = [...repo.log];
    const packages = log.filter((l) => l.includes('/binary-amd64/'));
    assert.equal(packages.length, 1, log.join('\n'));
    assert.match(packages[0]!, /binary-amd64\/by-hash\/SHA256\/[0-9a-f]{64}$/);
    // Contents has no by-hash copy here: one 404 there, then the plain name, as apt does.
    assert.equal(log.filter((l) => l.includes('Contents-amd64.gz')).length, 1, log.join('\n'));
    assert.equal(r.selected, 6);
    console.log(`by-hash: ${packages[0]}; ${log.length} requests`);
  } finally {
    await repo.publish();
  }
});

test('a deb822 .sources file with an inline Signed-By key drives an import', async (t) => {
  if (!requireTools(t, ['apt-ftparchive'], 'apt-utils')) return;
  const root = stateDir();
  mkdirSync(join(root, 'sources.list.d'));
  const key = readFileSync(repo.keyringFile, 'utf8').trim();
  const inline = key
    .split('\n')
    .map((l) => (l.trim() === '' ? ' .' : ` ${l}`))
    .join('\n');
  writeFileSync(
    join(root, 'sources.list.d', 'test.sources'),
    `Types: deb\nURIs: ${repo.uri}\nSuites: ${SUITE}\nComponents: main\nSigned-By:\n${inline}\n`,
  );
  const [source] = readSystemSources(root);
  assert.ok(source && source.signedBy && 'inline' in source.signedBy);
  const r = await importApt(await opts({ source, keys: await loadKeys(source.signedBy) }));
  assert.equal(r.selected, 6);
  assert.equal(r.failed.length, 0);
});

test('an unreachable mirror fails with APT_UNREACHABLE naming the URL', async () => {
  const server = (await import('node:net')).createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  const source = {
    uri: `http://127.0.0.1:${port}/debian`,
    suite: 'x',
    components: ['main'],
    archs: [],
    origin: 't',
  };
  const err = await rejectsWith(
    importApt({
      source,
      arch: 'amd64',
      keys: [],
      sink: new MemorySink(),
      stateDir: stateDir(),
      progress: 'none',
      http: new HttpClient({ retries: 2, backoffMs: 10 }),
    }),
    'APT_UNREACHABLE',
  );
  assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}/debian/dists/x/InRelease`));
  assert.equal(err.details.attempts, 3);
});

test('an import killed halfway resumes where it stopped', async (t) => {
  if (!requireTools(t, ['apt-ftparchive'], 'apt-utils')) return;
  const state = stateDir();
  const sink = new MemorySink();
  // The store survives the kill (it is a database); the process does not: the second put never returns.
  let puts = 0;
  const dying = Object.create(sink) as MemorySink;
  dying.put = async (key, recs) => {
    if (++puts === 2) throw new Error('killed');
    return sink.put(key, recs);
  };
  await assert.rejects(
    importApt(await opts({ sink: dying, stateDir: state, batch: 2, concurrency: 1 })),
    /killed/,
  );
  const stored = records(sink).size;
  const storedNames = new Set(records(sink).keys());
  assert.equal(stored, 2);
  repo.log.length = 0;
  const r = await importApt(await opts({ sink, stateDir: state }));
  assert.equal(r.skipped, stored);
  assert.equal(r.imported, r.selected - stored);
  const fetchedNames = new Set(debRequests().map((l) => l.split(' ')[1]!.split('/').pop()!.split('_')[0]!));
  for (const name of fetchedNames) assert.ok(!storedNames.has(name), `${name} was stored before the kill`);
  assert.equal(fetchedNames.size, r.imported, 'only the packages not stored before the kill were fetched');
  assert.equal(records(sink).size, r.selected);
  console.log(`resume: ${stored} stored before the kill, ${r.imported} fetched after, ${r.selected} in all`);
});

test('a re-import after one package changed fetches only that one', async (t) => {
  if (!requireTools(t, ['apt-ftparchive', 'dpkg-deb'], 'apt-utils dpkg')) return;
  const state = stateDir();
  const sink = new MemorySink();
  const first = await importApt(await opts({ sink, stateDir: state }));
  repo.log.length = 0;
  const again = await importApt(await opts({ sink, stateDir: state }));
  assert.equal(again.imported, 0);
  assert.equal(again.skipped, first.selected);
  assert.equal(debRequests().length, 0);

  // Rebuild zlib1g with a new version (dpkg-deb -R / -b), replace it in the pool, publish the new indices.
  const zlib = debs.find((d) => d.includes('/zlib1g_'))!;
  const work = mkdtempSync(join(tmpdir(), 'pkgme-zlib-'));
  tmp.push(work);
  run('dpkg-deb', ['-R', zlib, join(work, 'tree')]);
  const control = join(work, 'tree', 'DEBIAN', 'control');
  writeFileSync(control, readFileSync(control, 'utf8').replace(/^Version: (.*)$/m, 'Version: $1+pkgme1'));
  const pool = join(repo.root, 'pool', 'main');
  const old = join(pool, zlib.split('/').pop()!);
  rmSync(old);
  run('dpkg-deb', ['--root-owner-group', '-b', join(work, 'tree'), join(pool, 'zlib1g_new_amd64.deb')]);
  try {
    await repo.publish();
    repo.log.length = 0;
    const r = await importApt(await opts({ sink, stateDir: state }));
    assert.equal(r.imported, 1);
    assert.equal(r.skipped, first.selected - 1);
    assert.deepEqual(
      [...new Set(debRequests().map((l) => l.split(' ')[1]))],
      ['/pool/main/zlib1g_new_amd64.deb'],
    );
    assert.match(records(sink).get('zlib1g')!.version, /\+pkgme1$/);
    console.log(`incremental: ${r.imported} changed package fetched, ${r.skipped} unchanged skipped`);
  } finally {
    rmSync(join(pool, 'zlib1g_new_amd64.deb'));
    writeFileSync(old, readFileSync(zlib));
    await repo.publish();
  }
});
