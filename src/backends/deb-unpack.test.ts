/**
 * Hostile .debs: a valid debian-binary and control member (from `tar`), and as data member each hostile tar the
 * upload extractor is tested with (src/upload/hostile-fixture.ts: "..", absolute names, links out of the tree,
 * device nodes…), joined with our ar writer. Each must fail with the upload extractor's typed error (or warn, for setuid), leave nothing behind, and
 * write nothing outside the job directory. A real .deb with absolute symlinks (libc6) unpacks, its links recorded.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { writeAr } from '../formats/ar/write.ts';
import { makeHostileArchives } from '../upload/hostile-fixture.ts';
import { realDebs } from '../formats/deb/fixtures.ts';
import { isPkgmeError } from '../errors.ts';
import { inspectUpload } from '../inspect/inspect.ts';
import { requireTools, run } from '../testing/env.ts';
import { openDebUpload, unpackDeb } from './deb-unpack.ts';
import { debBackend } from './deb.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pkgme-debunpack-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** The upload extractor's hostile tars (src/upload/hostile-fixture.ts) as data members, and the code each must give. */
const CASES: Record<string, string> = {
  dotdot: 'UPLOAD_PATH_TRAVERSAL',
  absolute: 'UPLOAD_PATH_TRAVERSAL',
  device: 'UPLOAD_SPECIAL_FILE',
  fifo: 'UPLOAD_SPECIAL_FILE',
  'symlink-up': 'UPLOAD_LINK_ESCAPE',
  // "etc" -> /etc is kept as a link of the package (not created), so etc/pkgme-evil would be written through it.
  'symlink-etc': 'UPLOAD_PATH_THROUGH_LINK',
  'hardlink-out': 'UPLOAD_LINK_ESCAPE',
  'hardlink-abs': 'UPLOAD_LINK_ESCAPE',
  duplicate: 'UPLOAD_DUPLICATE_MEMBER',
  'plants-control': 'UPLOAD_DUPLICATE_MEMBER',
};

/** A .deb whose data member is `dataTar` (gzip'd), with a minimal valid control member. */
function craftDeb(name: string, dataTar: Buffer): string {
  const ctl = join(tmp, `ctl-${name}`);
  mkdirSync(ctl);
  writeFileSync(
    join(ctl, 'control'),
    'Package: hostile\nVersion: 1.0-1\nArchitecture: all\nMaintainer: A <a@example.org>\nDescription: x\n',
  );
  const control = execFileSync('tar', ['-C', ctl, '--owner=0', '--group=0', '-czf', '-', './control']);
  const data = execFileSync('gzip', ['-9n'], { input: dataTar });
  const deb = join(tmp, `${name}.deb`);
  writeFileSync(
    deb,
    writeAr([
      { name: 'debian-binary', data: Buffer.from('2.0\n') },
      { name: 'control.tar.gz', data: control },
      { name: 'data.tar.gz', data },
    ]),
  );
  return deb;
}

function crafted(): { debs: Record<string, string>; evil: string } {
  const tars = join(tmp, 'tars');
  mkdirSync(join(tars, 'plant', 'DEBIAN'), { recursive: true });
  const evil = join(tmp, 'outside', 'pkgme-evil');
  makeHostileArchives(tars, evil);
  // A data member with its own DEBIAN/control, meant to replace the real one.
  writeFileSync(join(tars, 'plant', 'DEBIAN', 'control'), 'Package: evil\n');
  execFileSync('tar', ['-C', join(tars, 'plant'), '-cf', join(tars, 'plants-control.tar'), '.']);
  const debs: Record<string, string> = {};
  for (const f of readdirSync(tars).filter((n) => n.endsWith('.tar')))
    debs[f.replace(/\.tar$/, '')] = craftDeb(f, readFileSync(join(tars, f)));
  return { debs, evil };
}

test('hostile .debs: the upload extractor’s typed errors, nothing left behind or written outside', async (t) => {
  if (!requireTools(t, ['python3', 'tar', 'gzip', 'dpkg-deb'], 'python3 tar gzip dpkg')) return;
  const { debs, evil } = crafted();
  // The crafted .debs are well-formed as archives: dpkg-deb reads their control member.
  assert.equal(run('dpkg-deb', ['-f', debs.dotdot!, 'Package']).trim(), 'hostile');
  for (const [name, code] of Object.entries(CASES)) {
    const dest = join(tmp, `dest-${name}`);
    await assert.rejects(unpackDeb(debs[name]!, dest), (err: unknown) => {
      assert.ok(isPkgmeError(err), `${name}: ${String(err)}`);
      assert.equal(err.code, code, `${name}: ${err.message}`);
      assert.ok(err.hint, name);
      return true;
    });
    assert.deepEqual(readdirSync(dest), [], `${name}: partial tree removed`);
    assert.equal(existsSync(evil), false, `${name}: wrote outside the job directory`);
  }
  // The same through inspect (openUpload): the error reaches the caller typed.
  await assert.rejects(
    inspectUpload(debs.device!),
    (err: unknown) => isPkgmeError(err) && err.code === 'UPLOAD_SPECIAL_FILE',
  );

  const bomb = join(tmp, 'dest-bomb');
  await assert.rejects(
    unpackDeb(debs.big!, bomb, { ratioGraceBytes: 1 << 20, maxRatio: 50 }),
    (err: unknown) => {
      assert.ok(isPkgmeError(err) && err.code === 'UPLOAD_RATIO_EXCEEDED', String(err));
      return true;
    },
  );
  await assert.rejects(
    unpackDeb(debs.big!, join(tmp, 'dest-big'), { maxFileBytes: 1 << 20 }),
    (err: unknown) => {
      assert.ok(isPkgmeError(err) && err.code === 'UPLOAD_TOO_LARGE', String(err));
      return true;
    },
  );

  const { upload, cleanup } = await openDebUpload(debs.setuid!);
  try {
    assert.equal(statSync(join(upload.root!, 'bin/su')).mode & 0o7777, 0o755);
    assert.equal(statSync(join(upload.root!, 'shared')).mode & 0o7777, 0o777);
    const problems = (await debBackend.info(upload)).problems.filter(
      (p) => p.code === 'UPLOAD_MODE_STRIPPED',
    );
    assert.deepEqual(
      problems.map((p) => p.message.split(' from ')[0]),
      ['removed setuid', 'removed setgid+sticky'],
    );
  } finally {
    cleanup();
  }
  assert.equal(existsSync(upload.root!), false, 'cleanup removes the job directory');
  console.log(
    `deb unpack: ${Object.keys(CASES).length + 2} hostile .debs refused with typed errors, setuid/setgid stripped with warnings`,
  );
});

test('a real .deb with absolute symlinks (libc6): links recorded, not created', async (t) => {
  if (!requireTools(t, ['dpkg-deb', 'apt-get'], 'dpkg apt')) return;
  const deb = realDebs().find((d) => /\/libc6_/.test(d))!;
  const dest = join(tmp, 'libc6');
  const r = await unpackDeb(deb, dest);
  const oracle = run('dpkg-deb', ['-c', deb])
    .split('\n')
    .map((l) => / \.\/(\S+) -> (\/\S+)$/.exec(l))
    .filter((m) => m !== null)
    .map((m) => ({ path: m[1]!, target: m[2]! }));
  assert.ok(oracle.length >= 1);
  assert.deepEqual(r.links, oracle);
  for (const l of r.links) assert.equal(existsSync(join(dest, l.path)), false, l.path);
  assert.ok(r.entries.some((e) => e.path === 'DEBIAN/control'));
  assert.ok(r.warnings.length === 0);
});
