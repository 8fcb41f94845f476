import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prng } from '../../testing/fuzz.ts';
import { requireTools } from '../../testing/env.ts';
import { PkgmeError } from '../../errors.ts';
import { dpkgCheck } from './dpkg-oracle.fixture.ts';
import { checkVersion, formatVersion, parseVersion, parseVersionLax } from './parse.ts';

const HAND = [
  ' ',
  '1.0',
  ' 1.0 ',
  '\t1.0',
  '1 0',
  '1:',
  ':1',
  'a:1',
  '-1:1',
  '-0:1',
  '+1:1',
  ' -1:1',
  '2147483647:1',
  '2147483648:1',
  '99999999999999999999:1',
  '-99999999999999999999:1',
  '1.0-',
  '-1',
  '-',
  '1:-1',
  'a1',
  '1_0',
  '1.0-1_2',
  '1:2:3',
  '1.0-a:b',
  '\v1:2',
  '\n1:2',
  '1\n',
  '1-1-1',
  '0:',
  '1.0~-1',
  'é',
  '1.0é',
  '00:1',
  '1:a',
  '1.0:1',
  '1.0-1.0~b+c',
];

/** Random strings over the characters that matter to the rules. */
function generated(n: number): string[] {
  const rnd = prng(7);
  const alphabet = ['0', '1', '9', 'a', 'Z', '.', '-', '+', '~', ':', ' ', '\t', '_', 'é', '\v', '00', '12'];
  const out: string[] = [];
  while (out.length < n) {
    const len = 1 + Math.floor(rnd() * 7);
    let s = '';
    for (let i = 0; i < len; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
    out.push(s);
  }
  return out;
}

function ours(v: string): string {
  const r = checkVersion(v);
  if ('problem' in r) return `${r.problem.severity}: ${r.problem.reason}`;
  return r.warning ? `${r.warning.severity}: ${r.warning.reason}` : 'ok';
}

test('checkVersion gives the same verdict and reason as dpkg', async (t) => {
  if (!requireTools(t, ['dpkg'], 'dpkg')) return;
  const inputs = [...HAND, ...generated(3000)];
  const oracle = await dpkgCheck(inputs);
  const mismatches = inputs
    .map((v, i) => ({ v, ours: ours(v), dpkg: oracle[i] }))
    .filter((r) => r.ours !== r.dpkg)
    .map((r) => `${JSON.stringify(r.v)}: ours ${r.ours}, dpkg ${r.dpkg}`);
  const verdicts = new Map<string, number>();
  for (const o of oracle) verdicts.set(o!, (verdicts.get(o!) ?? 0) + 1);
  console.log(
    `version validity: ${inputs.length} strings checked against dpkg, ${verdicts.size} distinct verdicts, ` +
      `${mismatches.length} mismatches`,
  );
  assert.deepEqual(mismatches.slice(0, 20), []);
});

test('strict parse rejects warnings, lax parse returns them', () => {
  assert.throws(
    () => parseVersion('a1'),
    (e: unknown) =>
      e instanceof PkgmeError &&
      e.code === 'VERSION_INVALID' &&
      e.message.includes('does not start with digit'),
  );
  const lax = parseVersionLax('a1');
  assert.equal(lax.warning?.reason, 'version number does not start with digit');
  assert.throws(
    () => parseVersionLax('1:'),
    (e: unknown) => e instanceof PkgmeError && e.code === 'VERSION_INVALID',
  );
});

test('parts and formatting', () => {
  assert.deepEqual(parseVersion('1:2.3-4-5'), { epoch: 1, upstream: '2.3-4', revision: '5' });
  assert.deepEqual(parseVersion('0:1:2'), { epoch: 0, upstream: '1:2', revision: '' });
  assert.equal(formatVersion(parseVersion('0:1:2')), '0:1:2');
  assert.equal(formatVersion(parseVersion('0:1.2-3')), '1.2-3');
  assert.equal(formatVersion(parseVersion('007:1.2')), '7:1.2');
});
