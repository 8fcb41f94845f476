/**
 * Overrides against the real tools: names vs `dpkg --validate-pkgname`, versions and revisions vs
 * `dpkg --validate-version`, architectures vs `dpkg-architecture -L`, depends vs perl's Dpkg::Deps canonical form;
 * and the error shapes (unknown field → usage, bad value → input with value, why and example).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { exitCodeFor, PkgmeError } from '../errors.ts';
import { guess } from '../inspect/guess/field.ts';
import { perlDeps } from '../formats/relation/perl-deps.fixture.ts';
import { requireTools, run } from '../testing/env.ts';
import {
  applyOverrides,
  DEBIAN_ARCHITECTURES,
  parseDate,
  parseSetArgs,
  readOverridesFile,
  validateOverride,
} from './overrides.ts';
import { SETTABLE_FIELDS } from './types.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pkgme-overrides-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function accepted(field: Parameters<typeof validateOverride>[0], v: string): boolean {
  try {
    validateOverride(field, v, 'test');
    return true;
  } catch (err) {
    assert.ok(err instanceof PkgmeError && err.code === 'INVALID_OVERRIDE', String(err));
    assert.equal(err.kind, 'input');
    return false;
  }
}

function dpkgOk(args: string[]): boolean {
  return spawnSync('dpkg', args, { stdio: 'ignore' }).status === 0;
}

const NAMES = [
  'hello',
  'g++',
  'libstdc++6',
  'a',
  'ab',
  '0ad',
  'python3.11',
  'Foo',
  'foo_bar',
  'foo bar',
  '-foo',
  '.foo',
  '+foo',
  'foo-',
  'foo.',
  'foo+',
  'foo:bar',
  'föo',
  'x'.repeat(200),
  'my-app.2',
];

test('name: never accepts what dpkg --validate-pkgname refuses; stricter only where Policy 5.6.1 is', (t) => {
  if (!requireTools(t, ['dpkg'], 'dpkg')) return;
  const stricter: string[] = [];
  for (const n of NAMES) {
    const dpkg = dpkgOk(['--validate-pkgname', n]);
    const ours = accepted('name', n);
    if (ours) assert.ok(dpkg, `name ${JSON.stringify(n)} accepted but dpkg refuses it`);
    else if (dpkg) {
      // dpkg accepts upper case, "_" and one-character names; Policy (and lintian) does not.
      assert.ok(
        n.length < 2 || /[A-Z_]/.test(n),
        `name ${JSON.stringify(n)} refused, dpkg and Policy accept it`,
      );
      stricter.push(n);
    }
  }
  console.log(
    `names: ${NAMES.length} checked with dpkg --validate-pkgname; stricter by Policy on ${stricter.join(' ')}`,
  );
});

const VERSIONS = [
  '1.0',
  '1.2.3',
  '2:1.0',
  '1.0~rc1',
  '1.0+dfsg',
  'abc',
  '',
  ' ',
  '1.0 beta',
  '1.0_1',
  'a:1',
  '1:',
  '1.0-1',
  '1.0-',
  '1.0:2',
  '20240101',
  '1..2',
  '1.0/2',
  '01.0',
  '-1',
];

test('version and revision: same verdict as dpkg --validate-version (a "-" in the version is refused)', (t) => {
  if (!requireTools(t, ['dpkg'], 'dpkg')) return;
  for (const v of VERSIONS) {
    const dpkg = dpkgOk(['--validate-version', v]) && !v.includes('-');
    assert.equal(accepted('version', v), dpkg, `version ${JSON.stringify(v)}: dpkg (and no -) says ${dpkg}`);
  }
  const revisions = ['1', '0ubuntu1', '1+b1', '1~bpo12+1', '1.2', 'a', '1-2', '1_2', '', '1 2', '~1'];
  for (const r of revisions) {
    const dpkg = r !== '' && dpkgOk(['--validate-version', `1.0-${r}`]) && !r.includes('-');
    assert.equal(accepted('revision', r), dpkg, `revision ${JSON.stringify(r)}: dpkg says ${dpkg}`);
  }
  console.log(
    `versions: ${VERSIONS.length} and ${revisions.length} revisions agree with dpkg --validate-version`,
  );
});

test('architecture: the Linux architectures of dpkg-architecture -L', (t) => {
  if (!requireTools(t, ['dpkg-architecture'], 'dpkg-dev')) return;
  const dpkg = run('dpkg-architecture', ['-L'])
    .split('\n')
    .filter((a) => a !== '' && !a.includes('-'))
    .sort();
  assert.deepEqual([...DEBIAN_ARCHITECTURES].sort(), dpkg);
  assert.ok(accepted('architecture', 'arm64'));
  assert.ok(accepted('architecture', 'all'));
  assert.ok(!accepted('architecture', 'x86_64'));
  assert.ok(!accepted('architecture', 'hurd-i386'));
});

test("depends: canonical form equal to Dpkg::Deps's, invalid ones refused as Dpkg::Deps refuses them", (t) => {
  if (!requireTools(t, ['perl'], 'libdpkg-perl')) return;
  const cases = [
    'libc6 (>= 2.34), libfoo1',
    'libc6(>=2.34),libgtk-3-0|libgtk2.0-0',
    'a (>> 1) | b (<< 2), c [amd64]',
    'libc6 (>= 2.34',
    'libc6 (=> 2)',
    'Foo_Bar',
    'libx11-6,, libxext6',
  ];
  const oracle = perlDeps(cases.map((c) => ['Depends', c]));
  for (const [i, c] of cases.entries()) {
    let ours: string;
    try {
      ours = validateOverride('depends', c, 'test');
    } catch {
      ours = 'ERROR';
    }
    assert.equal(ours, oracle[i], `depends ${JSON.stringify(c)}`);
  }
});

test('other fields: maintainer, homepage, license, date, section, summary', () => {
  assert.equal(
    validateOverride('maintainer', ' Jane Doe  <jane@example.org> ', 't'),
    'Jane Doe <jane@example.org>',
  );
  for (const bad of [
    'Jane Doe',
    'jane@example.org',
    'Jane <jane@localhost>',
    'J <j@host.localdomain>',
    'A, B <a@b.org>',
  ])
    assert.ok(!accepted('maintainer', bad), bad);
  assert.ok(accepted('homepage', 'https://example.org/app'));
  for (const bad of ['ftp://example.org', 'example.org', 'javascript:alert(1)', 'http://'])
    assert.ok(!accepted('homepage', bad), bad);
  for (const ok of [
    'MIT',
    'GPL-3.0-or-later',
    'proprietary',
    'LicenseRef-Foo',
    '(MIT OR Apache-2.0) AND BSD-3-Clause',
    'GPL-2.0-or-later WITH Classpath-exception-2.0',
  ])
    assert.ok(accepted('license', ok), ok);
  for (const bad of ['MIT OR', '(MIT', 'MIT Apache-2.0', 'my license!'])
    assert.ok(!accepted('license', bad), bad);
  assert.equal(parseDate('2024-05-01T12:00:00Z'), 1714564800);
  assert.equal(parseDate('2024-05-01'), 1714521600);
  assert.equal(parseDate('1714564800'), 1714564800);
  assert.equal(parseDate('yesterday'), undefined);
  assert.equal(parseDate('2024-13-45'), undefined);
  assert.equal(validateOverride('date', '2024-05-01T12:00:00+02:00', 't'), '1714557600');
  assert.ok(accepted('section', 'contrib/games'));
  assert.ok(!accepted('section', 'Games'));
  assert.ok(!accepted('summary', 'x'.repeat(81)));
  assert.ok(!accepted('summary', 'two\nlines'));
  assert.ok(!accepted('executables', '../etc/passwd'));
  assert.ok(!accepted('executables', '/usr/bin/x'));
  assert.ok(!accepted('icon', 'icons/app.png'));
});

test('parseSetArgs: lists, aliases, later wins; unknown field is a usage error listing the fields', () => {
  const o = parseSetArgs([
    'version=1.0',
    'categories=Utility, Development',
    'package=myapp',
    'version=2.0',
    'executables=bin/a,bin/b',
  ]);
  assert.deepEqual(o, {
    version: '2.0',
    categories: ['Utility', 'Development'],
    name: 'myapp',
    executables: ['bin/a', 'bin/b'],
  });
  assert.throws(
    () => parseSetArgs(['colour=blue']),
    (e: unknown) =>
      e instanceof PkgmeError &&
      e.code === 'INVALID_OVERRIDE' &&
      e.kind === 'usage' &&
      exitCodeFor(e) === 2 &&
      /colour/.test(e.message) &&
      SETTABLE_FIELDS.every((f) => e.hint!.includes(f)),
  );
  assert.throws(
    () => parseSetArgs(['version']),
    (e: unknown) => e instanceof PkgmeError && e.kind === 'usage',
  );
  assert.throws(
    () => parseSetArgs(['version=v1 .0']),
    (e: unknown) =>
      e instanceof PkgmeError &&
      e.kind === 'input' &&
      exitCodeFor(e) === 1 &&
      e.message.includes('"v1 .0"') &&
      e.hint!.includes('--set version=1.2.3'),
  );
  assert.throws(
    () => parseSetArgs(['name=My App']),
    (e: unknown) => e instanceof PkgmeError && e.hint!.includes('--set name=my-app'),
  );
});

test('readOverridesFile: same fields; bad JSON and bad types name the file and key', () => {
  const good = join(tmp, 'good.json');
  writeFileSync(
    good,
    JSON.stringify({ version: '1.2', categories: ['Game'], date: 1700000000, tagline: 'Fun' }),
  );
  assert.deepEqual(readOverridesFile(good), {
    version: '1.2',
    categories: ['Game'],
    date: '1700000000',
    summary: 'Fun',
  });
  const bad = join(tmp, 'bad.json');
  writeFileSync(bad, '{"version": ');
  assert.throws(
    () => readOverridesFile(bad),
    (e: unknown) => e instanceof PkgmeError && e.code === 'INVALID_OVERRIDE' && e.message.startsWith(bad),
  );
  const typed = join(tmp, 'typed.json');
  writeFileSync(typed, JSON.stringify({ version: 12 }));
  assert.throws(
    () => readOverridesFile(typed),
    (e: unknown) =>
      e instanceof PkgmeError &&
      e.message.includes(typed) &&
      e.message.includes('key "version"') &&
      /string/.test(e.message),
  );
  writeFileSync(typed, JSON.stringify({ nope: 'x' }));
  assert.throws(
    () => readOverridesFile(typed),
    (e: unknown) => e instanceof PkgmeError && e.kind === 'usage',
  );
  writeFileSync(typed, '[]');
  assert.throws(
    () => readOverridesFile(typed),
    (e: unknown) => e instanceof PkgmeError && /JSON object/.test(e.message),
  );
  assert.throws(
    () => readOverridesFile(join(tmp, 'missing.json')),
    (e: unknown) => e instanceof PkgmeError && e.code === 'OVERRIDES_FILE_UNREADABLE',
  );
});

test('applyOverrides: user wins with confidence 1, typed values, input untouched', () => {
  const fields = {
    name: guess('app', 'heuristic:upload-name', 0.7),
    version: guess('1.0', 'heuristic:upload-name', 0.7),
  };
  const out = applyOverrides(fields, { version: '2.0', date: '1700000000', categories: 'Game' });
  assert.deepEqual(out.version, { value: '2.0', source: 'user', confidence: 1 });
  assert.deepEqual(out.date, { value: 1700000000, source: 'user', confidence: 1 });
  assert.deepEqual(out.categories, { value: ['Game'], source: 'user', confidence: 1 });
  assert.equal(out.name, fields.name);
  assert.equal(fields.version.value, '1.0');
  assert.throws(() => applyOverrides(fields, { version: 'x y' }), PkgmeError);
});
