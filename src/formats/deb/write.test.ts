/**
 * .deb writing against dpkg: dpkg-deb --build --root-owner-group from the same tree (byte-identical decompressed
 * members, identical --contents), dpkg-deb --info/-I/-f/-e/-x on our output, dpkg-gencontrol for Installed-Size,
 * md5sum for md5sums, and our own reader. Two writes must give the same bytes.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { readAr } from '../ar/read.ts';
import { decompressBuffer } from '../compress/index.ts';
import { parseDeb822 } from '../deb822/index.ts';
import { walkTree } from '../tar/write-walk.ts';
import { requireTools, run } from '../../testing/env.ts';
import { readDeb } from './read.ts';
import { writeDeb, type DebControlFileInput, type DebWriteCompression } from './write.ts';

const EPOCH = 1_600_000_000;
const CONTROL =
  'Package: pkgme-test\nVersion: 1.2-3\nArchitecture: amd64\nMaintainer: A <a@example.org>\n' +
  'Depends: libc6 (>= 2.34)\nDescription: test package\n Long text.\n .\n More.\n';

function makeTree(): string {
  const root = join(mkdtempSync(join(tmpdir(), 'pkgme-debw-')), 'tree');
  for (const d of ['usr/bin', 'usr/lib/x', 'usr/share/doc/pkgme-test', 'etc/pkgme', 'var/empty', 'usr/a.b']) {
    mkdirSync(join(root, d), { recursive: true });
  }
  writeFileSync(join(root, 'usr/bin/tool'), '#!/bin/sh\necho hi\n');
  chmodSync(join(root, 'usr/bin/tool'), 0o755);
  writeFileSync(join(root, 'usr/bin/suid'), 'x');
  chmodSync(join(root, 'usr/bin/suid'), 0o4755);
  const big = Buffer.alloc(2 * 1024 * 1024 + 3);
  for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 27;
  writeFileSync(join(root, 'usr/lib/x/big.bin'), big);
  writeFileSync(join(root, 'usr/lib/x/empty'), '');
  writeFileSync(join(root, 'usr/lib/x/exact1024'), Buffer.alloc(1024, 1));
  writeFileSync(join(root, 'usr/lib/x/1025'), Buffer.alloc(1025, 1));
  writeFileSync(join(root, 'usr/a.b/f'), 'f');
  writeFileSync(join(root, 'etc/pkgme/pkgme.conf'), 'a=1\n');
  writeFileSync(join(root, 'usr/share/doc/pkgme-test/' + 'n'.repeat(110)), 'long name');
  writeFileSync(join(root, 'usr/share/doc/pkgme-test/ünï côde'), 'utf8');
  linkSync(join(root, 'usr/bin/tool'), join(root, 'usr/bin/tool-hard'));
  symlinkSync('tool', join(root, 'usr/bin/link'));
  symlinkSync('/' + 'z'.repeat(1100), join(root, 'usr/lib/x/long-target'));
  return root;
}

const CONTROL_FILES: DebControlFileInput[] = [
  { name: 'postinst', data: '#!/bin/sh\nset -e\nexit 0\n' },
  { name: 'prerm', data: '#!/bin/sh\nexit 0\n' },
  { name: 'conffiles', data: '/etc/pkgme/pkgme.conf\n' },
  { name: 'shlibs', data: 'libx 1 pkgme-test (>= 1.2)\n' },
  { name: 'triggers', data: 'activate-noawait ldconfig\n' },
];

/** `cp -a`: keeps hard links, modes and symlinks (node's cpSync splits hard links). */
function copyTree(from: string, to: string): void {
  execFileSync('cp', ['-a', from, to]);
}

/** Installed-Size from dpkg-gencontrol run on a copy of the tree (no DEBIAN/ in it). */
function gencontrolInstalledSize(tree: string): number {
  const src = mkdtempSync(join(tmpdir(), 'pkgme-gencontrol-'));
  mkdirSync(join(src, 'debian'));
  writeFileSync(
    join(src, 'debian/control'),
    'Source: pkgme-test\nMaintainer: A <a@example.org>\n\nPackage: pkgme-test\nArchitecture: any\nDescription: t\n x\n',
  );
  writeFileSync(
    join(src, 'debian/changelog'),
    'pkgme-test (1.2-3) unstable; urgency=medium\n\n  * Test.\n\n -- A <a@example.org>  Mon, 01 Jan 2024 00:00:00 +0000\n',
  );
  copyTree(tree, join(src, 'debian/pkgme-test'));
  const out = run('dpkg-gencontrol', ['-ppkgme-test', '-Pdebian/pkgme-test', '-O'], { cwd: src });
  return Number(parseDeb822(out)[0]!.get('Installed-Size'));
}

async function plainMember(deb: Buffer, prefix: string): Promise<Buffer> {
  const m = readAr(deb).find((x) => x.name.startsWith(prefix))!;
  return decompressBuffer(m.data);
}

/** Every path under root with its type, mode, content or link target (for comparing extracted trees). */
function snapshot(root: string): string[] {
  const out: string[] = [];
  const visit = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const st = lstatSync(p);
      const rel = relative(root, p);
      if (st.isSymbolicLink()) out.push(`${rel} l ${readlinkSync(p)}`);
      else if (st.isDirectory()) {
        out.push(`${rel} d ${(st.mode & 0o7777).toString(8)}`);
        visit(p);
      } else {
        out.push(
          `${rel} f ${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid} ${readFileSync(p).toString('hex')}`,
        );
      }
    }
  };
  visit(root);
  return out;
}

test('writeDeb matches dpkg-deb --build and dpkg tools read it', async (t) => {
  if (
    !requireTools(
      t,
      ['dpkg-deb', 'dpkg-gencontrol', 'md5sum', 'xz', 'zstd'],
      'dpkg dpkg-dev coreutils xz-utils zstd',
    )
  ) {
    return;
  }
  const tree = makeTree();
  const work = mkdtempSync(join(tmpdir(), 'pkgme-debw-out-'));
  const expectedSize = gencontrolInstalledSize(tree);
  const compared = { members: 0, listings: 0, fields: 0, files: 0, identical: [] as string[] };
  for (const compression of ['xz', 'gzip', 'zstd', 'none'] as DebWriteCompression[]) {
    const ours = join(work, `ours-${compression}.deb`);
    const res = await writeDeb(ours, {
      control: CONTROL,
      controlFiles: CONTROL_FILES,
      data: { dir: tree },
      epoch: EPOCH,
      compression,
    });
    assert.equal(res.installedSize, expectedSize, 'Installed-Size as dpkg-gencontrol computes it');
    // Reproducible: again, and from a copy of the tree with other mtimes.
    const again = join(work, `again-${compression}.deb`);
    const copy = join(work, `copy-${compression}`);
    copyTree(tree, copy);
    utimesSync(join(copy, 'usr/bin/tool'), 12345, 12345);
    await writeDeb(again, {
      control: CONTROL,
      controlFiles: CONTROL_FILES,
      data: { dir: copy },
      epoch: EPOCH,
      compression,
    });
    assert.ok(readFileSync(ours).equals(readFileSync(again)), `${compression}: two writes differ`);

    // dpkg-deb reads our package.
    run('dpkg-deb', ['--info', ours]);
    assert.equal(run('dpkg-deb', ['-I', ours, 'control']), res.control);
    const fields = parseDeb822(run('dpkg-deb', ['-f', ours]))[0]!;
    assert.equal(fields.get('Installed-Size'), String(expectedSize));
    compared.fields += fields.size;
    const ctl = join(work, `ctl-${compression}`);
    run('dpkg-deb', ['-e', ours, ctl]);
    assert.equal((lstatSync(join(ctl, 'postinst')).mode & 0o777).toString(8), '755');
    assert.equal((lstatSync(join(ctl, 'shlibs')).mode & 0o777).toString(8), '644');
    // md5sums as md5sum computes it over the regular files, conffiles left out, in byte order.
    const files = run('find', ['.', '-type', 'f', '-printf', '%P\\n'], { cwd: tree })
      .split('\n')
      .filter((f) => f && f !== 'etc/pkgme/pkgme.conf')
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    assert.equal(readFileSync(join(ctl, 'md5sums'), 'utf8'), run('md5sum', ['--', ...files], { cwd: tree }));

    // dpkg-deb builds the same tree with our control member: same contents, same decompressed members.
    const ref = join(work, `ref-${compression}`);
    copyTree(tree, ref);
    copyTree(ctl, join(ref, 'DEBIAN'));
    const theirs = join(work, `theirs-${compression}.deb`);
    execFileSync('dpkg-deb', ['--root-owner-group', `-Z${compression}`, '--build', ref, theirs], {
      stdio: 'ignore',
      env: { ...process.env, SOURCE_DATE_EPOCH: String(EPOCH) },
    });
    const listing = (f: string) => run('dpkg-deb', ['-c', f]);
    assert.equal(listing(ours), listing(theirs), `${compression}: --contents differ`);
    compared.listings += listing(ours).split('\n').length - 1;
    const [o, r] = [readFileSync(ours), readFileSync(theirs)];
    assert.deepEqual(
      readAr(o).map((m) => m.name),
      readAr(r).map((m) => m.name),
    );
    for (const m of ['control.tar', 'data.tar']) {
      assert.ok((await plainMember(o, m)).equals(await plainMember(r, m)), `${compression}: ${m} differs`);
      compared.members++;
    }
    if (o.equals(r)) compared.identical.push(compression);
    // Uncompressed, nothing is left to differ: the whole .deb must be dpkg-deb's, byte for byte.
    if (compression === 'none') assert.ok(o.equals(r), 'uncompressed .deb differs from dpkg-deb');

    // dpkg-deb -x gives back the input tree (modes, contents, links, root owner).
    const x = join(work, `x-${compression}`);
    run('dpkg-deb', ['-x', ours, x]);
    assert.deepEqual(
      snapshot(x),
      snapshot(tree).map((l) => l.replace(/ f (\d+) \d+:\d+ /, ' f $1 0:0 ')),
    );
    compared.files += snapshot(x).length;

    // Our reader agrees.
    const back = await readDeb(o);
    assert.equal(back.control.text, res.control);
    assert.deepEqual([...back.control.files.keys()].sort(), res.controlFiles);
  }
  console.log(
    `deb write: 4 compressions; ${compared.members} decompressed members byte-identical to dpkg-deb's, ` +
      `${compared.listings} --contents lines equal, ${compared.fields} fields, ${compared.files} extracted paths ` +
      `compared; whole .deb byte-identical to dpkg-deb for: ${compared.identical.join(', ') || 'none'}`,
  );
});

test('an entry list gives the same .deb as the directory; parents and root are added', async () => {
  const tree = makeTree();
  const work = mkdtempSync(join(tmpdir(), 'pkgme-debw-list-'));
  const fromDir = join(work, 'a.deb');
  const fromList = join(work, 'b.deb');
  await writeDeb(fromDir, { control: CONTROL, data: { dir: tree }, epoch: EPOCH });
  const entries = (await walkTree(tree)).filter(
    (e) => e.path !== '' && e.path !== 'usr' && e.path !== 'usr/bin',
  );
  await writeDeb(fromList, { control: CONTROL, data: { entries }, epoch: EPOCH });
  assert.ok(readFileSync(fromDir).equals(readFileSync(fromList)));
});

test('bad control text is a typed error', async () => {
  const work = mkdtempSync(join(tmpdir(), 'pkgme-debw-err-'));
  await assert.rejects(
    writeDeb(join(work, 'x.deb'), { control: 'Package: x\n', data: { entries: [] }, epoch: 0 }),
    (e: { code?: string }) => e.code === 'DEB_BAD_CONTROL',
  );
  await assert.rejects(
    writeDeb(join(work, 'x.deb'), {
      control: CONTROL,
      controlFiles: [{ name: '../x', data: '' }],
      data: { entries: [] },
      epoch: 0,
    }),
    (e: { code?: string }) => e.code === 'DEB_BAD_CONTROL_FILE',
  );
  await assert.rejects(
    writeDeb(join(work, 'x.deb'), {
      control: CONTROL,
      data: { entries: [{ type: 'file', path: 'usr/a\nb', content: new Uint8Array(0) }] },
      epoch: 0,
    }),
    (e: { code?: string }) => e.code === 'DEB_BAD_PATH',
  );
});
