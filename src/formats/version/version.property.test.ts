import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compareVersions } from './compare.ts';
import { checkVersion, formatVersion, parseVersion } from './parse.ts';

/** Versions built from the pieces that drive the ordering: digit runs (with zeros), letters, ~ + . and epochs. */
const part = (chars: string[]) =>
  fc.array(fc.constantFrom(...chars), { minLength: 0, maxLength: 8 }).map((a) => a.join(''));
const upstream = fc
  .tuple(
    fc.constantFrom('0', '1', '2', '10', '007'),
    part(['0', '1', '9', '.', '~', '+', 'a', 'z', 'Z', '00', '~~']),
  )
  .map(([a, b]) => a + b);
const revision = fc.option(
  part(['0', '1', '.', '~', '+', 'b', 'deb']).filter((r) => r !== ''),
  { nil: undefined },
);
const version = fc
  .tuple(fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }), upstream, revision)
  .map(([e, u, r]) => `${e === undefined ? '' : `${e}:`}${u}${r === undefined ? '' : `-${r}`}`);

test('compareVersions is a total order on generated versions', () => {
  fc.assert(
    fc.property(version, version, version, (a, b, c) => {
      const ab = compareVersions(a, b);
      assert.equal(compareVersions(b, a), -ab || 0, 'antisymmetric');
      assert.equal(compareVersions(a, a), 0, 'reflexive');
      if (ab <= 0 && compareVersions(b, c) <= 0) assert.ok(compareVersions(a, c) <= 0, 'transitive');
    }),
    { numRuns: 3000 },
  );
});

test('format(parse(x)) is stable and compares equal to x', () => {
  fc.assert(
    fc.property(version, (v) => {
      const r = checkVersion(v);
      fc.pre(!('problem' in r) && r.warning === undefined);
      const once = formatVersion(parseVersion(v));
      assert.equal(formatVersion(parseVersion(once)), once);
      assert.equal(compareVersions(once, v), 0);
    }),
    { numRuns: 3000 },
  );
});
