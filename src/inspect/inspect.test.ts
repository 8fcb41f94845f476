/**
 * inspectUpload in process: an empty dependency database becomes a problem entry (the guesses still come back),
 * --which-backends stops after detection, a .deb built by dpkg-deb is taken by the deb backend with its control
 * fields (compared with `dpkg-deb -f`), and a tree without ELF files is a typed NO_ELIGIBLE_BACKEND error.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { preparedPgliteDir } from '../db/testing.ts';
import { openStore } from '../depdb/store/open.ts';
import { isPkgmeError } from '../errors.ts';
import { requireTools, run } from '../testing/env.ts';
import { inspectUpload } from './inspect.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pkgme-inspect-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function appDir(): string {
  const dir = join(tmp, 'tool-2.3');
  mkdirSync(join(dir, 'bin'), { recursive: true });
  copyFileSync('/bin/true', join(dir, 'bin', 'tool'));
  copyFileSync('/bin/false', join(dir, 'bin', 'helper'));
  return dir;
}

test('an empty dependency database is a problem entry, not a failure', async () => {
  const db = preparedPgliteDir();
  const { store, close } = await openStore(db.dir);
  try {
    const r = await inspectUpload(appDir(), { store });
    assert.equal(r.backend, 'binary');
    assert.equal(r.fields.name?.value, 'tool');
    assert.equal(r.fields.version?.value, '2.3');
    assert.deepEqual(r.fields.executables?.value, ['bin/tool', 'bin/helper'], 'the package-named one first');
    assert.deepEqual(r.releases, {});
    const p = r.problems.find((x) => x.code === 'DEPDB_EMPTY');
    assert.equal(p?.message, 'dependency database empty: run pkgme depdb import');
    console.log(`inspect (empty db): ${Object.keys(r.fields).length} fields, ${r.problems.length} problems`);
  } finally {
    await close();
    db.cleanup();
  }
});

test('--which-backends lists every verdict and stops', async () => {
  const r = await inspectUpload(appDir(), { whichBackends: true });
  assert.equal(r.backend, null);
  assert.deepEqual(r.backends, [
    { name: 'binary', score: 70, reason: '2 ELF executables' },
    { name: 'deb', score: 0, reason: 'not a .deb' },
  ]);
  assert.deepEqual(r.fields, {});
});

test('a .deb is taken by the deb backend; its control fields match dpkg-deb -f', async (t) => {
  if (!requireTools(t, ['dpkg-deb'], 'dpkg')) return;
  const root = join(tmp, 'debroot');
  mkdirSync(join(root, 'DEBIAN'), { recursive: true });
  mkdirSync(join(root, 'usr', 'bin'), { recursive: true });
  copyFileSync('/bin/true', join(root, 'usr', 'bin', 'demo'));
  writeFileSync(
    join(root, 'DEBIAN', 'control'),
    'Package: demo\nVersion: 1.2-3\nArchitecture: amd64\nMaintainer: A B <a@example.org>\n' +
      'Description: a demo\n extended text\n',
  );
  const deb = join(tmp, 'demo_1.2-3_amd64.deb');
  run('dpkg-deb', ['--root-owner-group', '-b', root, deb]);
  const r = await inspectUpload(deb);
  assert.equal(r.backend, 'deb');
  const pairs: Array<[string, string]> = [
    ['name', 'Package'],
    ['architecture', 'Architecture'],
    ['maintainer', 'Maintainer'],
  ];
  for (const [field, key] of pairs) {
    assert.equal(r.fields[field]?.value, run('dpkg-deb', ['-f', deb, key]).trim(), field);
    assert.equal(r.fields[field]?.source, 'file:DEBIAN/control');
  }
  // The Debian revision is its own field (the re-packaged .deb keeps the whole version).
  assert.equal(
    `${r.fields.version?.value}-${r.fields.revision?.value}`,
    run('dpkg-deb', ['-f', deb, 'Version']).trim(),
  );
  assert.equal(r.fields.summary?.value, 'a demo');
  console.log(`deb backend: ${pairs.length} control fields matched dpkg-deb -f`);
});

test('no ELF files: NO_ELIGIBLE_BACKEND naming each backend’s reason', async () => {
  const dir = join(tmp, 'docs-only');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'README'), 'text\n');
  await assert.rejects(inspectUpload(dir), (err: unknown) => {
    assert.ok(isPkgmeError(err));
    assert.equal(err.code, 'NO_ELIGIBLE_BACKEND');
    assert.equal(
      err.message,
      'No eligible backends for docs-only. Tried binary (no ELF files found), deb (not a .deb)',
    );
    return true;
  });
});
