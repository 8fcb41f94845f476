import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PkgmeError } from '../../errors.ts';
import { requireTools } from '../../testing/env.ts';
import {
  aptParagraphs,
  aptSourcesParagraphs,
  dpkgStatusParagraphs,
  type Paragraph,
} from '../version/apt-index.fixture.ts';
import { formatRelations } from './format.ts';
import { parseRelations } from './parse.ts';
import { perlDeps } from './perl-deps.fixture.ts';

const BINARY_FIELDS = [
  'Depends',
  'Pre-Depends',
  'Recommends',
  'Suggests',
  'Enhances',
  'Breaks',
  'Conflicts',
  'Provides',
  'Replaces',
  'Built-Using',
  'Static-Built-Using',
];
const SOURCE_FIELDS = [
  'Build-Depends',
  'Build-Depends-Indep',
  'Build-Depends-Arch',
  'Build-Conflicts',
  'Build-Conflicts-Indep',
  'Build-Conflicts-Arch',
];

function ours(field: string, value: string): string {
  try {
    return formatRelations(parseRelations(value, { field }));
  } catch (err) {
    if (err instanceof PkgmeError && err.code === 'RELATION_SYNTAX') return 'ERROR';
    throw err;
  }
}

test('every relation field of the apt indices and dpkg status parses and formats like Dpkg::Deps', (t) => {
  if (!requireTools(t, ['perl', 'lz4'], 'libdpkg-perl lz4')) return;
  const counts = { paragraphs: 0, fields: 0, sourceParagraphs: 0, sourceFields: 0 };
  const unique = new Map<string, [string, string]>();
  const take = (paragraphs: Paragraph[], names: string[], key: 'fields' | 'sourceFields') => {
    for (const p of paragraphs) {
      for (const f of names) {
        const v = p.get(f);
        if (v === undefined) continue;
        counts[key]++;
        unique.set(`${f}\t${v}`, [f, v]);
      }
    }
  };
  const binary = [...aptParagraphs(), ...dpkgStatusParagraphs()];
  counts.paragraphs = binary.length;
  take(binary, BINARY_FIELDS, 'fields');
  const sources = aptSourcesParagraphs();
  counts.sourceParagraphs = sources.length;
  take(sources, SOURCE_FIELDS, 'sourceFields');

  const fields = [...unique.values()];
  const t0 = Date.now();
  const oracle = perlDeps(fields);
  const perlMs = Date.now() - t0;
  const t1 = Date.now();
  const answers = fields.map(([f, v]) => ours(f, v));
  const oursMs = Date.now() - t1;
  const mismatches: string[] = [];
  let rejected = 0;
  fields.forEach(([f, v], i) => {
    if (answers[i] === 'ERROR') rejected++;
    if (answers[i] !== oracle[i]) mismatches.push(`${f}: ${v}\n  ours: ${answers[i]}\n  perl: ${oracle[i]}`);
  });
  console.log(
    `relations: ${counts.fields} binary fields in ${counts.paragraphs} paragraphs, ${counts.sourceFields} build ` +
      `fields in ${counts.sourceParagraphs} Sources paragraphs; ${fields.length} distinct compared with Dpkg::Deps ` +
      `(perl ${perlMs} ms, ours ${oursMs} ms), ${rejected} rejected, ${mismatches.length} mismatches`,
  );
  assert.ok(fields.length > 10000, `only ${fields.length} fields`);
  assert.equal(rejected, 0, 'every real field must parse');
  assert.deepEqual(mismatches.slice(0, 10), []);
});
