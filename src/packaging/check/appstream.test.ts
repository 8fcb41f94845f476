/**
 * appstreamcli on the metainfo inside the check fixtures: the verdict equals `appstreamcli validate-tree` on the
 * package unpacked by `dpkg-deb -x`, and the broken metainfo (no summary) fails with the validator's tag.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { requireTools, run } from '../../testing/env.ts';
import { checkFixtures, FIXTURE_TOOLS } from './check.fixture.ts';
import { checkAppstream, isAppstreamTreeFile } from './appstream.ts';
import { readDebContents } from './contents.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pkgme-appstream-check-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('good metainfo passes, one without summary fails; verdicts equal validate-tree on dpkg-deb -x', async (t) => {
  if (!requireTools(t, ['appstreamcli', ...FIXTURE_TOOLS], 'appstream dpkg-dev gcc')) return;
  const fx = checkFixtures();
  for (const [deb, expectOk] of [
    [fx.good.deb, true],
    [fx.bad.deb, false],
  ] as const) {
    const r = await checkAppstream(await readDebContents(deb, (p) => isAppstreamTreeFile(p)));
    const dir = join(tmp, String(expectOk));
    run('dpkg-deb', ['-x', deb, dir]);
    const oracle = spawnSync('appstreamcli', ['validate-tree', '--no-net', dir], { encoding: 'utf8' });
    assert.equal(r.ok, expectOk, r.errors.join('\n'));
    assert.equal(r.ok, oracle.status === 0, oracle.stdout);
    assert.equal((r.details.files as unknown[]).length, 1);
    if (!expectOk)
      assert.ok(
        r.errors.some((e) => /E: .*summary/.test(e)),
        r.errors.join('\n'),
      );
  }
});
