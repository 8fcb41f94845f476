/**
 * desktop-file-validate on the desktop entries inside the check fixtures: the check's verdict and error lines equal
 * the validator's own on the same files unpacked by `dpkg-deb -x` (an extraction independent of ours).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { requireTools, run } from '../../testing/env.ts';
import { checkFixtures, FIXTURE_TOOLS } from './check.fixture.ts';
import { readDebContents } from './contents.ts';
import { checkDesktopEntries, isDesktopEntry, parseDesktopValidate } from './desktop.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pkgme-desktop-check-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('good entry passes, broken entry fails, as desktop-file-validate says on dpkg-deb -x output', async (t) => {
  if (!requireTools(t, ['desktop-file-validate', ...FIXTURE_TOOLS], 'desktop-file-utils dpkg-dev gcc'))
    return;
  const fx = checkFixtures();
  for (const [deb, expectOk] of [
    [fx.good.deb, true],
    [fx.bad.deb, false],
  ] as const) {
    const r = await checkDesktopEntries(await readDebContents(deb, (p) => isDesktopEntry(p)));
    const dir = join(tmp, String(expectOk));
    run('dpkg-deb', ['-x', deb, dir]);
    const apps = join(dir, 'usr/share/applications');
    const files = readdirSync(apps).map((f) => join(apps, f));
    const oracle = spawnSync('desktop-file-validate', files, { encoding: 'utf8' });
    const oracleErrors = parseDesktopValidate(oracle.stdout).lines.filter((l) => l.level === 'error');
    assert.equal(r.ok, expectOk, r.errors.join('\n'));
    assert.equal(r.ok, oracle.status === 0 && oracleErrors.length === 0);
    assert.deepEqual(
      r.errors.map((e) => e.replace(/^.*?: error: /, '')),
      oracleErrors.map((l) => l.message),
    );
    assert.equal((r.details.files as unknown[]).length, files.length);
  }
});

test('an error the validator calls "will be fatal in the future" fails the check although it exits 0', () => {
  const out = parseDesktopValidate(
    'x.desktop: error: (will be fatal in the future): value "a.png" for key "Icon" …\nx.desktop: hint: h\n',
  );
  assert.deepEqual(
    out.lines.map((l) => l.level),
    ['error', 'hint'],
  );
});
