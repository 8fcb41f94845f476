/**
 * Oracles for the reproducible tar writer: GNU tar (byte-identical output for the same list and order), dpkg-deb
 * (byte-identical data.tar, including its symlinks-last order), and `tar -tv` listings of what we write.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PkgmeError } from '../../errors.ts';
import { requireTools, run } from '../../testing/env.ts';
import { walkTree } from './write-walk.ts';
import { tarBuffer, tarStream, type TarEntry } from './write.ts';

const EPOCH = 1_700_000_000;

/** A tree with the cases that matter: ordering traps, modes, long names and links, hard links, sizes. */
function makeTree(): string {
  const root = join(mkdtempSync(join(tmpdir(), 'pkgme-tarw-')), 'root');
  const long = 'd'.repeat(60) + '/' + 'e'.repeat(70);
  for (const d of ['usr/bin', 'usr/a.b', 'usr/a/b', 'usr/share/doc/pkg', `usr/share/${long}`, 'etc/x']) {
    mkdirSync(join(root, d), { recursive: true });
  }
  writeFileSync(join(root, 'usr/bin/tool'), '#!/bin/sh\necho hi\n');
  chmodSync(join(root, 'usr/bin/tool'), 0o755);
  writeFileSync(join(root, 'usr/bin/suid'), 'x');
  chmodSync(join(root, 'usr/bin/suid'), 0o4755);
  writeFileSync(join(root, 'usr/a.b/f'), '');
  writeFileSync(join(root, 'usr/a/b/exact512'), Buffer.alloc(512, 1));
  writeFileSync(join(root, 'usr/a/B'), 'upper');
  writeFileSync(join(root, 'etc/x/secret'), 'k');
  chmodSync(join(root, 'etc/x/secret'), 0o600);
  const big = Buffer.alloc(3 * 1024 * 1024 + 17);
  for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
  writeFileSync(join(root, 'usr/share/doc/pkg/big.bin'), big);
  writeFileSync(join(root, `usr/share/${long}/${'f'.repeat(40)}.txt`), 'deep');
  writeFileSync(join(root, 'usr/share/doc/pkg/ünïcode-名前'), 'utf8');
  linkSync(join(root, 'usr/bin/tool'), join(root, 'usr/bin/tool-hard'));
  symlinkSync('tool', join(root, 'usr/bin/link'));
  symlinkSync('/' + 'z'.repeat(120), join(root, 'usr/bin/long-target'));
  symlinkSync(`../share/${long}`, join(root, 'usr/bin/deep'));
  return root;
}

function gnuTar(root: string, names: string[]): Buffer {
  return execFileSync(
    'tar',
    [
      '-cf',
      '-',
      '--format=gnu',
      `--mtime=@${EPOCH}`,
      '--owner=root:0',
      '--group=root:0',
      '--null',
      '--no-unquote',
      '--no-recursion',
      '-T',
      '-',
    ],
    { cwd: root, input: names.join('\0') + '\0', maxBuffer: 1 << 28 },
  );
}

function names(entries: TarEntry[]): string[] {
  return entries.map((e) => (e.path === '' ? './' : `./${e.path}${e.type === 'dir' ? '/' : ''}`));
}

test('our tar is byte-identical to GNU tar for the same list and order', async (t) => {
  if (!requireTools(t, ['tar'], 'tar')) return;
  const root = makeTree();
  const entries = await walkTree(root);
  const ours = await tarBuffer(entries, { mtime: EPOCH });
  const oracle = gnuTar(root, names(entries));
  assert.equal(ours.length, oracle.length);
  assert.ok(ours.equals(oracle), 'tar bytes differ from GNU tar');
  // Streaming gives the same bytes as the in-memory path.
  const parts: Buffer[] = [];
  for await (const c of tarStream(entries, { mtime: EPOCH })) parts.push(c as Buffer);
  assert.ok(Buffer.concat(parts).equals(ours));
  const listing = run('tar', ['-tvf', '-'], { input: ours }).trim().split('\n');
  assert.equal(listing.length, entries.length);
  for (const l of listing) assert.match(l, / root\/root /);
  assert.ok(
    listing.some((l) => l.startsWith('-rwsr-xr-x')),
    'setuid mode kept',
  );
  assert.ok(
    listing.some((l) => l.includes('usr/bin/tool-hard link to ./usr/bin/tool')),
    'hard link',
  );
  console.log(`tar write: ${entries.length} entries, ${ours.length} bytes identical to GNU tar`);
});

test('data.tar is byte-identical to the one dpkg-deb --build --root-owner-group writes', async (t) => {
  if (!requireTools(t, ['dpkg-deb', 'tar'], 'dpkg tar')) return;
  const root = makeTree();
  mkdirSync(join(root, 'DEBIAN'));
  writeFileSync(
    join(root, 'DEBIAN/control'),
    'Package: x\nVersion: 1\nArchitecture: all\nMaintainer: A <a@example.org>\nDescription: t\n',
  );
  const deb = join(root, '..', 'x.deb');
  execFileSync('dpkg-deb', ['--root-owner-group', '-Znone', '--build', root, deb], {
    stdio: 'ignore',
    env: { ...process.env, SOURCE_DATE_EPOCH: String(EPOCH) },
  });
  const dataTar = execFileSync('ar', ['p', deb, 'data.tar'], { maxBuffer: 1 << 28 });
  const entries = await walkTree(root, { exclude: ['DEBIAN'] });
  const ours = await tarBuffer(entries, { mtime: EPOCH, symlinksLast: true });
  assert.ok(ours.equals(dataTar), 'data.tar differs from dpkg-deb');
  console.log(`tar write: ${entries.length} entries identical to dpkg-deb's data.tar`);
});

test('the same entries give the same bytes; content and source give the same bytes', async () => {
  const root = makeTree();
  const a = await tarBuffer(await walkTree(root), { mtime: EPOCH });
  const b = await tarBuffer((await walkTree(root)).reverse(), { mtime: EPOCH });
  assert.ok(a.equals(b), 'order of the input list must not matter');
  const fromSource: TarEntry[] = [{ type: 'file', path: 'x', source: join(root, 'usr/bin/tool'), size: 18 }];
  const fromMemory: TarEntry[] = [
    { type: 'file', path: 'x', content: readFileSync(join(root, 'usr/bin/tool')) },
  ];
  assert.ok((await tarBuffer(fromSource, { mtime: 5 })).equals(await tarBuffer(fromMemory, { mtime: 5 })));
});

test('typed errors for bad entry lists', async () => {
  const code = async (entries: TarEntry[]): Promise<string> => {
    try {
      await tarBuffer(entries, { mtime: 0 });
    } catch (e) {
      assert.ok(e instanceof PkgmeError, String(e));
      return e.code;
    }
    return 'no error';
  };
  assert.equal(await code([{ type: 'dir', path: '../x' }]), 'TAR_BAD_PATH');
  assert.equal(
    await code([
      { type: 'dir', path: 'a' },
      { type: 'dir', path: './a/' },
    ]),
    'TAR_DUPLICATE_PATH',
  );
  assert.equal(await code([{ type: 'hardlink', path: 'a', target: 'b' }]), 'TAR_BAD_HARDLINK');
  const root = makeTree();
  assert.equal(
    await code([{ type: 'file', path: 'x', source: join(root, 'usr/bin/tool'), size: 3 }]),
    'TAR_SOURCE_CHANGED',
  );
});
