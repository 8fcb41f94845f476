import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PkgmeError } from '../errors.ts';
import { cacheDir, requireTools } from '../testing/env.ts';
import { forEachTarVariant, makeTree } from '../formats/tar/read-fixture.ts';
import { extractUpload } from './extract.ts';
import { makeHostileArchives } from './hostile-fixture.ts';
import type { UploadLimits } from './limits.ts';

/** Everything about a tree that extraction must reproduce: paths, types, modes, contents, link targets, mtimes. */
interface SnapshotOptions {
  /** GNU tar leaves some directory mtimes at "now" (its delayed-link pass touches them); skip them vs GNU tar. */
  dirMtime?: boolean;
  /** unzip does not restore symlink mtimes; skip them vs unzip. */
  linkMtime?: boolean;
}

function snapshot(root: string, opts: SnapshotOptions = {}): string[] {
  const { dirMtime = true, linkMtime = true } = opts;
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const p = join(root, r);
      const st = lstatSync(p);
      const mode = (st.mode & 0o7777).toString(8);
      const mtime = Math.floor(st.mtimeMs / 1000);
      if (st.isSymbolicLink()) out.push(`${r} symlink -> ${readlinkSync(p)} ${linkMtime ? mtime : ''}`);
      else if (st.isDirectory()) {
        out.push(`${r} dir ${mode} ${dirMtime ? mtime : ''}`);
        walk(r);
      } else if (st.isFile()) {
        const sha = createHash('sha256').update(readFileSync(p)).digest('hex').slice(0, 16);
        out.push(`${r} file ${mode} ${st.size} ${sha} links=${st.nlink} ${mtime}`);
      } else out.push(`${r} other`);
    }
  };
  walk('');
  return out;
}

function freshDir(...parts: string[]): string {
  const d = join(...parts);
  rmSync(d, { recursive: true, force: true });
  mkdirSync(d, { recursive: true });
  return d;
}

const TOOLS_ALL = ['tar', 'bsdtar', 'gzip', 'xz', 'bzip2', 'zstd', 'zip', 'unzip', 'python3'];
const PKGS = 'tar libarchive-tools gzip xz-utils bzip2 zstd zip unzip python3';

test('extractUpload gives the same tree as GNU tar and bsdtar (ustar/pax/gnu, every compression)', async (t) => {
  if (!requireTools(t, TOOLS_ALL, PKGS)) return;
  const base = cacheDir('upload-oracle');
  let compared = 0;
  const archives = await forEachTarVariant(base, async ({ archive, tree, comp, label }) => {
    const ours = join(base, 'x', 'ours');
    rmSync(ours, { recursive: true, force: true });
    const manifest = await extractUpload(archive, ours);
    assert.equal(manifest.format, 'tar');
    assert.equal(manifest.compression, comp);
    const gnu = freshDir(base, 'x', 'gnu');
    execFileSync('tar', ['-xf', archive, '-C', gnu]);
    const bsd = freshDir(base, 'x', 'bsd');
    execFileSync('bsdtar', ['-xpf', archive, '-C', bsd]);
    const mine = snapshot(ours);
    const noDirMtime = { dirMtime: false };
    assert.deepEqual(snapshot(ours, noDirMtime), snapshot(gnu, noDirMtime), `${label}: ours vs GNU tar`);
    assert.deepEqual(mine, snapshot(bsd), `${label}: ours vs bsdtar`);
    assert.deepEqual(mine, snapshot(tree), `${label}: ours vs the packed tree`);
    compared += mine.length;
  });
  console.log(
    `extractUpload: ${archives} tar archives, ${compared} paths matched GNU tar, bsdtar and the source tree (type, mode, content, link target, mtime, link count)`,
  );
});

test('extractUpload gives the same tree as unzip for zip -y (symlinks) and zip64 archives', async (t) => {
  if (!requireTools(t, ['zip', 'unzip'], 'zip unzip')) return;
  const base = cacheDir('upload-oracle-zip');
  const tree = join(base, 'tree');
  makeTree(tree, { long: true });
  let compared = 0;
  for (const [name, flags] of [
    ['zip-y', '-qry'],
    ['zip64', '-qry -fz'],
  ] as const) {
    const archive = join(base, `${name}.zip`);
    rmSync(archive, { force: true });
    execFileSync('sh', ['-c', `cd ${tree} && zip ${flags} ${archive} .`]);
    const ours = join(base, 'x', 'ours');
    rmSync(ours, { recursive: true, force: true });
    const manifest = await extractUpload(archive, ours);
    assert.equal(manifest.format, 'zip');
    const theirs = freshDir(base, 'x', 'unzip');
    execFileSync('unzip', ['-q', archive, '-d', theirs]);
    // zip stores hardlinks as two files, so link counts differ from the source tree; unzip is the oracle.
    const mine = snapshot(ours);
    assert.deepEqual(
      mine.map((l) => l.replace(/ links=\d+/, '')),
      snapshot(tree).map((l) => l.replace(/ links=\d+/, '')),
      `${name}: ours vs the zipped tree`,
    );
    const noLinkMtime = { linkMtime: false };
    assert.deepEqual(snapshot(ours, noLinkMtime), snapshot(theirs, noLinkMtime), `${name}: ours vs unzip`);
    compared += mine.length;
  }
  console.log(
    `extractUpload: 2 zip archives, ${compared} paths matched unzip (type, mode, content, link target, mtime)`,
  );
});

/** Extracts into sandbox/job and asserts the exact code, that the job dir is gone and nothing else appeared. */
async function expectRejected(
  archive: string,
  code: string,
  limits: Partial<UploadLimits> = {},
): Promise<PkgmeError> {
  const sandbox = mkdtempSync(join(cacheDir('upload-hostile'), 'sandbox-'));
  const job = join(sandbox, 'jobs', 'job');
  let caught: unknown;
  await extractUpload(archive, job, limits).catch((err: unknown) => (caught = err));
  assert.ok(caught instanceof PkgmeError, `${archive}: expected ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, `${archive}: ${caught.message}`);
  assert.ok(!existsSync(job), `${archive}: the partial extraction was left behind`);
  assert.deepEqual(
    readdirSync(join(sandbox, 'jobs')),
    [],
    `${archive}: something was written beside the job dir`,
  );
  assert.deepEqual(readdirSync(sandbox), ['jobs'], `${archive}: something was written outside the job dir`);
  rmSync(sandbox, { recursive: true, force: true });
  return caught;
}

test('hostile archives are rejected with the exact code, and nothing is left or written outside', async (t) => {
  if (!requireTools(t, ['python3', 'tar', 'zip', 'truncate'], 'python3 tar zip coreutils')) return;
  const dir = freshDir(cacheDir('upload-hostile'), 'archives');
  const evil = join(cacheDir('upload-hostile'), `absolute-evil-${process.pid}`);
  makeHostileArchives(dir, evil);
  const a = (name: string) => join(dir, name);
  const cases: Array<[string, string, Partial<UploadLimits>?]> = [
    ['absolute.tar', 'UPLOAD_PATH_TRAVERSAL'],
    ['dotdot.tar', 'UPLOAD_PATH_TRAVERSAL'],
    ['symlink-etc.tar', 'UPLOAD_LINK_ESCAPE'],
    ['symlink-up.tar', 'UPLOAD_LINK_ESCAPE'],
    ['through-link.tar', 'UPLOAD_PATH_THROUGH_LINK'],
    ['link-chain.tar', 'UPLOAD_LINK_ESCAPE'],
    ['hardlink-out.tar', 'UPLOAD_LINK_ESCAPE'],
    ['hardlink-abs.tar', 'UPLOAD_LINK_ESCAPE'],
    ['device.tar', 'UPLOAD_SPECIAL_FILE'],
    ['fifo.tar', 'UPLOAD_SPECIAL_FILE'],
    ['many.tar', 'UPLOAD_TOO_MANY_ENTRIES', { maxEntries: 100 }],
    ['duplicate.tar', 'UPLOAD_DUPLICATE_MEMBER'],
    ['dir-over-file.tar', 'UPLOAD_DUPLICATE_MEMBER'],
    ['file-under-file.tar', 'UPLOAD_DUPLICATE_MEMBER'],
    ['deep.tar', 'UPLOAD_PATH_TOO_LONG'],
    ['big.tar', 'UPLOAD_TOO_LARGE', { maxFileBytes: 1 << 20 }],
    ['big.tar', 'UPLOAD_TOO_LARGE', { maxTotalBytes: 1 << 20 }],
    ['zip-slip.zip', 'UPLOAD_PATH_TRAVERSAL'],
    ['zip-abs.zip', 'UPLOAD_PATH_TRAVERSAL'],
    ['zip-symlink-etc.zip', 'UPLOAD_LINK_ESCAPE'],
  ];
  for (const [name, code, limits] of cases) {
    const err = await expectRejected(a(name), code, limits);
    assert.ok(
      typeof err.details.member === 'string' && err.details.member.length > 0,
      `${name}: no member named`,
    );
    if (err.kind === 'limit') assert.ok(err.details.limit, `${name}: no limit named`);
  }
  assert.ok(!existsSync(evil), 'the absolute member was written');
  for (const p of ['/etc/pkgme-evil', join(cacheDir('upload-hostile'), 'pkgme-evil')])
    assert.ok(!existsSync(p), p);

  // Also: sparse (GNU tar --sparse), encrypted zip, not an archive, an ar archive, a non-empty destination.
  const sp = freshDir(dir, 'sparse-src');
  execFileSync('truncate', ['-s', '8M', join(sp, 'holes.img')]);
  execFileSync('tar', ['--sparse', '-C', sp, '-czf', a('sparse.tar.gz'), 'holes.img']);
  await expectRejected(a('sparse.tar.gz'), 'TAR_SPARSE');
  writeFileSync(join(sp, 'secret.txt'), 'secret');
  execFileSync('sh', ['-c', `cd ${sp} && zip -q -P pw ${a('encrypted.zip')} secret.txt`]);
  await expectRejected(a('encrypted.zip'), 'ZIP_ENCRYPTED');
  writeFileSync(a('random.bin'), createHash('sha512').update('x').digest().toString('hex').repeat(100));
  await expectRejected(a('random.bin'), 'UPLOAD_UNSUPPORTED_FORMAT');
  writeFileSync(a('empty.tar'), '');
  await expectRejected(a('empty.tar'), 'UPLOAD_EMPTY');
  execFileSync('sh', ['-c', `cd ${sp} && ar rc ${a('x.deb')} secret.txt`]);
  await expectRejected(a('x.deb'), 'UPLOAD_UNSUPPORTED_FORMAT');
  const full = freshDir(dir, 'not-empty');
  writeFileSync(join(full, 'keep'), 'x');
  await assert.rejects(extractUpload(a('setuid.tar'), full), { code: 'UPLOAD_DEST_NOT_EMPTY' });
  assert.deepEqual(readdirSync(full), ['keep']);
  console.log(
    `extractUpload: ${cases.length + 6} hostile archives rejected with the expected codes, nothing left behind`,
  );
});

test('setuid/setgid/sticky bits are stripped with a warning per member', async (t) => {
  if (!requireTools(t, ['python3'], 'python3')) return;
  const dir = freshDir(cacheDir('upload-hostile'), 'setuid');
  makeHostileArchives(dir, join(dir, 'unused'));
  const job = join(dir, 'job');
  const m = await extractUpload(join(dir, 'setuid.tar'), job);
  assert.equal(statSync(join(job, 'bin', 'su')).mode & 0o7777, 0o755);
  assert.equal(statSync(join(job, 'shared')).mode & 0o7777, 0o777);
  assert.deepEqual(
    m.warnings.map((w) => [w.code, w.member]),
    [
      ['UPLOAD_MODE_STRIPPED', 'bin/su'],
      ['UPLOAD_MODE_STRIPPED', 'shared/'],
    ],
  );
});

test('a gzip bomb (1 GiB of zeros) is stopped by the ratio limit early, without writing it', async (t) => {
  if (!requireTools(t, ['tar', 'gzip', 'truncate'], 'tar gzip coreutils')) return;
  const dir = cacheDir('upload-bomb');
  const bomb = join(dir, 'bomb.tar.gz');
  if (!existsSync(bomb)) {
    execFileSync('truncate', ['-s', '1G', join(dir, 'zeros')]);
    execFileSync('sh', ['-c', `tar -C ${dir} -cf - zeros | gzip -9 > ${bomb}.tmp && mv ${bomb}.tmp ${bomb}`]);
    rmSync(join(dir, 'zeros'));
  }
  const t0 = performance.now();
  const err = await expectRejected(bomb, 'UPLOAD_RATIO_EXCEEDED');
  const ms = performance.now() - t0;
  const unpacked = Number(err.details.unpackedBytes);
  console.log(
    `bomb: ${statSync(bomb).size} compressed bytes, stopped after ${unpacked} bytes unpacked in ${ms.toFixed(0)} ms`,
  );
  assert.ok(unpacked < 64 * 1024 * 1024, `wrote ${unpacked} bytes before stopping`);
  assert.ok(ms < 10_000, `took ${ms} ms`);
});
