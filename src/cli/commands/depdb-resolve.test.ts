/**
 * `pkgme depdb resolve` end to end: a PGlite store filled with `pkgme depdb import --local`, then resolve on an
 * installed binary with --json (compared with dpkg-shlibdeps on the same file), the text form, and the errors
 * (release never imported, non-ELF input) with their exit codes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { preparedPgliteDir } from '../../db/testing.ts';
import { pkgme, pkgmeOk } from '../../testing/cli.ts';
import { requireTools } from '../../testing/env.ts';
import { runDpkgShlibdeps, scratchTree } from '../../depdb/resolve/testing/oracle.ts';

const db = preparedPgliteDir();
const tmp = mkdtempSync(join(tmpdir(), 'pkgme-resolve-cli-'));
after(() => {
  db.cleanup();
  rmSync(tmp, { recursive: true, force: true });
});

test('pkgme depdb resolve: --json equals dpkg-shlibdeps, text form, typed errors', async (t) => {
  if (!requireTools(t, ['dpkg-shlibdeps'], 'dpkg-dev')) return;
  pkgmeOk('depdb', 'import', '--local', '--db', db.dir);
  const out = JSON.parse(pkgmeOk('depdb', 'resolve', '/usr/bin/ls', '--json', '--db', db.dir)) as {
    releases: Record<
      string,
      { depends: string; dependencies: Array<{ package: string; reasons: unknown[] }> }
    >;
  };
  const [release, v] = Object.entries(out.releases)[0]!;
  const oracle = await runDpkgShlibdeps(scratchTree(join(tmp, 'tree')), ['/usr/bin/ls']);
  console.log(`cli: ${release}: ${v.depends} | dpkg-shlibdeps: ${oracle.depends}`);
  assert.equal(v.depends, oracle.depends);
  assert.ok(v.dependencies.every((d) => d.reasons.length > 0));

  const text = pkgmeOk('depdb', 'resolve', '/usr/bin/ls', '--db', db.dir);
  assert.match(text, new RegExp(`^${release}: satisfiable\\n  \\[amd64\\] Depends: `));

  const missing = pkgme(
    'depdb',
    'resolve',
    '/usr/bin/ls',
    '--release',
    'no-such-release',
    '--db',
    db.dir,
    '--json',
  );
  assert.equal(missing.status, 1);
  assert.match(missing.stdout + missing.stderr, /DEPDB_RELEASE_NOT_IMPORTED/);
  writeFileSync(join(tmp, 'notes.txt'), 'hello\n');
  const notElf = pkgme('depdb', 'resolve', join(tmp, 'notes.txt'), '--db', db.dir);
  assert.equal(notElf.status, 1);
  assert.match(notElf.stderr, /not an ELF file/);
});
