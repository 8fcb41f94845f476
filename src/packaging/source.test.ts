/**
 * The source package's orig tarball: a tarball upload is copied byte for byte (sha256 equal to the upload's); a zip
 * upload gets a reproducible .orig.tar.xz (byte-identical twice) whose `dpkg-source -x` tree equals the upload's
 * application tree plus debian/, with no warning but the unsigned one. (The other fixtures' extraction is checked
 * in build.test.ts.)
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openUpload } from '../inspect/inspect.ts';
import { requireTools, run } from '../testing/env.ts';
import { planLayout } from './layout.ts';
import { origCompression, writeSource } from './source.ts';
import { fixtureExtras, fixturePath, fixturePlan, openFixture } from './testing.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pkgme-source-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const sha256 = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

test('a tarball upload is the .orig tarball, byte for byte', async (t) => {
  if (!requireTools(t, ['gcc'], 'gcc')) return;
  for (const name of ['cli', 'gui', 'nopath'] as const) {
    const { upload, cleanup } = await openFixture(name);
    try {
      const plan = fixturePlan(name);
      const out = join(tmp, name);
      mkdirSync(out);
      const src = await writeSource(plan, upload, planLayout(plan, upload, fixtureExtras(name)), out);
      const orig = src.files.find((f) => f.name.includes('.orig.'))!;
      assert.equal(orig.name, `${plan.package}_${plan.upstreamVersion}.orig.tar.${origCompression(upload)}`);
      assert.equal(sha256(join(out, orig.name)), sha256(fixturePath(name)));
      assert.equal(orig.sha256, sha256(fixturePath(name)));
    } finally {
      cleanup();
    }
  }
});

test('a zip upload gets a reproducible .orig.tar.xz that dpkg-source -x unpacks to the upload tree', async (t) => {
  if (!requireTools(t, ['gcc', 'zip', 'dpkg-source'], 'gcc zip dpkg-dev')) return;
  const dir = fixturePath('data');
  const zip = join(tmp, 'datapp-1.0.zip');
  execFileSync('zip', ['-qry', zip, 'datapp-1.0'], { cwd: join(dir, '..') });
  const { upload, cleanup } = await openUpload(zip);
  try {
    const plan = { ...fixturePlan('data'), executables: ['datapp-1.0/bin/datapp'] };
    const layout = planLayout(plan, upload, fixtureExtras('data'));
    assert.equal(layout.appRoot, 'datapp-1.0');
    const a = join(tmp, 'zip-a');
    const b = join(tmp, 'zip-b');
    mkdirSync(a);
    mkdirSync(b);
    const sa = await writeSource(plan, upload, layout, a);
    const sb = await writeSource(plan, upload, layout, b);
    assert.deepEqual(sa.files, sb.files, 'byte-identical source package twice');
    assert.ok(sa.files.some((f) => f.name === 'datapp_1.0.orig.tar.xz'));
    const x = spawnSync('dpkg-source', ['-x', sa.dsc, join(tmp, 'zip-x')], { encoding: 'utf8' });
    assert.equal(x.status, 0, x.stderr);
    assert.doesNotMatch(x.stderr.replace(/.*unsigned.*\n?/g, ''), /warning/);
    const list = (d: string) =>
      run(
        'find',
        [
          '.',
          '(',
          '-path',
          './debian',
          '-o',
          '-path',
          './.pc',
          ')',
          '-prune',
          '-o',
          '-printf',
          '%y %P %l\\n',
        ],
        {
          cwd: d,
        },
      )
        .split('\n')
        .filter((l) => l.trim() !== 'd')
        .sort();
    const want = list(join(upload.root!, 'datapp-1.0'));
    assert.deepEqual(list(join(tmp, 'zip-x')), want);
    assert.ok(existsSync(join(tmp, 'zip-x', 'debian', 'datapp.install')));
    console.log(
      `zip upload: ${want.length} entries extracted equal, orig ${sa.files[0]!.size} bytes twice identical`,
    );
  } finally {
    cleanup();
  }
});
