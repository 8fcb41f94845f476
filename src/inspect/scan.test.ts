import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPkgmeError } from '../errors.ts';
import { repoRoot, requireTools, run } from '../testing/env.ts';
import { inventoryTree } from './inventory.ts';
import { scanUpload } from './scan.ts';

/** The sample upload, compiled by samples/build.sh (the same script `npm start` uses). */
function buildSample(): string {
  const out = mkdtempSync(join(tmpdir(), 'pkgme-sample-'));
  return run('bash', [join(repoRoot, 'samples', 'build.sh'), out]).trim();
}

/** readelf's view of one file: NEEDED, SONAME and RUNPATH, from `readelf -dW`. */
function readelfDynamic(path: string): { needed: string[]; soname: string | null; runpath: string[] } {
  const text = run('readelf', ['-dW', path]);
  const grab = (tag: string) =>
    [...text.matchAll(new RegExp(`\\(${tag}\\)[^[]*\\[(.*)\\]`, 'g'))].map((m) => m[1]!);
  return { needed: grab('NEEDED'), soname: grab('SONAME')[0] ?? null, runpath: grab('RUNPATH') };
}

test('scan of the sample tarball agrees with tar and readelf', async (t) => {
  if (!requireTools(t, ['gcc', 'readelf', 'tar'], 'gcc binutils tar libpng-dev zlib1g-dev')) return;
  const tarball = buildSample();
  const keep = join(mkdtempSync(join(tmpdir(), 'pkgme-scan-')), 'job');
  const r = await scanUpload(tarball, { jobDir: keep });

  const tarList = run('tar', ['-tzf', tarball])
    .split('\n')
    .filter(Boolean)
    .map((p) => p.replace(/\/$/, ''))
    .sort();
  assert.deepEqual(r.inventory.entries.map((e) => e.path).sort(), tarList);

  const elves = r.inventory.entries.filter((e) => e.elf);
  assert.equal(elves.length, 2, 'the executable and the bundled library');
  let fields = 0;
  for (const e of elves) {
    const oracle = readelfDynamic(join(keep, e.path));
    assert.deepEqual(e.elf!.needed, oracle.needed, e.path);
    assert.equal(e.elf!.soname, oracle.soname, e.path);
    assert.deepEqual(e.elf!.runpath, oracle.runpath, e.path);
    assert.equal(e.elf!.arch, run('dpkg', ['--print-architecture']).trim());
    fields += 4;
  }
  console.log(`scan: ${tarList.length} members matched tar -t, ${fields} ELF fields matched readelf`);
  assert.deepEqual(Object.keys(r.inventory.providedSonames), ['libgreet.so.1']);
  const external = Object.keys(r.inventory.externalSonames);
  assert.ok(!external.includes('libgreet.so.1'), 'a bundled soname is not needed from the distribution');
  const exe = elves.find((e) => e.path.endsWith('bin/hello-pkgme'))!;
  assert.deepEqual(external.sort(), exe.elf!.needed.filter((n) => n !== 'libgreet.so.1').sort());
});

test('a directory is read in place; symlinks are recorded, never followed; broken ELF is reported', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-inv-'));
  mkdirSync(join(dir, 'bin'));
  copyFileSync('/bin/true', join(dir, 'bin', 'true'));
  symlinkSync('/etc', join(dir, 'etc-link'));
  // An ELF header cut after 20 bytes: the inventory must record the typed error, not throw.
  writeFileSync(join(dir, 'bin', 'broken'), readFileSync('/bin/true').subarray(0, 20));
  const inv = inventoryTree(dir);
  const link = inv.entries.find((e) => e.path === 'etc-link')!;
  assert.equal(link.type, 'symlink');
  assert.equal(link.linkTarget, '/etc');
  assert.ok(!inv.entries.some((e) => e.path.startsWith('etc-link/')), 'the walk did not enter the symlink');
  const broken = inv.entries.find((e) => e.path === 'bin/broken')!;
  assert.equal(broken.elf, undefined);
  assert.match(broken.elfError!.code, /^ELF_/);
  assert.ok(inv.entries.find((e) => e.path === 'bin/true')!.elf);
});

test('a hostile upload is refused with a typed error and leaves nothing behind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-hostile-'));
  const src = join(dir, 'src');
  mkdirSync(src);
  writeFileSync(join(src, 'x'), 'x');
  const tarball = join(dir, 'evil.tar');
  // GNU tar keeps a member name with '..' when told to; the extractor must refuse it.
  run('tar', ['-cf', tarball, '-C', src, '--transform', 's,^x$,../escaped,', 'x']);
  const job = join(dir, 'job');
  await assert.rejects(scanUpload(tarball, { jobDir: job }), (err) => {
    assert.ok(isPkgmeError(err));
    assert.equal(err.code, 'UPLOAD_PATH_TRAVERSAL');
    return true;
  });
  assert.ok(!existsSync(join(dir, 'escaped')));
});

test('a missing upload is a usage error', async () => {
  await assert.rejects(
    scanUpload('/nonexistent/upload.tar.gz'),
    (err) => isPkgmeError(err) && err.code === 'SCAN_NOT_FOUND',
  );
});
