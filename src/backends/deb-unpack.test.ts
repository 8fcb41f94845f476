/**
 * Hostile .debs: a valid debian-binary and control member (from `tar`), and a data member crafted with python3's
 * tarfile (which writes "..", absolute names, links out of the tree and device nodes when told to), joined with our
 * ar writer. Each must fail with the upload extractor's typed error (or warn, for setuid), leave nothing behind, and
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
import { realDebs } from '../formats/deb/fixtures.ts';
import { isPkgmeError } from '../errors.ts';
import { inspectUpload } from '../inspect/inspect.ts';
import { requireTools, run } from '../testing/env.ts';
import { openDebUpload, unpackDeb } from './deb-unpack.ts';
import { debBackend } from './deb.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pkgme-debunpack-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes data tars named after their case; `evil` is an absolute path outside everything (must never appear). */
const SCRIPT = String.raw`
import io, os, sys, tarfile
out, evil = sys.argv[1], sys.argv[2]
def tar(name, members):
    with tarfile.open(os.path.join(out, name + '.tar'), 'w', format=tarfile.GNU_FORMAT) as t:
        for m in members:
            info = tarfile.TarInfo(m['name'])
            info.type = m.get('type', tarfile.REGTYPE)
            info.mode = m.get('mode', 0o644)
            info.mtime = 1700000000
            info.linkname = m.get('link', '')
            info.devmajor, info.devminor = m.get('dev', (0, 0))
            data = m.get('data', b'')
            if info.type == tarfile.REGTYPE:
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
            else:
                t.addfile(info)
D, L, H = tarfile.DIRTYPE, tarfile.SYMTYPE, tarfile.LNKTYPE
tar('dotdot', [{'name': './usr/', 'type': D, 'mode': 0o755}, {'name': './usr/../../escape', 'data': b'x'}])
tar('absolute', [{'name': evil, 'data': b'x'}])
tar('device', [{'name': './dev/', 'type': D, 'mode': 0o755}, {'name': './dev/null', 'type': tarfile.CHRTYPE, 'mode': 0o666, 'dev': (1, 3)}])
tar('fifo', [{'name': './pipe', 'type': tarfile.FIFOTYPE}])
tar('link-up', [{'name': './up', 'type': L, 'link': '../..'}, {'name': './up/evil', 'data': b'x'}])
tar('through-abs-link', [{'name': './etc', 'type': L, 'link': os.path.dirname(evil)}, {'name': './etc/' + os.path.basename(evil), 'data': b'x'}])
tar('hardlink-out', [{'name': './h', 'type': H, 'link': '/etc/passwd'}])
tar('plants-control', [{'name': './DEBIAN/', 'type': D, 'mode': 0o755}, {'name': './DEBIAN/control', 'data': b'Package: evil\n'}])
tar('setuid', [{'name': './usr/', 'type': D, 'mode': 0o755}, {'name': './usr/bin/', 'type': D, 'mode': 0o755},
    {'name': './usr/bin/su', 'mode': 0o4755, 'data': b'#!/bin/sh\n'}, {'name': './usr/bin/wall', 'mode': 0o2755, 'data': b'#!/bin/sh\n'}])
tar('bomb', [{'name': './zeros', 'data': bytes(8 << 20)}])
`;

const CASES: Record<string, string> = {
  dotdot: 'UPLOAD_PATH_TRAVERSAL',
  absolute: 'UPLOAD_PATH_TRAVERSAL',
  device: 'UPLOAD_SPECIAL_FILE',
  fifo: 'UPLOAD_SPECIAL_FILE',
  'link-up': 'UPLOAD_LINK_ESCAPE',
  'through-abs-link': 'UPLOAD_PATH_THROUGH_LINK',
  'hardlink-out': 'UPLOAD_LINK_ESCAPE',
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
  mkdirSync(tars);
  const evil = join(tmp, 'outside', 'pkgme-evil');
  execFileSync('python3', ['-c', SCRIPT, tars, evil]);
  const debs: Record<string, string> = {};
  for (const f of readdirSync(tars)) debs[f.replace(/\.tar$/, '')] = craftDeb(f, readFileSync(join(tars, f)));
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
    unpackDeb(debs.bomb!, bomb, { ratioGraceBytes: 1 << 20, maxRatio: 50 }),
    (err: unknown) => {
      assert.ok(isPkgmeError(err) && err.code === 'UPLOAD_RATIO_EXCEEDED', String(err));
      return true;
    },
  );
  await assert.rejects(
    unpackDeb(debs.bomb!, join(tmp, 'dest-big'), { maxFileBytes: 1 << 20 }),
    (err: unknown) => {
      assert.ok(isPkgmeError(err) && err.code === 'UPLOAD_TOO_LARGE', String(err));
      return true;
    },
  );

  const { upload, cleanup } = await openDebUpload(debs.setuid!);
  try {
    assert.equal(statSync(join(upload.root!, 'usr/bin/su')).mode & 0o7777, 0o755);
    assert.equal(statSync(join(upload.root!, 'usr/bin/wall')).mode & 0o7777, 0o755);
    const problems = (await debBackend.info(upload)).problems.filter(
      (p) => p.code === 'UPLOAD_MODE_STRIPPED',
    );
    assert.deepEqual(
      problems.map((p) => p.message.split(' from ')[0]),
      ['removed setuid', 'removed setgid'],
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
