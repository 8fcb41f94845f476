import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addTo, compareDepends, emptyTotals, libraryDepends, withoutSelf } from './compare.ts';

test('compareDepends: groups keyed by their first package, exact when the canonical text is equal', () => {
  const c = compareDepends(
    'libc6 (>= 2.34), libfoo1 (>= 1.2) | libfoo-alt, libbar2',
    'libc6 (>= 2.34),libfoo1 (>= 1.3) | libfoo-alt, libbaz3 (>= 4)',
  );
  assert.deepEqual(c.common, ['libc6', 'libfoo-alt', 'libfoo1']);
  assert.deepEqual(c.extra, ['libbar2']);
  assert.deepEqual(c.missing, ['libbaz3']);
  assert.equal(c.referenceGroups, 3);
  assert.equal(c.exactGroups, 1);
  assert.deepEqual(c.differences, [
    'libfoo1 (>= 1.3) | libfoo-alt → libfoo1 (>= 1.2) | libfoo-alt',
    'libbaz3 (>= 4) → ∅',
    '∅ → libbar2',
  ]);
  assert.equal(c.identical, false);
  const t = emptyTotals();
  addTo(t, c);
  addTo(t, compareDepends('', ''));
  assert.deepEqual(t, {
    tp: 3,
    fp: 1,
    fn: 1,
    referenceGroups: 3,
    exactGroups: 1,
    packages: 2,
    identicalPackages: 1,
  });
});

test('libraryDepends keeps the groups naming a library package', () => {
  const isLib = (p: string): boolean => p.startsWith('lib');
  assert.equal(
    libraryDepends('perl, libc6 (>= 2.34), foo-data (= 1) | libfoo1, python3:any', isLib),
    'libc6 (>= 2.34), foo-data (= 1) | libfoo1',
  );
});

test('withoutSelf drops the groups naming the package itself', () => {
  assert.equal(
    withoutSelf('hedgewars (>= 1.0.2), libc6 (>= 2.34), foo | hedgewars', 'hedgewars'),
    'libc6 (>= 2.34)',
  );
});
