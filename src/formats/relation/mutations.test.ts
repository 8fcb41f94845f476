import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PkgmeError } from '../../errors.ts';
import { prng } from '../../testing/fuzz.ts';
import { requireTools } from '../../testing/env.ts';
import { aptParagraphs, aptSourcesParagraphs } from '../version/apt-index.fixture.ts';
import { formatRelations } from './format.ts';
import { parseRelations } from './parse.ts';
import { perlDeps } from './perl-deps.fixture.ts';
import { checkVersion } from '../version/parse.ts';

function isValid(v: string): boolean {
  const r = checkVersion(v);
  return !('problem' in r) && r.warning === undefined;
}

/**
 * Where we are deliberately stricter than Dpkg::Deps (docs/versions-relations.md): it never checks versions or
 * profile names, and it drops a trailing `|`. A case outside these, or any case where both accept but disagree on
 * the text, or where Dpkg::Deps rejects and we accept, fails the test.
 */
function deliberate(value: string, err: PkgmeError, perl: string): boolean {
  const problem = String(err.details.problem);
  // Dpkg::Deps keeps whatever its regex captured as the version (even `=` from `(>= )`); dpkg itself refuses it.
  const versions = [...perl.matchAll(/\((?:<<|<=|=|>=|>>) ([^)]*)\)/g)].map((m) => m[1]!);
  if (versions.some((v) => !v.includes('${') && !isValid(v))) return true;
  if (/^invalid build profile list entry|^empty build profile list/.test(problem)) return true;
  if (problem === 'expected a package name') {
    const before = value.slice(0, Number(err.details.offset)).trimEnd();
    return before.endsWith('|') && /^\s*(,|$)/.test(value.slice(Number(err.details.offset)));
  }
  return false;
}

test('mutated real Build-Depends (or Depends): accepted, rejected and formatted like Dpkg::Deps', (t) => {
  if (!requireTools(t, ['perl', 'lz4'], 'libdpkg-perl lz4')) return;
  // Build-Depends exercise arch lists and profiles; without a Sources index, fall back to Packages' Depends.
  const sources = aptSourcesParagraphs();
  const field = sources.length > 0 ? 'Build-Depends' : 'Depends';
  const values = (sources.length > 0 ? sources : aptParagraphs())
    .map((p) => p.get(field))
    .filter((v): v is string => v !== undefined)
    .slice(0, 5000);
  assert.ok(values.length > 1000, `only ${values.length} ${field} fields`);
  const rnd = prng(11);
  const chars = [
    ' ',
    ',',
    '|',
    '(',
    ')',
    '[',
    ']',
    '<',
    '>',
    '!',
    ':',
    '=',
    '~',
    '$',
    '{',
    '}',
    '\n',
    'a',
    '1',
    '-',
  ];
  const fields: Array<[string, string]> = [];
  for (let i = 0; i < 15000; i++) {
    let v = values[Math.floor(rnd() * values.length)]!;
    const at = Math.floor(rnd() * v.length);
    const c = chars[Math.floor(rnd() * chars.length)]!;
    const op = i % 3;
    v = op === 0 ? v.slice(0, at) + c + v.slice(at) : v.slice(0, at) + (op === 1 ? '' : c) + v.slice(at + 1);
    fields.push([field, v]);
  }
  const oracle = perlDeps(fields);
  const bad: string[] = [];
  let deliberateCount = 0;
  let agreedRejects = 0;
  fields.forEach(([f, v], i) => {
    let ours: string;
    try {
      ours = formatRelations(parseRelations(v, { field: f }));
    } catch (err) {
      if (!(err instanceof PkgmeError)) throw err;
      if (oracle[i] === 'ERROR') agreedRejects++;
      else if (deliberate(v, err, oracle[i]!)) deliberateCount++;
      else bad.push(`${JSON.stringify(v)}: ours ${err.message}; perl ${oracle[i]}`);
      return;
    }
    if (ours !== oracle[i]) bad.push(`${JSON.stringify(v)}: ours ${ours}; perl ${oracle[i]}`);
  });
  console.log(
    `relation mutations: ${fields.length} compared with Dpkg::Deps, both reject ${agreedRejects}, ` +
      `deliberately stricter ${deliberateCount}, ${bad.length} mismatches`,
  );
  assert.deepEqual(bad.slice(0, 10), []);
});
