/**
 * `pkgme depdb import` and `pkgme depdb releases` as a user runs them: JSON output, plain output, the usage error
 * when no (or more than one) source is given, and a release never imported. The import's content is checked against
 * dpkg in src/depdb/import/*.test.ts; here, only the command around it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { preparedPgliteDir } from '../../db/testing.ts';
import { pkgme } from '../../testing/cli.ts';
import { run } from '../../testing/env.ts';

test('depdb import --local / releases: JSON and plain output; usage errors', () => {
  const { dir, cleanup } = preparedPgliteDir();
  try {
    const none = pkgme('depdb', 'releases', '--db', dir);
    assert.equal(none.status, 0);
    assert.match(none.stdout, /no release imported/);

    const r = pkgme('depdb', 'import', '--local', '--db', dir, '--json');
    assert.equal(r.status, 0, r.stderr);
    const imports = (
      JSON.parse(r.stdout) as { imports: Array<{ key: { release: string; arch: string }; packages: number }> }
    ).imports;
    const arch = run('dpkg', ['--print-architecture']).trim();
    const mine = imports.find((i) => i.key.arch === arch);
    assert.ok(mine && mine.packages > 0);
    assert.match(
      r.stderr,
      new RegExp(`import ${mine.packages}/${mine.packages}`),
      'plain progress lines off a TTY',
    );

    const again = pkgme('depdb', 'import', '--local', '--db', dir);
    assert.equal(again.status, 0, again.stderr);
    assert.match(
      again.stdout,
      new RegExp(
        `${mine.key.release}/${arch}: ${mine.packages} packages \\(0 imported, ${mine.packages} unchanged, 0 removed\\)`,
      ),
    );

    const rels = JSON.parse(pkgme('depdb', 'releases', '--db', dir, '--json').stdout) as {
      releases: Array<{
        release: string;
        arch: string;
        packages: number;
        origin: { kind: string };
        partial: boolean;
      }>;
    };
    const rel = rels.releases.find((x) => x.arch === arch)!;
    assert.equal(rel.packages, mine.packages);
    assert.equal(rel.origin.kind, 'dpkg');
    assert.equal(rel.partial, false);

    const neither = pkgme('depdb', 'import', '--db', dir, '--json');
    assert.equal(neither.status, 2);
    assert.equal(
      (JSON.parse(neither.stdout) as { error: { code: string } }).error.code,
      'DEPDB_IMPORT_SOURCE',
    );
    const both = pkgme('depdb', 'import', '--local', '--deb', '/nonexistent.deb', '--db', dir);
    assert.equal(both.status, 2);
    const noRelease = pkgme('depdb', 'import', '--deb', '/nonexistent.deb', '--db', dir, '--json');
    assert.equal(
      (JSON.parse(noRelease.stdout) as { error: { code: string } }).error.code,
      'DEPDB_NO_RELEASE',
    );
    console.log(
      `CLI: imported ${mine.packages} packages, re-import unchanged, releases listed, 3 usage errors`,
    );
  } finally {
    cleanup();
  }
});
