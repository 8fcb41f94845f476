/**
 * checkPackage end to end on the check fixtures: the pkgme-shaped package and its source pass all four checks
 * (lintian, desktop-file-validate, appstreamcli, install in the bookworm chroot); the broken package fails exactly the
 * three checks its defects belong to; the report survives a JSON round trip unchanged.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPkgmeError } from '../../errors.ts';
import { cacheDir, requireTools, unavailable } from '../../testing/env.ts';
import { checkFixtures, FIXTURE_TOOLS } from './check.fixture.ts';
import { chrootUnavailable } from './chroot.ts';
import { checkPackage } from './index.ts';

const TOOLS = ['lintian', 'desktop-file-validate', 'appstreamcli', ...FIXTURE_TOOLS];
const PKGS = 'lintian desktop-file-utils appstream dpkg-dev gcc';

test('good .deb + .dsc with --install: every check passes; the report is plain JSON', async (t) => {
  if (!requireTools(t, TOOLS, PKGS)) return;
  const why = chrootUnavailable();
  if (why) return unavailable(t, why);
  const fx = checkFixtures();
  const start = performance.now();
  const report = await checkPackage({ ...fx.good, install: true, chrootRoot: cacheDir('chroots') });
  console.log(`checkPackage good with install: ${((performance.now() - start) / 1000).toFixed(1)} s`);
  assert.deepEqual(
    report.checks.map((c) => [c.name, c.ok, c.errors]),
    [
      ['lintian', true, []],
      ['desktop-file-validate', true, []],
      ['appstreamcli', true, []],
      ['install', true, []],
    ],
  );
  assert.equal(report.ok, true);
  assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
});

test('broken .deb: lintian, desktop-file-validate and appstreamcli fail, each with its reason', async (t) => {
  if (!requireTools(t, TOOLS, PKGS)) return;
  const fx = checkFixtures();
  const report = await checkPackage({ deb: fx.bad.deb });
  assert.equal(report.ok, false);
  const failed = Object.fromEntries(report.checks.map((c) => [c.name, c.ok ? [] : c.errors]));
  assert.ok(failed['lintian']!.some((e) => e.includes('dir-or-file-in-opt')));
  assert.ok(failed['desktop-file-validate']!.some((e) => e.includes('"Bogus"')));
  assert.ok(failed['appstreamcli']!.some((e) => e.includes('summary')));
  assert.equal(report.checks.length, 3);
});

test('usage errors: nothing to check, --install without a .deb', async () => {
  await assert.rejects(checkPackage({}), (e) => isPkgmeError(e) && e.code === 'CHECK_NOTHING');
  await assert.rejects(
    checkPackage({ dsc: 'x.dsc', install: true }),
    (e) => isPkgmeError(e) && e.code === 'CHECK_INSTALL_NEEDS_DEB',
  );
});
