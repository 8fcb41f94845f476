/**
 * Several releases side by side (issue 3): a trimmed bookworm and a trimmed trixie (main, amd64) imported from the
 * mirror of the machine's apt sources into ONE PGlite store, then compiled binaries resolved against both at once.
 *
 * Oracles, both dpkg-shlibdeps:
 * - bookworm: run on this (bookworm) machine over the same binaries, with the installed libraries;
 * - trixie: run in a scratch tree holding the trixie .debs themselves (`debian/<pkg>/` with their DEBIAN/symbols and
 *   shlibs), downloaded by apt-get with a private configuration (trixie is not in the machine's sources), so the
 *   versions come from trixie's own symbols files, not from our importer.
 * The release origins are checked against the InRelease files that private apt-get update fetched.
 *
 * Trixie's Contents has been served out of step with its InRelease (docs/depdb-apt-import.md): the default import
 * must then fail with APT_CHECKSUM_MISMATCH naming Contents, and `contents: 'skip'` goes on without it. When the
 * mirror is in step, the import uses Contents; the test asserts on whichever outcome was reported.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openTestPglite, type TestDatabase } from '../../../db/testing.ts';
import { PkgmeError } from '../../../errors.ts';
import { cachedFixture, cacheDir, repoRoot, requireTools, run, withCacheLock } from '../../../testing/env.ts';
import type { PackageRecord, ReleaseKey } from '../../types.ts';
import type { ResolveResult } from '../../resolve/index.ts';
import { gencontrolForm, runDpkgShlibdeps, scratchTree } from '../../resolve/testing/oracle.ts';
import { StoreSink } from '../../store/sink.ts';
import { DepDbStore } from '../../store/store.ts';
import { importApt, type AptImportResult } from './driver.ts';
import { loadKeys } from './keyring.ts';
import { readSystemSources, type AptSource } from './sources.ts';

/** The library packages the test binaries need, under both names of the libpng t64 transition. */
const TRIM = ['libc6', 'libgcc-s1', 'zlib1g', 'libpng16-16', 'libpng16-16t64', 'liblzma5', 'libzstd1'];
const STATE = 'apt-multi-release';

let db: TestDatabase | undefined;

before(async () => {
  db = await openTestPglite();
});

after(async () => {
  await db?.dispose();
});

/** The machine's bookworm source, and the same archive's trixie. */
function sources(): { bookworm: AptSource; trixie: AptSource } {
  const bookworm = readSystemSources().find((s) => s.suite === 'bookworm' && s.components.includes('main'));
  assert.ok(bookworm, 'a bookworm main source in /etc/apt');
  const base = { ...bookworm, components: ['main'], archs: ['amd64'] };
  return { bookworm: { ...base, suite: 'bookworm' }, trixie: { ...base, suite: 'trixie' } };
}

/** A sink that remembers the records it was given (the versions the trixie oracle downloads). */
class RecordingSink extends StoreSink {
  readonly records: PackageRecord[] = [];
  override async put(key: ReleaseKey, records: PackageRecord[]): Promise<void> {
    this.records.push(...records);
    await super.put(key, records);
  }
}

async function importTrimmed(
  store: DepDbStore,
  source: AptSource,
  contents: 'fail' | 'skip',
  warnings: string[],
): Promise<{ r: AptImportResult; records: PackageRecord[] }> {
  const sink = new RecordingSink(store);
  const r = await importApt({
    source,
    arch: 'amd64',
    keys: await loadKeys(source.signedBy),
    sink,
    stateDir: cacheDir(STATE, 'state'),
    contents,
    progress: 'none',
    only: (n) => TRIM.includes(n),
    warn: (m) => warnings.push(m),
  });
  assert.deepEqual(r.failed, [], `${source.suite}: failed packages`);
  return { r, records: sink.records };
}

/** A private apt configuration for both suites (trixie is not in the machine's sources): lists, cache, keyring. */
function privateApt(b: AptSource): { opts: string[]; lists: string } {
  const dir = cacheDir(STATE, 'apt');
  const lists = join(dir, 'lists');
  const opts = [
    `-o`,
    `Dir::Etc::SourceList=${join(dir, 'sources.list')}`,
    `-o`,
    `Dir::Etc::SourceParts=${join(dir, 'sources.list.d')}`,
    `-o`,
    `Dir::State::Lists=${lists}`,
    `-o`,
    `Dir::Cache=${join(dir, 'cache')}`,
    `-o`,
    `APT::Architectures=amd64`,
    `-o`,
    `Acquire::Languages=none`,
  ];
  withCacheLock(`${STATE}-apt`, () => {
    mkdirSync(join(lists, 'partial'), { recursive: true });
    mkdirSync(join(dir, 'cache', 'archives', 'partial'), { recursive: true });
    mkdirSync(join(dir, 'sources.list.d'), { recursive: true });
    const keyring = '/usr/share/keyrings/debian-archive-keyring.gpg';
    writeFileSync(
      join(dir, 'sources.list'),
      ['bookworm', 'trixie']
        .map((s) => `deb [arch=amd64 signed-by=${keyring}] ${b.uri} ${s} main\n`)
        .join(''),
    );
    // Every run: InRelease must be as fresh as what the importer just read (unchanged files are only revalidated).
    run('apt-get', [...opts, '-q', 'update']);
  });
  return { opts, lists };
}

/** Date and SHA256 list of a suite's InRelease as private apt-get fetched it (its own verification, not ours). */
function aptRelease(lists: string, suite: string): { date: string; sha256: Map<string, string> } {
  const file = readdirSync(lists).find((f) => f.endsWith(`_dists_${suite}_InRelease`));
  assert.ok(file, `apt-get update fetched ${suite}'s InRelease`);
  const text = readFileSync(join(lists, file), 'utf8');
  const date = /^Date: (.*)$/m.exec(text)?.[1];
  assert.ok(date, `${suite} InRelease has a Date`);
  const section = /^SHA256:\n((?: .*\n)+)/m.exec(text)?.[1] ?? '';
  const sha256 = new Map<string, string>();
  for (const line of section.split('\n')) {
    const [hash, , path] = line.trim().split(/\s+/);
    if (hash && path) sha256.set(path, hash);
  }
  return { date, sha256 };
}

/** The trixie .debs of `records` (exact versions), downloaded by apt-get and unpacked as `<dir>/<pkg>/` + DEBIAN. */
function trixieDebs(opts: string[], records: PackageRecord[]): string {
  const wanted = records.map((r) => `${r.name}=${r.version}`).sort();
  const id = createHash('sha256').update(wanted.join('\n')).digest('hex').slice(0, 12);
  return cachedFixture(`${STATE}/trixie-${id}`, (dir) => {
    const debs = join(dir, 'debs');
    mkdirSync(debs);
    mkdirSync(join(dir, 'root'));
    execFileSync('apt-get', [...opts, '-q', 'download', ...wanted], {
      cwd: debs,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    for (const f of readdirSync(debs)) {
      const dest = join(dir, 'root', f.slice(0, f.indexOf('_')));
      run('dpkg-deb', ['-x', join(debs, f), dest]);
      run('dpkg-deb', ['-e', join(debs, f), join(dest, 'DEBIAN')]);
    }
  });
}

/** The sample upload (samples/build.sh) plus a zlib + liblzma tool, in `debian/x/` of a scratch tree. */
function buildUpload(tree: string): string {
  scratchTree(tree);
  const pkg = join(tree, 'debian', 'x');
  const tarball = run('bash', [join(repoRoot, 'samples', 'build.sh'), join(tree, 'out')]).trim();
  mkdirSync(pkg, { recursive: true });
  run('tar', ['-xzf', tarball, '-C', pkg, '--strip-components=1']);
  const src = join(tree, 'xz.c');
  writeFileSync(
    src,
    '#include <lzma.h>\n#include <zlib.h>\n#include <stdio.h>\n' +
      'int main(void) { lzma_stream s = LZMA_STREAM_INIT; printf("%s %d\\n", zlibVersion(), ' +
      '(int)lzma_easy_encoder(&s, 6, LZMA_CHECK_CRC64)); lzma_end(&s); return 0; }\n',
  );
  run('gcc', ['-O2', '-o', join(pkg, 'bin', 'zxtool'), src, '-llzma', '-lz']);
  return pkg;
}

function cli(args: string[]): string {
  return execFileSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
}

interface ReleaseInfoJson {
  release: string;
  arch: string;
  packages: number;
  origin: { kind: string; location: string; date?: string; checksums?: Record<string, string> };
}

test('a trimmed bookworm and trixie side by side: import, resolve against both, releases with origins', async (t) => {
  if (
    !requireTools(t, ['apt-get', 'dpkg-deb', 'dpkg-shlibdeps', 'gcc', 'perl', 'tar'], 'apt dpkg-dev gcc perl')
  )
    return;
  const started = performance.now();
  const { bookworm, trixie } = sources();
  const store = new DepDbStore(db!.db);

  // 1. bookworm, with its Contents.
  const bw: string[] = [];
  const b = await importTrimmed(store, bookworm, 'fail', bw);
  assert.equal(b.r.contentsUsed, true, 'bookworm Contents used');
  const bNames = b.records.map((r) => r.name).sort();
  assert.deepEqual(bNames, ['libc6', 'libgcc-s1', 'liblzma5', 'libpng16-16', 'libzstd1', 'zlib1g']);

  // 2. trixie: the default policy first; on the documented mismatch, `skip`.
  const tw: string[] = [];
  let mismatch: PkgmeError | undefined;
  let tr: { r: AptImportResult; records: PackageRecord[] };
  try {
    tr = await importTrimmed(store, trixie, 'fail', tw);
    assert.equal(tr.r.contentsUsed, true, 'trixie imported with Contents');
  } catch (err) {
    if (!(err instanceof PkgmeError) || err.code !== 'APT_CHECKSUM_MISMATCH') throw err;
    mismatch = err;
    assert.match(err.message, /main\/Contents-amd64\.gz.*\(Contents\)$/);
    assert.match(err.hint ?? '', /--contents skip/);
    assert.equal(err.details?.index, 'Contents');
    tr = await importTrimmed(store, trixie, 'skip', tw);
    assert.equal(tr.r.contentsUsed, false, 'trixie imported without Contents');
    assert.ok(
      tw.some((w) =>
        /no usable Contents for main\/amd64, library packages chosen by name and section/.test(w),
      ),
      `the skip was reported: ${tw.join('; ')}`,
    );
    for (const r of tr.records)
      assert.deepEqual(r.libraries, [], `${r.name}: no library paths without Contents`);
  }
  const tNames = tr.records.map((r) => r.name).sort();
  assert.deepEqual(tNames, ['libc6', 'libgcc-s1', 'liblzma5', 'libpng16-16t64', 'libzstd1', 'zlib1g']);
  console.log(
    `imported bookworm ${b.records.length} packages (Contents used) and trixie ${tr.records.length} packages ` +
      (mismatch
        ? `(Contents out of step, ${mismatch.code}: ${mismatch.message.replace(trixie.uri, 'URI')}; went on with skip)`
        : '(Contents used)') +
      `; fetched ${b.r.bytesFetched + tr.r.bytesFetched} bytes (indices ${b.r.indexBytes + tr.r.indexBytes})`,
  );

  // The oracles' inputs: private apt for trixie's .debs and both InRelease files; the compiled upload.
  const apt = privateApt(bookworm);
  const debs = trixieDebs(apt.opts, tr.records);
  const tree = mkdtempSync(join(tmpdir(), 'pkgme-multi-release-'));
  t.after(() => rmSync(tree, { recursive: true, force: true }));
  const pkg = buildUpload(join(tree, 'bookworm'));

  // 3. resolve against both releases at once, through the CLI, on the store file the import wrote.
  const { resolved, releases } = await db!.released(async () => ({
    resolved: JSON.parse(
      cli([
        'depdb',
        'resolve',
        pkg,
        '--release',
        'bookworm',
        '--release',
        'trixie',
        '--db',
        db!.spec,
        '--json',
      ]),
    ) as ResolveResult,
    releases: (
      JSON.parse(cli(['depdb', 'releases', '--db', db!.spec, '--json'])) as { releases: ReleaseInfoJson[] }
    ).releases,
  }));
  assert.deepEqual(Object.keys(resolved.releases).sort(), ['bookworm', 'trixie']);
  const files = resolved.files.map((f) => join(pkg, f));
  assert.deepEqual(resolved.files.sort(), ['bin/hello-pkgme', 'bin/zxtool', 'lib/libgreet.so.1']);
  const libDir = join(pkg, 'lib');

  // bookworm: dpkg-shlibdeps on this machine.
  const bOracle = await runDpkgShlibdeps(join(tree, 'bookworm'), files, [`-l${libDir}`]);
  assert.ok(bOracle.ok, bOracle.stderr);
  const bv = resolved.releases.bookworm!;
  assert.ok(bv.satisfiable, bv.why.join('; '));
  assert.deepEqual(bv.unresolved, []);
  assert.equal(bv.dpkgShlibdeps, bOracle.depends, 'bookworm: shlibs:Depends vs dpkg-shlibdeps');
  assert.equal(bv.depends, gencontrolForm(bOracle.depends), 'bookworm: Depends vs dpkg-gencontrol form');
  assert.deepEqual(
    bv.bundled.map((x) => x.soname),
    ['libgreet.so.1'],
  );

  // trixie: dpkg-shlibdeps in a tree holding the trixie .debs (their own symbols/shlibs files).
  const tTree = scratchTree(join(tree, 'trixie'));
  cpSync(pkg, join(tTree, 'debian', 'x'), { recursive: true });
  for (const p of readdirSync(join(debs, 'root'))) {
    cpSync(join(debs, 'root', p), join(tTree, 'debian', p), { recursive: true });
  }
  const tFiles = resolved.files.map((f) => join(tTree, 'debian', 'x', f));
  const tOracle = await runDpkgShlibdeps(tTree, tFiles, [`-l${join(tTree, 'debian', 'x', 'lib')}`]);
  assert.ok(tOracle.ok, tOracle.stderr);
  const tv = resolved.releases.trixie!;
  assert.ok(tv.satisfiable, tv.why.join('; '));
  assert.deepEqual(tv.unresolved, []);
  assert.match(tv.depends, /\blibpng16-16t64 \(>= /, 'trixie names the t64 libpng');
  assert.doesNotMatch(tv.depends, /\blibpng16-16 /);
  assert.equal(
    tv.dpkgShlibdeps,
    tOracle.depends,
    'trixie: shlibs:Depends vs dpkg-shlibdeps over trixie .debs',
  );
  assert.equal(tv.depends, gencontrolForm(tOracle.depends), 'trixie: Depends vs dpkg-gencontrol form');
  assert.notEqual(tv.depends, bv.depends, 'the two releases answer differently');
  console.log(`bookworm: ${bv.depends}\n  (dpkg-shlibdeps on this machine: ${bOracle.depends})`);
  console.log(
    `trixie: ${tv.depends}\n  (dpkg-shlibdeps over ${readdirSync(join(debs, 'root')).length} trixie .debs: ${tOracle.depends})`,
  );

  // 4. releases: both, with origins equal to what apt itself fetched.
  for (const [suite, src, r] of [
    ['bookworm', bookworm, b.r],
    ['trixie', trixie, tr.r],
  ] as const) {
    const info = releases.find((x) => x.release === suite && x.arch === 'amd64');
    assert.ok(info, `${suite}/amd64 listed: ${JSON.stringify(releases.map((x) => x.release))}`);
    assert.equal(info.packages, 6);
    assert.equal(info.origin.kind, 'apt');
    assert.equal(info.origin.location, `${src.uri} ${suite} main`);
    const rel = aptRelease(apt.lists, suite);
    assert.equal(info.origin.date, rel.date, `${suite}: Release Date`);
    const sums = info.origin.checksums ?? {};
    const expected = ['main/binary-amd64/Packages.xz', ...(r.contentsUsed ? ['main/Contents-amd64.gz'] : [])];
    assert.deepEqual(Object.keys(sums).sort(), expected.sort(), `${suite}: indices recorded`);
    for (const p of expected) assert.equal(sums[p], rel.sha256.get(p), `${suite} ${p}: SHA256 vs InRelease`);
    console.log(
      `releases: ${suite}/amd64 ${info.packages} packages, Date ${rel.date}, ${expected.length} checksum(s) equal to InRelease`,
    );
  }
  console.log(`multi-release: ${((performance.now() - started) / 1000).toFixed(1)} s`);
});
