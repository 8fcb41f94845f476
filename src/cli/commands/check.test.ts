/**
 * `pkgme check`: inputs paired as lintian wants them (a .deb with the .dsc of the same name and version), a usage
 * error for anything else, and the real checks on a package built by `pkgme build` from the sample upload.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pkgme } from '../../testing/cli.ts';
import { requireTools, run } from '../../testing/env.ts';
import { pairInputs } from './check.ts';

test('pairInputs: a .deb goes with its own .dsc; the rest alone', () => {
  assert.deepEqual(
    pairInputs(['o/foo_1.0-1_amd64.deb', 'o/bar_2-1.dsc', 'o/foo_1.0-1.dsc', 'o/baz_3-1_all.deb']),
    [
      { deb: 'o/foo_1.0-1_amd64.deb', dsc: 'o/foo_1.0-1.dsc' },
      { deb: 'o/baz_3-1_all.deb' },
      { dsc: 'o/bar_2-1.dsc' },
    ],
  );
  // Same name, other version: not the same package build.
  assert.deepEqual(pairInputs(['foo_1.0-1_amd64.deb', 'foo_1.0-2.dsc']), [
    { deb: 'foo_1.0-1_amd64.deb' },
    { dsc: 'foo_1.0-2.dsc' },
  ]);
});

test('pkgme check on a file that is neither .deb nor .dsc: CHECK_INPUT, exit 2', () => {
  const r = pkgme('check', 'README.md', '--json');
  assert.equal(r.status, 2);
  const doc = JSON.parse(r.stdout) as { error: { code: string; message: string } };
  assert.equal(doc.error.code, 'CHECK_INPUT');
  assert.match(doc.error.message, /README\.md/);
});

test('pkgme check on a .deb whose desktop entry is broken: exit 1, CHECK_FAILED naming the check', (t) => {
  if (!requireTools(t, ['dpkg-deb', 'lintian', 'desktop-file-validate'], 'dpkg lintian desktop-file-utils'))
    return;
  const tmp = mkdtempSync(join(tmpdir(), 'pkgme-check-cli-'));
  try {
    const tree = join(tmp, 'tree');
    mkdirSync(join(tree, 'DEBIAN'), { recursive: true });
    mkdirSync(join(tree, 'usr', 'share', 'applications'), { recursive: true });
    writeFileSync(
      join(tree, 'DEBIAN', 'control'),
      'Package: broken\nVersion: 1.0-1\nArchitecture: all\nMaintainer: Pat <pat@example.org>\nDescription: broken desktop entry\n',
    );
    // No Type key: desktop-file-validate's error "required key "Type" in group "Desktop Entry" is not present".
    writeFileSync(
      join(tree, 'usr', 'share', 'applications', 'broken.desktop'),
      '[Desktop Entry]\nName=Broken\n',
    );
    const oracle = spawnSync('desktop-file-validate', [
      join(tree, 'usr', 'share', 'applications', 'broken.desktop'),
    ]);
    assert.notEqual(oracle.status, 0);
    const deb = join(tmp, 'broken_1.0-1_all.deb');
    run('dpkg-deb', ['--root-owner-group', '--build', tree, deb]);
    const r = pkgme('check', deb, '--json');
    assert.equal(r.status, 1, r.stderr);
    const doc = JSON.parse(r.stdout) as {
      error: {
        code: string;
        message: string;
        details: { results: Array<{ checks: Array<{ name: string; ok: boolean }> }> };
      };
    };
    assert.equal(doc.error.code, 'CHECK_FAILED');
    assert.match(doc.error.message, /desktop-file-validate/);
    const checks = doc.error.details.results[0]!.checks;
    assert.equal(checks.find((c) => c.name === 'desktop-file-validate')?.ok, false);
    const text = pkgme('check', deb);
    assert.equal(text.status, 1);
    assert.match(text.stdout, /^FAILED desktop-file-validate$/m);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
