/**
 * Differential test against dpkg's own parser: random control texts built from every kind of line (fields with odd
 * spacing, continuation lines with tabs and dots, comments, whitespace-only and CRLF lines, lines without colon,
 * duplicates in other case, hyphen names) are parsed by us and by Dpkg::Control::HashCore. Both must accept or
 * reject the same texts, agree on the paragraphs and every value, and what we accept must round-trip byte for byte.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { isPkgmeError } from '../../errors.ts';
import { requireTools } from '../../testing/env.ts';
import { formatDeb822, parseDeb822 } from './index.ts';

const names = [
  'Package',
  'package',
  'PACKAGE',
  'Version',
  'Depends',
  'Description',
  'Files',
  'X-A',
  'a',
  'B.c_d',
];
const values = ['', ' ', ' v', '  v  ', '\tv', ' a:b', ' v\t', ' é ü', ' -x', ' #x'];
const lineKinds: Array<fc.Arbitrary<string>> = [
  fc
    .tuple(fc.constantFrom(...names), fc.constantFrom('', '', '', ' ', '\t '), fc.constantFrom(...values))
    .map(([n, gap, v]) => `${n}${gap}:${v}`),
  fc.constantFrom(' x', '\tx', ' .', ' ..', '  two', ' . ', '\t.', ' #not a comment', ' a: b', '   '),
  fc.constantFrom('#c', '# X: y', '#'),
  fc.constantFrom('', ' ', '\t', ' \t ', '\r'),
  // Not 'junk': Dpkg's perl parser takes a lone word as a field without value, dpkg's C parser and we reject it
  // (deb822.test.ts checks that against dpkg-deb).
  fc.constantFrom('Foo bar', '-X: y', ':x', 'Foo bar: x'),
];

const doc = fc
  .tuple(
    fc.array(
      fc.tuple(
        fc.oneof(
          { weight: 6, arbitrary: lineKinds[0]! },
          { weight: 3, arbitrary: lineKinds[1]! },
          { weight: 1, arbitrary: lineKinds[2]! },
          { weight: 3, arbitrary: lineKinds[3]! },
          { weight: 1, arbitrary: lineKinds[4]! },
        ),
        fc.constantFrom('\n', '\n', '\n', '\r\n'),
      ),
      { maxLength: 14 },
    ),
    fc.boolean(),
  )
  .map(([lines, finalNewline]) => {
    const text = lines.map(([l, e]) => l + e).join('');
    return finalNewline ? text : text.replace(/\r?\n$/, '');
  });

interface DpkgResult {
  ok: number;
  p?: Array<Array<[string, string]>>;
  error?: string;
}

test('random control texts: same verdicts, paragraphs and values as Dpkg::Control::HashCore', (t) => {
  if (!requireTools(t, ['perl'], 'libdpkg-perl')) return;
  const seed = Number(process.env.PKGME_FUZZ_SEED ?? 42);
  const cases = fc.sample(doc, { numRuns: 3000, seed });
  const out = execFileSync('perl', [join(import.meta.dirname, 'testdata', 'dpkg-batch.pl')], {
    input: Buffer.from(cases.join('\0'), 'utf8'),
    maxBuffer: 1 << 28,
  }).toString('utf8');
  const results = out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as DpkgResult);
  assert.equal(results.length, cases.length);
  let accepted = 0;
  let values = 0;
  for (let i = 0; i < cases.length; i++) {
    const text = cases[i]!;
    const dpkg = results[i]!;
    let ours;
    try {
      ours = parseDeb822(text);
    } catch (err) {
      assert.ok(isPkgmeError(err), `untyped error on ${JSON.stringify(text)}`);
      assert.equal(dpkg.ok, 0, `we reject ${JSON.stringify(text)} (${(err as Error).message}), Dpkg accepts`);
      continue;
    }
    assert.equal(dpkg.ok, 1, `we accept ${JSON.stringify(text)}, Dpkg rejects: ${dpkg.error}`);
    const exp = dpkg.p!;
    assert.equal(ours.length, exp.length, `paragraph count for ${JSON.stringify(text)}`);
    for (let k = 0; k < exp.length; k++) {
      assert.deepEqual(
        ours[k]!.fields().map((n) => n.toLowerCase()),
        exp[k]!.map(([n]) => n.toLowerCase()),
      );
      for (const [n, v] of exp[k]!) {
        assert.equal(ours[k]!.get(n), v, `${n} in ${JSON.stringify(text)}`);
        values++;
      }
    }
    if (ours.length > 0) assert.ok(formatDeb822(ours) === text, `round trip of ${JSON.stringify(text)}`);
    accepted++;
  }
  console.log(
    `deb822 vs Dpkg on ${cases.length} random texts (seed ${seed}): ${accepted} accepted by both, ` +
      `${cases.length - accepted} rejected by both, ${values} values equal`,
  );
});
