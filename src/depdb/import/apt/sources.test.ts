import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPkgmeError } from '../../../errors.ts';
import { requireTools, run } from '../../../testing/env.ts';
import { parseDeb822Sources, parseOneLineSources, parseSourceLine, readSystemSources } from './sources.ts';

test('the machine sources read as apt reads them (apt-get indextargets)', (t) => {
  if (!requireTools(t, ['apt-get'], 'apt')) return;
  const apt = new Set(
    run('apt-get', [
      'indextargets',
      '--format',
      '$(TARGET_OF) $(REPO_URI) $(RELEASE) $(COMPONENT)',
      'Created-By: Packages',
    ])
      .split('\n')
      .filter((l) => l.startsWith('deb '))
      .map((l) => l.slice(4).replace(/\/ /, ' ')),
  );
  const ours = new Set(
    readSystemSources().flatMap((s) => s.components.map((c) => `${s.uri} ${s.suite} ${c}`)),
  );
  console.log(
    `sources: ${ours.size} (URI, suite, component) from /etc/apt, ${apt.size} from apt-get indextargets`,
  );
  assert.ok(apt.size > 0);
  assert.deepEqual([...ours].sort(), [...apt].sort());
});

test('one-line entries: options, deb-src and comments skipped', () => {
  const s = parseOneLineSources(
    [
      '# comment',
      'deb [arch=amd64,i386 signed-by=/usr/share/keyrings/x.gpg trusted=yes] http://h.invalid/debian/ bookworm main contrib',
      'deb-src http://h.invalid/debian bookworm main',
      'deb http://h.invalid/debian bookworm-updates main # trailing comment',
      '',
    ].join('\n'),
    'sources.list',
  );
  assert.deepEqual(s, [
    {
      uri: 'http://h.invalid/debian',
      suite: 'bookworm',
      components: ['main', 'contrib'],
      archs: ['amd64', 'i386'],
      signedBy: { path: '/usr/share/keyrings/x.gpg' },
      origin: 'sources.list:2',
    },
    {
      uri: 'http://h.invalid/debian',
      suite: 'bookworm-updates',
      components: ['main'],
      archs: [],
      origin: 'sources.list:4',
    },
  ]);
});

test('deb822 entries: URIs × Suites, inline Signed-By, Enabled: no, Types without deb', () => {
  const text = [
    'Types: deb deb-src',
    'URIs: http://a.invalid/x http://b.invalid/y/',
    'Suites: s1 s2',
    'Components: main non-free-firmware',
    'Architectures: arm64',
    'Signed-By:',
    ' -----BEGIN PGP PUBLIC KEY BLOCK-----',
    ' .',
    ' mDMEZ',
    ' -----END PGP PUBLIC KEY BLOCK-----',
    '',
    'Types: deb',
    'URIs: http://c.invalid/',
    'Suites: off',
    'Components: main',
    'Enabled: no',
    '',
    'Types: deb-src',
    'URIs: http://d.invalid/',
    'Suites: src',
    'Components: main',
    '',
  ].join('\n');
  const s = parseDeb822Sources(text, 't.sources');
  assert.deepEqual(
    s.map((e) => `${e.uri} ${e.suite} ${e.components.join(',')} ${e.archs.join(',')}`),
    [
      'http://a.invalid/x s1 main,non-free-firmware arm64',
      'http://a.invalid/x s2 main,non-free-firmware arm64',
      'http://b.invalid/y s1 main,non-free-firmware arm64',
      'http://b.invalid/y s2 main,non-free-firmware arm64',
    ],
  );
  const sb = s[0]!.signedBy;
  assert.ok(sb && 'inline' in sb);
  assert.equal(
    sb.inline,
    '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ\n-----END PGP PUBLIC KEY BLOCK-----',
  );
});

test('bad lines are APT_SOURCES_SYNTAX naming the place', () => {
  for (const line of [
    'deb',
    'deb http://h.invalid/ bookworm',
    'rpm http://h.invalid/ x main',
    'deb http://h.invalid/ ./ ',
  ]) {
    assert.throws(
      () => parseSourceLine(line, 'x.list:3'),
      (e: unknown) => isPkgmeError(e) && e.code === 'APT_SOURCES_SYNTAX' && e.message.startsWith('x.list:3'),
      line,
    );
  }
});
