/**
 * The install test in a real bookworm (the machine's release) minbase chroot, cached in .cache/chroots: the
 * pkgme-shaped package installs and all its libraries resolve through its launcher's LD_LIBRARY_PATH; the package
 * whose program needs an unshipped library installs but fails the library check; a real Debian package passes; a
 * package with maintainer scripts is refused. The loader trace is compared with the chroot's own `ldd` (run here on
 * our trusted fixtures only) in the same environment.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { isPkgmeError } from '../../errors.ts';
import { builtDebs, realDebs } from '../../formats/deb/fixtures.ts';
import { wrapperScript } from '../layout.ts';
import { cacheDir, requireTools, unavailable } from '../../testing/env.ts';
import { checkFixtures, FIXTURE_TOOLS } from './check.fixture.ts';
import { chrootUnavailable } from './chroot.ts';
import { readDebContents } from './contents.ts';
import {
  checkInstall,
  isLauncherScript,
  launcherLibraryPath,
  parseRtldList,
  parseTrace,
  type LoaderReport,
} from './install.ts';

const keepScripts = (p: string, head: Buffer) => isLauncherScript(p, head);

function ready(t: Parameters<typeof requireTools>[0]): boolean {
  const why = chrootUnavailable();
  if (why) {
    unavailable(t, why);
    return false;
  }
  return requireTools(t, FIXTURE_TOOLS, 'dpkg-dev gcc');
}

/** The chroot's ldd on `path` with the same LD_LIBRARY_PATH: its "not found" sonames and found ones. */
function lddOracle(root: string, path: string, libraryPath: string[]) {
  // LD_LIBRARY_PATH set inside the chroot (not on the host's chroot command), as the check does.
  const r = spawnSync(
    'chroot',
    [root, '/bin/sh', '-c', 'LD_LIBRARY_PATH="$1" exec ldd "$2"', 'sh', libraryPath.join(':'), path],
    { encoding: 'utf8', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } },
  );
  return parseTrace(r.stdout);
}

test('pkgme-shaped package: installs, every library found through the launcher LD_LIBRARY_PATH, as ldd says', async (t) => {
  if (!ready(t)) return;
  const fx = checkFixtures();
  const contents = await readDebContents(fx.good.deb, keepScripts);
  const lib = `/usr/lib/${fx.good.pkg}/lib`;
  const oracle = new Map<string, ReturnType<typeof lddOracle>>();
  const exe = `/usr/lib/${fx.good.pkg}/bin/hello`;
  let bare: string[] = [];
  const r = await checkInstall(fx.good.deb, contents, {
    root: cacheDir('chroots'),
    inspect(root) {
      for (const p of [exe, `${lib}/libgreet.so.1`]) oracle.set(p, lddOracle(root, p, [lib]));
      bare = lddOracle(root, exe, []).missing;
    },
  });
  console.log(
    `install good: ${r.details.copy} copy ${r.details.copySeconds} s, apt-get install ${r.details.installSeconds} s`,
  );
  assert.deepEqual(r.errors, [], (r.details.installLog as string[]).join('\n'));
  assert.equal(r.ok, true);
  assert.deepEqual(r.details.libraryPath, [lib]);
  const elves = r.details.elfFiles as LoaderReport[];
  assert.deepEqual(elves.map((e) => e.path).sort(), [...oracle.keys()].sort());
  for (const e of elves) {
    assert.deepEqual(e.missing, oracle.get(e.path)!.missing, e.path);
    assert.deepEqual(Object.keys(e.found).sort(), Object.keys(oracle.get(e.path)!.found).sort(), e.path);
  }
  assert.equal(elves.find((e) => e.path === exe)!.found['libgreet.so.1'], `${lib}/libgreet.so.1`);
  // Without the launcher's environment the bundled library is not found: the environment is what made it pass.
  assert.deepEqual(bare, ['libgreet.so.1']);
  // The dependency apt downloaded is kept for the next install (overlay mode shares the download cache).
  if (r.details.copy === 'overlay') {
    assert.equal(r.details.sharedDownloads, true);
    const debs = readdirSync(join(cacheDir('chroots'), `${r.details.release as string}.debs`));
    assert.ok(
      debs.some((f) => f.startsWith('libpng16-16_')),
      debs.join(' '),
    );
  }
});

test('a program needing an unshipped library (cp copy mode): installs, the check names the library as ldd does', async (t) => {
  if (!ready(t)) return;
  const fx = checkFixtures();
  const contents = await readDebContents(fx.nolib.deb, keepScripts);
  const exe = `/usr/lib/${fx.nolib.pkg}/bin/hello`;
  let oracle: string[] = [];
  const r = await checkInstall(fx.nolib.deb, contents, {
    root: cacheDir('chroots'),
    copy: 'cp',
    inspect(root) {
      oracle = lddOracle(root, exe, [`/usr/lib/${fx.nolib.pkg}/lib`]).missing;
    },
  });
  console.log(`install nolib: ${r.details.copy} copy ${r.details.copySeconds} s`);
  assert.equal(r.details.copy, 'cp');
  assert.equal(r.ok, false);
  assert.deepEqual(r.errors, [`${exe}: libabsent.so.1 not found`]);
  assert.deepEqual(oracle, ['libabsent.so.1']);
});

test('a real Debian package (hello) installs with all libraries found', async (t) => {
  if (!ready(t)) return;
  const deb = realDebs().find((d) => basename(d).startsWith('hello_'))!;
  const r = await checkInstall(deb, await readDebContents(deb, keepScripts), { root: cacheDir('chroots') });
  assert.deepEqual(r.errors, []);
  const elves = r.details.elfFiles as LoaderReport[];
  assert.ok(elves.some((e) => e.path === '/usr/bin/hello' && e.kind === 'dynamic' && 'libc.so.6' in e.found));
});

test('a package with maintainer scripts is refused before anything runs', async () => {
  const deb = builtDebs()[0]!;
  await assert.rejects(
    checkInstall(deb, await readDebContents(deb, keepScripts), { root: '/nonexistent' }),
    (e) => isPkgmeError(e) && e.code === 'CHECK_MAINTAINER_SCRIPTS',
  );
});

test("the launcher pkgme generates is read back: its directories, and the caller's own path ignored", () => {
  const script = wrapperScript('/usr/lib/app/bin/app', ['/usr/lib/app/lib', '/usr/lib/app/plugins']);
  const lp = launcherLibraryPath(new Map([['/usr/bin/app', script]]));
  assert.deepEqual(lp.dirs, ['/usr/lib/app/lib', '/usr/lib/app/plugins']);
  assert.deepEqual(lp.launchers, ['/usr/bin/app']);
  assert.deepEqual(lp.unresolved, []);
  const rel = launcherLibraryPath(new Map([['/usr/bin/x', 'env LD_LIBRARY_PATH=$HERE/lib:/opt/y exec x\n']]));
  assert.deepEqual(rel.dirs, ['/opt/y']);
  assert.deepEqual(rel.unresolved, ['/usr/bin/x: $HERE/lib']);
});

test('RTLDLIST is read from the machine ldd script', (t) => {
  if (!requireTools(t, ['ldd'], 'libc-bin')) return;
  const text = spawnSync('cat', ['/usr/bin/ldd'], { encoding: 'utf8' }).stdout;
  const list = parseRtldList(text);
  assert.ok(list.length > 0);
  assert.ok(list.every((p) => p.startsWith('/')));
});
