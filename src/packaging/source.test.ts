/**
 * The source package's orig tarball: a tarball upload is copied byte for byte (sha256 equal to the upload's); a zip
 * upload gets a reproducible .orig.tar.xz (byte-identical twice) whose `dpkg-source -x` tree equals the upload's
 * application tree plus debian/, with no warning but the unsigned one. (The other fixtures' extraction is checked
 * in build.test.ts.) And plan.appRoot end to end, through the pipeline and dpkg-buildpackage.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, test } from 'node:test';
import { openUpload } from '../inspect/inspect.ts';
import { requireTools, run, unavailable } from '../testing/env.ts';
import { planLayout } from './layout.ts';
import { packageUpload } from './pipeline.ts';
import { origCompression, writeSource } from './source.ts';
import { debListing, fixtureExtras, fixturePath, fixturePlan, openFixture } from './testing.ts';

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

/**
 * plan.appRoot end to end: an upload with one tree per architecture (x86_64/ and aarch64/) and a README beside
 * them goes through the whole pipeline (planner → layout → source → in-process .deb); only the machine's tree is
 * packaged, and the Debian way (dpkg-source -x, dpkg-buildpackage -b on the generated source package) builds the
 * same .deb. The aarch64 executable is the x86_64 one with its ELF e_machine set to AArch64: the planner reads only
 * the header, and the file is never run (no cross compiler needed).
 */
test('an upload with x86_64/ and aarch64/ trees packages only the chosen tree, the same under dpkg-buildpackage', async (t) => {
  if (!requireTools(t, ['gcc', 'dpkg-source', 'dpkg-buildpackage', 'dh'], 'gcc dpkg-dev debhelper')) return;
  if (process.arch !== 'x64') {
    unavailable(t, 'the fixture compiles the x86_64 tree with the machine gcc');
    return;
  }
  const work = join(tmp, 'arch-trees');
  const top = join(work, 'multi-1.0');
  for (const tree of ['x86_64', 'aarch64']) mkdirSync(join(top, tree, 'bin'), { recursive: true });
  writeFileSync(join(work, 'multi.c'), 'int main(void) { return 0; }\n');
  execFileSync('gcc', ['-O2', '-o', join(top, 'x86_64', 'bin', 'multi'), join(work, 'multi.c')]);
  const arm = readFileSync(join(top, 'x86_64', 'bin', 'multi'));
  arm.writeUInt16LE(183, 18); // e_machine = EM_AARCH64
  writeFileSync(join(top, 'aarch64', 'bin', 'multi'), arm, { mode: 0o755 });
  writeFileSync(join(top, 'x86_64', 'data.txt'), 'x86_64 data\n');
  writeFileSync(join(top, 'aarch64', 'data.txt'), 'aarch64 data\n');
  writeFileSync(join(top, 'README'), 'multi: one tree per architecture\n');
  const upload = join(work, 'multi-1.0.tar.gz');
  execFileSync('tar', [
    '--sort=name',
    '--owner=0',
    '--group=0',
    '--mtime=@1700000000',
    '-czf',
    upload,
    '-C',
    work,
    'multi-1.0',
  ]);
  const out = join(work, 'out');
  const r = await packageUpload(upload, {
    out,
    build: true,
    overrides: { depends: 'libc6 (>= 2.34)', executables: 'multi-1.0/x86_64/bin/multi' },
  });
  assert.equal(r.plan.appRoot, 'multi-1.0/x86_64');
  assert.equal(r.plan.architecture, 'amd64');
  const deb = r.files.find((f) => f.kind === 'deb')!.path;
  const dsc = r.files.find((f) => f.kind === 'dsc')!.path;
  const shipped = debListing(deb);
  const app = shipped
    .map((l) => l.split(' ').pop()!)
    .filter((p) => p.startsWith('./usr/lib/multi/'))
    .sort();
  assert.deepEqual(app, [
    './usr/lib/multi/',
    './usr/lib/multi/bin/',
    './usr/lib/multi/bin/multi',
    './usr/lib/multi/data.txt',
  ]);
  assert.ok(!shipped.some((l) => /aarch64|README/.test(l)), shipped.join('\n'));

  const src = join(work, 'src');
  const x = spawnSync('dpkg-source', ['-x', dsc, src], { encoding: 'utf8' });
  assert.equal(x.status, 0, x.stderr);
  const b = spawnSync('dpkg-buildpackage', ['-us', '-uc', '-b'], {
    cwd: src,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  assert.equal(b.status, 0, `${b.stdout}\n${b.stderr}`);
  const theirs = join(work, basename(deb));
  assert.deepEqual(debListing(theirs), shipped, 'dpkg-buildpackage ships the same entries');
  assert.equal(run('dpkg-deb', ['-f', theirs]), run('dpkg-deb', ['-f', deb]), 'same control fields');
  console.log(
    `arch trees: ${app.length} entries of multi-1.0/x86_64 shipped, aarch64/ and README not; equal to dpkg-buildpackage's`,
  );
});
