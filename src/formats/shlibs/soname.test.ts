import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { requireTools } from '../../testing/env.ts';
import { perlSplitSoname } from './dpkg-oracle.fixture.ts';
import { sonamesFor, splitSoname } from './soname.ts';

test('splitSoname: both of dpkg forms', () => {
  assert.deepEqual(splitSoname('libfoo.so.1'), { library: 'libfoo', soversion: '1' });
  assert.deepEqual(splitSoname('libfoo-1.2.so'), { library: 'libfoo', soversion: '1.2' });
  assert.equal(splitSoname('libfoo.so'), undefined);
  assert.deepEqual(sonamesFor('libfoo', '1.2'), ['libfoo.so.1.2', 'libfoo-1.2.so']);
  assert.deepEqual(sonamesFor('libfoo', 'x'), ['libfoo.so.x']);
});

test('splitSoname oracle: file names under the library dirs and odd names, against dpkg-shlibdeps split_soname', (t) => {
  if (!requireTools(t, ['perl', 'dpkg-shlibdeps'], 'dpkg-dev')) return;
  const names = new Set<string>();
  for (const dir of ['/usr/lib/x86_64-linux-gnu', '/usr/lib', '/usr/lib32', '/usr/libx32']) {
    try {
      for (const f of readdirSync(dir)) names.add(f);
    } catch {
      // Missing dirs are fine: these are samples.
    }
  }
  for (const odd of [
    '.so.1',
    'a.so.',
    'a.so.1.so.2',
    'a.so.1.so.',
    'libfoo-.so',
    'libfoo-1.so',
    '-1.so',
    'a-1-2.so',
    'a-b-1x.so',
    'x.so',
    'lib.so.so.so',
    'libfoo.so.1\n',
    'a.so.1\nb',
    'ld-linux-x86-64.so.2',
    'libc.so.6',
    'libfoo-1.2.so.3',
  ])
    names.add(odd);
  const list = [...names];
  const perl = perlSplitSoname(list);
  let split = 0;
  let mismatches = 0;
  list.forEach((name, i) => {
    const ours = splitSoname(name);
    const want = perl[i] ?? null;
    if (ours) split++;
    const got = ours ? [ours.library, ours.soversion] : null;
    // Names with a newline are documented as unsplittable (perl's `$` before a final \n differs); sonames never have one.
    if (name.includes('\n')) return;
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      mismatches++;
      console.log('mismatch', JSON.stringify(name), got, want);
    }
  });
  console.log(
    `splitSoname: ${list.length} names compared with dpkg-shlibdeps split_soname (${split} split), ${mismatches} mismatches`,
  );
  assert.equal(mismatches, 0);
});
