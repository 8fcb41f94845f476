/** `pkgme version …` and `pkgme relation format` end to end, answers checked against dpkg and Dpkg::Deps. */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { requireTools } from '../../testing/env.ts';
import { pkgme } from '../../testing/cli.ts';

test('pkgme version compare / satisfies agree with dpkg --compare-versions', (t) => {
  if (!requireTools(t, ['dpkg'], 'dpkg')) return;
  const [a, b] = ['1:2.0~rc1-1', '1:2.0-1'];
  const r = pkgme('version', 'compare', a, b, '--json');
  assert.equal(r.status, 0);
  const dpkgLt = spawnSync('dpkg', ['--compare-versions', a, 'lt', b]).status === 0;
  assert.equal((JSON.parse(r.stdout) as { result: number }).result, dpkgLt ? -1 : 1);
  assert.equal(pkgme('version', 'satisfies', b, '>>', a).stdout.trim(), dpkgLt ? 'yes' : 'no');
});

test('pkgme version check: dpkg reason and exit code 1 for an invalid version', () => {
  const r = pkgme('version', 'check', '1.0-', '--json');
  assert.equal(r.status, 1);
  const body = JSON.parse(r.stdout) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'VERSION_INVALID');
  assert.match(body.error.message, /revision number is empty/);
});

test('pkgme relation format prints what Dpkg::Deps prints', (t) => {
  if (!requireTools(t, ['perl'], 'libdpkg-perl')) return;
  const text = 'libc6(>=2.34) ,\n libfoo1|libbar1 [amd64] <!nocheck>, python3:any (> 3)';
  const perl = execFileSync(
    'perl',
    ['-MDpkg::Deps', '-e', 'print deps_parse($ARGV[0], build_dep => 1)', text],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  const r = pkgme('relation', 'format', text, '--field', 'Build-Depends');
  assert.equal(r.status, 0);
  assert.equal(r.stdout.trim(), perl);
});
