/**
 * A package named like a Debian one (issue 4, "a name that clashes with a Debian package gets a warning"), on real
 * data: the dependency database holds every binary package of the machine's own Packages index (depdb_names, as
 * the apt importer stores them), and a gcc-built upload `mc-4.8.29/` is packaged against it. Debian's mc carries an
 * epoch (bookworm: 3:4.8.29-2) and another package's relation on mc compares against it (bookworm's findutils:
 * `Breaks: mc (<< 3:4.8.29)`): the plan warns, takes the epoch, and the relation no longer breaks our package —
 * judged by `dpkg --compare-versions`, the versions and the relation read from the index with grep-dctrl. The
 * epoch stays out of the file names (dpkg-name names the .deb, dpkg-source -x accepts the .dsc) and is in the
 * changelog and both control files. A user's --set version= and --set package= win.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { openTestPglite, type TestDatabase } from '../db/testing.ts';
import { parsePackagesIndex } from '../depdb/import/apt/packages-index.ts';
import { DepDbStore } from '../depdb/store/store.ts';
import { APT_LISTS, haveCommands, mainPackagesIndex } from '../testing/apt-lists.ts';
import { requireTools, run, unavailable } from '../testing/env.ts';
import { packageUpload } from './pipeline.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pkgme-clash-'));
let tdb: TestDatabase | undefined;
let store: DepDbStore;
/** The suite the machine's main Packages index is of (bookworm here), and that index decompressed. */
let release = '';
let indexFile = '';
/** What the index says, through grep-dctrl: Debian's mc version and one relation on mc with "<<". */
let debianMc: string | undefined;
let breaks: { package: string; version: string } | undefined;

function grepDctrl(args: string[]): string {
  return execFileSync('grep-dctrl', [...args, indexFile], { encoding: 'utf8', maxBuffer: 1 << 26 });
}

before(async () => {
  if (!haveCommands(['lz4', 'grep-dctrl', 'gcc', 'dpkg'])) return;
  const index = mainPackagesIndex(join(tmp, 'Packages'));
  if (index === undefined) return;
  release = index.release;
  indexFile = index.file;
  debianMc = grepDctrl(['-n', '-s', 'Version', '-X', '-F', 'Package', 'mc']).trim() || undefined;
  const para = grepDctrl(['-s', 'Package,Breaks', '-e', '-F', 'Breaks', '(^|, )mc \\(<<']);
  const m = /^Package: (\S+)\nBreaks: .*?(?:^|, )mc \(<< ([^)]+)\)/m.exec(para);
  if (m) breaks = { package: m[1]!, version: m[2]! };

  tdb = await openTestPglite();
  store = new DepDbStore(tdb.db);
  const names = [...parsePackagesIndex(readFileSync(indexFile), indexFile).values()].map((e) => ({
    name: e.name,
    version: e.version,
  }));
  const s = await store.beginImport(
    { release, arch: 'amd64' },
    { kind: 'apt', location: index.list, importedAt: new Date().toISOString() },
  );
  await s.putNames(names);
  await s.finishImport();
});
after(async () => {
  await tdb?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

function ready(t: TestContext): boolean {
  if (
    !requireTools(
      t,
      ['lz4', 'grep-dctrl', 'gcc', 'dpkg-deb', 'dpkg-source', 'dpkg-name'],
      'lz4 dctrl-tools gcc dpkg-dev',
    )
  )
    return false;
  if (tdb === undefined || debianMc === undefined) {
    unavailable(t, `no Packages index with mc in ${APT_LISTS} (run apt-get update)`);
    return false;
  }
  return true;
}

/** A directory upload mc-4.8.29/ holding one gcc-built executable, bin/mc. */
function upload(): string {
  const dir = join(tmp, 'up', 'mc-4.8.29');
  mkdirSync(join(dir, 'bin'), { recursive: true });
  writeFileSync(join(tmp, 'mc.c'), 'int main(void) { return 0; }\n');
  run('gcc', ['-o', join(dir, 'bin', 'mc'), join(tmp, 'mc.c')]);
  return dir;
}

const compare = (a: string, op: string, b: string): boolean =>
  spawnSync('dpkg', ['--compare-versions', a, op, b]).status === 0;

const BASE = { depends: 'libc6 (>= 2.34)', license: 'MIT' };

test("a clash with Debian's epoch'd mc: warned, the epoch taken, Debian's Breaks no longer hits; file names without it", async (t) => {
  if (!ready(t)) return;
  const epoch = /^(\d+):/.exec(debianMc!)?.[1];
  assert.ok(epoch, `Debian's mc has an epoch (${debianMc})`);
  const out = join(tmp, 'out');
  const r = await packageUpload(upload(), { out, build: true, store, release, overrides: BASE });
  const version = `${epoch}:4.8.29-1`;
  assert.equal(r.plan.version, version);
  assert.equal(r.plan.upstreamVersion, '4.8.29');
  const clash = r.plan.problems.find((p) => p.code === 'NAME_CLASHES_DEBIAN');
  assert.ok(clash, 'NAME_CLASHES_DEBIAN');
  assert.ok(clash.message.includes(`${release} has mc ${debianMc}`), clash.message);
  assert.ok(clash.message.includes(version), clash.message);
  assert.match(String(r.plan.fields.version?.source), new RegExp(`debian-epoch:${release}/mc=`));

  const deb = r.files.find((f) => f.kind === 'deb')!.path;
  const dsc = r.files.find((f) => f.kind === 'dsc')!.path;
  assert.equal(run('dpkg-deb', ['-f', deb, 'Version']).trim(), version);
  // dpkg-name renames a .deb to Debian's name for it: ours already is that name.
  const named = join(tmp, 'named');
  mkdirSync(named);
  copyFileSync(deb, join(named, 'x.deb'));
  run('dpkg-name', ['-o', join(named, 'x.deb')]);
  assert.deepEqual(readdirSync(named), [basename(deb)]);
  assert.equal(basename(deb), 'mc_4.8.29-1_amd64.deb'.replace('amd64', r.plan.architecture));
  assert.equal(basename(dsc), 'mc_4.8.29-1.dsc');
  // dpkg-source checks the .dsc's Version against the file names it lists and the changelog it unpacks.
  const x = spawnSync('dpkg-source', ['-x', dsc, join(tmp, 'x')], { encoding: 'utf8' });
  assert.equal(x.status, 0, x.stderr);
  assert.match(
    readFileSync(join(tmp, 'x', 'debian', 'changelog'), 'utf8'),
    new RegExp(`^mc \\(${version}\\) `),
  );
  const dscVersion = /^Version: (.+)$/m.exec(readFileSync(dsc, 'utf8'))?.[1];
  assert.equal(dscVersion, version);
  assert.ok(r.files.some((f) => basename(f.path) === 'mc_4.8.29.orig.tar.xz'));
  assert.ok(r.files.some((f) => basename(f.path) === 'mc_4.8.29-1.pkgme.json'));

  if (breaks !== undefined) {
    // What made apt refuse the corpus' mc: Debian's relation broke an epoch-less version, and breaks ours no more.
    assert.ok(compare('4.8.29-1', 'lt', breaks.version), `4.8.29-1 << ${breaks.version}`);
    assert.ok(!compare(version, 'lt', breaks.version), `${version} is not << ${breaks.version}`);
    console.log(`clash: ${breaks.package} Breaks mc (<< ${breaks.version}): 4.8.29-1 broken, ${version} not`);
  }
  console.log(`clash: ${clash.message}`);
});

test('--set version= wins as given (still warned); --set package= renames away from the clash', async (t) => {
  if (!ready(t)) return;
  const v = await packageUpload(upload(), {
    out: join(tmp, 'out-v'),
    store,
    release,
    overrides: { ...BASE, version: '4.8.29' },
  });
  assert.equal(v.plan.version, '4.8.29-1');
  const clash = v.plan.problems.find((p) => p.code === 'NAME_CLASHES_DEBIAN');
  assert.ok(clash && !clash.message.includes('epoch'), clash?.message);

  const p = await packageUpload(upload(), {
    out: join(tmp, 'out-p'),
    store,
    release,
    overrides: { ...BASE, name: 'mc-pkgme-test' },
  });
  assert.equal(p.plan.package, 'mc-pkgme-test');
  assert.equal(p.plan.version, '4.8.29-1');
  assert.ok(!p.plan.problems.some((q) => q.code === 'NAME_CLASHES_DEBIAN'));

  // A user who names the package mc on purpose is not warned of the name, but is told of the epoch it brought.
  const u = await packageUpload(upload(), {
    out: join(tmp, 'out-u'),
    store,
    release,
    overrides: { ...BASE, name: 'mc' },
  });
  assert.match(u.plan.version, /^\d+:4\.8\.29-1$/);
  assert.ok(u.plan.problems.some((q) => q.code === 'NAME_CLASHES_DEBIAN' && q.message.includes('epoch')));
});

test('a name Debian does not have: no warning, no epoch', async (t) => {
  if (!ready(t)) return;
  const dir = join(tmp, 'up2', 'zzz-pkgme-noclash-1.0');
  mkdirSync(join(dir, 'bin'), { recursive: true });
  run('gcc', ['-o', join(dir, 'bin', 'zzz-pkgme-noclash'), join(tmp, 'mc.c')]);
  const r = await packageUpload(dir, { out: join(tmp, 'out-n'), store, release, overrides: BASE });
  assert.equal(r.plan.version, '1.0-1');
  assert.ok(!r.plan.problems.some((q) => q.code === 'NAME_CLASHES_DEBIAN'));
});
