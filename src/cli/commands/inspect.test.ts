/**
 * `pkgme inspect` end to end on the sample upload (samples/build.sh) with a PGlite store filled by
 * `pkgme depdb import --local`: the backend, the guessed fields, the desktop entry checked by desktop-file-validate,
 * releases equal to `pkgme depdb resolve` on the same unpacked files; and the no-backend error with exit code 1.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { preparedPgliteDir } from '../../db/testing.ts';
import { pkgme, pkgmeOk } from '../../testing/cli.ts';
import { repoRoot, requireTools, run } from '../../testing/env.ts';

const db = preparedPgliteDir();
const tmp = mkdtempSync(join(tmpdir(), 'pkgme-inspect-cli-'));
after(() => {
  db.cleanup();
  rmSync(tmp, { recursive: true, force: true });
});

interface Field {
  value: unknown;
  source: string;
  confidence: number;
}

test('pkgme inspect --json on the sample upload', async (t) => {
  if (
    !requireTools(
      t,
      ['gcc', 'tar', 'desktop-file-validate'],
      'gcc tar libpng-dev zlib1g-dev desktop-file-utils',
    )
  )
    return;
  const tarball = run('bash', [join(repoRoot, 'samples', 'build.sh'), join(tmp, 'sample')]).trim();
  pkgmeOk('depdb', 'import', '--local', '--db', db.dir);
  const out = JSON.parse(pkgmeOk('inspect', tarball, '--json', '--db', db.dir)) as {
    backend: string;
    backends: Array<{ name: string; score: number; reason: string }>;
    fields: Record<string, Field>;
    releases: Record<string, { depends: string }>;
    problems: Array<{ severity: string; code: string }>;
  };
  assert.equal(out.backend, 'binary');
  assert.deepEqual(
    out.backends.map((b) => [b.name, b.score > 0, b.reason]),
    [
      ['binary', true, '1 ELF executable, 1 shared library'],
      ['deb', false, 'not a .deb'],
    ],
  );
  assert.equal(out.fields.name!.value, 'hello-pkgme');
  assert.equal(out.fields.version!.value, '1.0');
  assert.match(out.fields.name!.source, /^heuristic:/);
  assert.equal(out.fields.license!.value, 'MIT');
  assert.equal(out.fields.license!.source, 'file:hello-pkgme-1.0/LICENSE');
  assert.deepEqual(out.fields.executables!.value, ['hello-pkgme-1.0/bin/hello-pkgme']);
  assert.equal(out.fields.architecture!.value, run('dpkg', ['--print-architecture']).trim());
  assert.deepEqual(
    out.problems.filter((p) => p.severity === 'error'),
    [],
  );

  const desktop = join(tmp, 'hello-pkgme.desktop');
  writeFileSync(desktop, out.fields.desktop!.value as string);
  const v = run('desktop-file-validate', [desktop]);
  assert.equal(v.trim(), '', `desktop-file-validate: ${v}`);

  const unpacked = join(tmp, 'unpacked');
  mkdirSync(unpacked);
  run('tar', ['-xzf', tarball, '-C', unpacked]);
  const oracle = JSON.parse(pkgmeOk('depdb', 'resolve', unpacked, '--json', '--db', db.dir)) as {
    releases: Record<string, { depends: string }>;
  };
  assert.ok(Object.keys(oracle.releases).length > 0);
  assert.deepEqual(out.releases, oracle.releases);
  for (const [release, r] of Object.entries(out.releases))
    console.log(
      `inspect: ${release}: ${r.depends} (same as depdb resolve); ${Object.keys(out.fields).length} fields`,
    );

  const text = pkgmeOk('inspect', tarball, '--db', db.dir);
  assert.match(text, /^backend: binary\n/);
  const which = JSON.parse(pkgmeOk('inspect', tarball, '--which-backends', '--json')) as { backend: null };
  assert.equal(which.backend, null);
});

test('pkgme inspect: no eligible backend → typed error naming each reason, exit code 1', (t) => {
  if (!requireTools(t, ['tar'], 'tar')) return;
  const src = join(tmp, 'notes-1.0');
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, 'README'), 'just text\n');
  writeFileSync(join(src, 'notes.txt'), 'more text\n');
  const tarball = join(tmp, 'notes-1.0.tar.gz');
  run('tar', ['-czf', tarball, '-C', tmp, 'notes-1.0']);
  const r = pkgme('inspect', tarball, '--json', '--db', db.dir);
  console.log(`inspect of a text-only tarball: exit ${r.status}`);
  assert.equal(r.status, 1);
  assert.match(r.stdout + r.stderr, /NO_ELIGIBLE_BACKEND/);
  assert.match(
    r.stdout + r.stderr,
    /No eligible backends for notes-1\.0\.tar\.gz\. Tried binary \(no ELF files found\), deb \(not a \.deb\)/,
  );
});

test('pkgme inspect --set/--overrides: corrected fields with source "user"; bad values are typed errors', (t) => {
  if (!requireTools(t, ['gcc'], 'gcc')) return;
  const app = join(tmp, 'fixme-1.0');
  mkdirSync(join(app, 'bin'), { recursive: true });
  writeFileSync(join(tmp, 'fixme.c'), 'int main(void) { return 0; }\n');
  run('gcc', ['-o', join(app, 'bin', 'fixme'), join(tmp, 'fixme.c')]);
  const overrides = join(tmp, 'overrides.json');
  // depends given, so the plan needs no imported release (this test may run alone, before any import).
  writeFileSync(
    overrides,
    JSON.stringify({ version: '3.0', categories: ['Utility'], depends: 'libc6 (>= 2.34)' }),
  );
  const out = JSON.parse(
    pkgmeOk('inspect', app, '--json', '--db', db.dir, '--overrides', overrides, '--set', 'version=2.0'),
  ) as { fields: Record<string, Field>; plan: { package: string; version: string; categories: string[] } };
  assert.deepEqual(
    out.fields.version,
    { value: '2.0', source: 'user', confidence: 1 },
    '--set wins over the file',
  );
  assert.deepEqual(out.fields.categories, { value: ['Utility'], source: 'user', confidence: 1 });
  assert.equal(out.fields.name!.value, 'fixme');
  assert.notEqual(out.fields.name!.source, 'user');
  // The plan `pkgme package` would follow, with the corrections.
  assert.equal(out.plan.package, 'fixme');
  assert.equal(out.plan.version, '2.0-1');
  assert.deepEqual(out.plan.categories, ['Utility']);

  // Without dependency data the plan carries the error `pkgme package` would stop on, with its fix.
  const empty = preparedPgliteDir();
  try {
    const unplanned = JSON.parse(pkgmeOk('inspect', app, '--json', '--db', empty.dir)) as {
      plan: { problems: Array<{ severity: string; code: string; hint?: string }> };
    };
    const e = unplanned.plan.problems.find((p) => p.severity === 'error');
    assert.equal(e?.code, 'DEPENDS_UNKNOWN');
    assert.match(e.hint ?? '', /depdb import/);
    const r = pkgme('package', app, '--json', '--db', empty.dir, '--out', join(tmp, 'unplanned'));
    assert.equal(r.status, 1);
    assert.equal((JSON.parse(r.stdout) as { error: { code: string } }).error.code, 'DEPENDS_UNKNOWN');
  } finally {
    empty.cleanup();
  }

  const bad = pkgme('inspect', app, '--json', '--db', db.dir, '--set', 'version=not valid!');
  assert.equal(bad.status, 1);
  assert.equal((JSON.parse(bad.stdout) as { error: { code: string } }).error.code, 'INVALID_OVERRIDE');
  const unknown = pkgme('inspect', app, '--json', '--db', db.dir, '--set', 'colour=blue');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stdout, /colour/);
});
