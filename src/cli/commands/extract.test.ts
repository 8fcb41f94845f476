/** `pkgme extract` end to end: the tree matches GNU tar's, a bomb exits 1 with the JSON error, bad numbers exit 2. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cacheDir, requireTools } from '../../testing/env.ts';
import { pkgme } from '../../testing/cli.ts';
import { makeTree } from '../../formats/tar/read-fixture.ts';

test('pkgme extract unpacks a .tar.xz like GNU tar, and --json prints the manifest', (t) => {
  if (!requireTools(t, ['tar', 'xz'], 'tar xz-utils')) return;
  const dir = cacheDir('cli-extract');
  const tree = join(dir, 'tree');
  makeTree(tree, { long: true });
  const archive = join(dir, 'app.tar.xz');
  execFileSync('sh', ['-c', `tar -C ${tree} -cf - . | xz > ${archive}`]);
  const out = join(dir, 'out');
  rmSync(out, { recursive: true, force: true });
  const r = pkgme('extract', archive, out, '--json');
  assert.equal(r.status, 0, r.stderr);
  const m = JSON.parse(r.stdout) as { format: string; compression: string; entries: Array<{ path: string }> };
  assert.equal(m.format, 'tar');
  assert.equal(m.compression, 'xz');
  const listed = execFileSync('tar', ['-tJf', archive], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.replace(/^\.\/?/, '').replace(/\/$/, ''))
    .filter((l) => l !== '')
    .sort();
  assert.deepEqual(m.entries.map((e) => e.path).sort(), listed);
  console.log(`pkgme extract: ${listed.length} paths, same as tar -t`);
});

test('pkgme extract: a rejected upload exits 1 with the typed error; bad limits exit 2', (t) => {
  if (!requireTools(t, ['tar', 'gzip', 'truncate'], 'tar gzip coreutils')) return;
  const dir = cacheDir('cli-extract');
  const archive = join(dir, 'zeros.tar.gz');
  execFileSync('truncate', ['-s', '64M', join(dir, 'zeros')]);
  execFileSync('sh', ['-c', `tar -C ${dir} -cf - zeros | gzip > ${archive}`]);
  rmSync(join(dir, 'zeros'));
  const out = join(dir, 'bomb-out');
  rmSync(out, { recursive: true, force: true });
  const r = pkgme('extract', archive, out, '--max-ratio', '10', '--json');
  assert.equal(r.status, 1);
  const body = JSON.parse(r.stdout) as { error: { code: string; details: { limit: string } } };
  assert.equal(body.error.code, 'UPLOAD_RATIO_EXCEEDED');
  assert.equal(body.error.details.limit, 'maxRatio');
  assert.ok(!existsSync(out) || readdirSync(out).length === 0);
  assert.equal(pkgme('extract', archive, out, '--max-entries', 'lots').status, 2);
});
