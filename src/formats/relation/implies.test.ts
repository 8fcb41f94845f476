import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prng } from '../../testing/fuzz.ts';
import { requireTools } from '../../testing/env.ts';
import { aptParagraphs, aptSourcesParagraphs } from '../version/apt-index.fixture.ts';
import { formatRelations } from './format.ts';
import { relationFieldType, simplifyLikeDpkg } from './implies.ts';
import { parseRelations } from './parse.ts';
import { perlDeps } from './perl-deps.fixture.ts';

/**
 * Real fields rarely repeat a package, so besides every real field the corpus joins random pairs of fields of the
 * same name ("libc6 (>= 2.34), …, libc6 (>= 2.36), …"): that is where implication and merging decide.
 */
test('simplify_deps / union merge + sort equal Dpkg::Deps on real and joined fields', (t) => {
  if (!requireTools(t, ['perl', 'lz4'], 'libdpkg-perl lz4')) return;
  const byField = new Map<string, string[]>();
  const add = (f: string, v: string) => {
    let l = byField.get(f);
    if (l === undefined) byField.set(f, (l = []));
    l.push(v);
  };
  const binary = [
    'Depends',
    'Pre-Depends',
    'Recommends',
    'Suggests',
    'Breaks',
    'Conflicts',
    'Replaces',
    'Provides',
  ];
  for (const p of aptParagraphs()) for (const f of binary) if (p.get(f)) add(f, p.get(f)!);
  for (const p of aptSourcesParagraphs())
    for (const f of ['Build-Depends', 'Build-Depends-Indep', 'Build-Conflicts'])
      if (p.get(f)) add(f, p.get(f)!);
  const rnd = prng(5);
  const fields: Array<[string, string]> = [];
  for (const [f, values] of byField) {
    const unique = [...new Set(values)];
    for (const v of unique.slice(0, 6000)) fields.push([f, v]);
    for (let i = 0; i < Math.min(4000, unique.length); i++) {
      const a = unique[Math.floor(rnd() * unique.length)]!;
      const b = unique[Math.floor(rnd() * unique.length)]!;
      fields.push([f, `${a}, ${b}`]);
    }
  }
  const oracle = perlDeps(fields, true);
  let changed = 0;
  let perlRefused = 0;
  const bad: string[] = [];
  fields.forEach(([f, v], i) => {
    const parsed = parseRelations(v, { field: f });
    if (oracle[i] === 'ERROR') {
      // deps_parse refuses `|` in union fields (Enhances…); nothing to compare, but it must be that case.
      perlRefused++;
      if (!(relationFieldType(f) === 'union' && parsed.some((g) => g.length > 1)))
        bad.push(`${f}: ${v}: perl ERROR`);
      return;
    }
    const ours = formatRelations(simplifyLikeDpkg(parsed, f));
    if (ours !== formatRelations(parsed)) changed++;
    if (ours !== oracle[i]) bad.push(`${f}: ${v}\n  ours: ${ours}\n  perl: ${oracle[i]}`);
  });
  console.log(
    `dpkg simplify: ${fields.length} fields (${byField.size} field names, real + joined pairs) compared with ` +
      `Dpkg::Deps simplify_deps, ${changed} changed by simplification, ${perlRefused} refused by perl as unions, ` +
      `${bad.length} mismatches`,
  );
  assert.ok(changed > 1000, `only ${changed} fields exercised the simplification`);
  assert.deepEqual(bad.slice(0, 5), []);
});
