import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compareVersions } from '../version/compare.ts';
import { formatRelations } from './format.ts';
import type { PackageAtom, RelationList } from './model.ts';
import { parseRelations } from './parse.ts';
import { simplifyRelations } from './simplify.ts';

const name = fc.stringMatching(/^[a-z0-9][a-z0-9+.-]{0,10}$/);
const version = fc.stringMatching(/^[0-9][0-9a-z.+~]{0,6}(-[0-9a-z.+~]{1,4})?$/);
const atom: fc.Arbitrary<PackageAtom> = fc.record(
  {
    type: fc.constant('package' as const),
    name,
    archQualifier: fc.constantFrom('any', 'amd64'),
    constraint: fc.record({ op: fc.constantFrom('<<', '<=', '=', '>=', '>>' as const), version }),
    arches: fc.array(fc.stringMatching(/^!?[a-z0-9][a-z0-9-]{0,8}$/), { minLength: 1, maxLength: 3 }),
    profiles: fc.array(
      fc.array(fc.stringMatching(/^!?[a-z0-9][a-z0-9.+-]{0,8}$/), { minLength: 1, maxLength: 2 }),
      {
        minLength: 1,
        maxLength: 2,
      },
    ),
  },
  { requiredKeys: ['type', 'name'] },
);
const list: fc.Arbitrary<RelationList> = fc.array(fc.array(atom, { minLength: 1, maxLength: 3 }), {
  maxLength: 6,
});

test('parse(format(model)) gives the model back and format is stable', () => {
  fc.assert(
    fc.property(list, (generated) => {
      // fast-check builds null-prototype records; compare against plain objects like the parser returns.
      const l = JSON.parse(JSON.stringify(generated)) as RelationList;
      const text = formatRelations(l);
      const back = parseRelations(text);
      assert.deepEqual(back, l);
      assert.equal(formatRelations(back), text);
      // Whitespace and folding do not matter.
      assert.deepEqual(parseRelations(text.replaceAll(', ', ',\n  ').replaceAll(' (', '(')), l);
    }),
    { numRuns: 2000 },
  );
});

test('simplify keeps the highest lower bound per package and is idempotent', () => {
  const plain = fc.array(
    fc.record({ n: fc.constantFrom('a', 'b', 'c'), v: fc.option(version, { nil: undefined }) }),
    { maxLength: 8 },
  );
  fc.assert(
    fc.property(plain, (items) => {
      const l: RelationList = items.map(({ n, v }) => [
        v === undefined
          ? { type: 'package', name: n }
          : { type: 'package', name: n, constraint: { op: '>=', version: v } },
      ]);
      const s = simplifyRelations(l);
      assert.deepEqual(simplifyRelations(s), s);
      for (const n of new Set(items.map((i) => i.n))) {
        const vs = items.filter((i) => i.n === n && i.v !== undefined).map((i) => i.v!);
        const got = s.filter((g) => g[0]!.type === 'package' && g[0]!.name === n);
        assert.equal(got.length, 1, `one entry for ${n}`);
        const c = (got[0]![0] as PackageAtom).constraint;
        if (vs.length === 0) assert.equal(c, undefined);
        else for (const v of vs) assert.ok(compareVersions(c!.version, v) >= 0);
      }
    }),
    { numRuns: 1000 },
  );
});
