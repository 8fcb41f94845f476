/**
 * Fuzz the ar readers with real archives: a dpkg-deb .deb, a binutils archive with a long-name table, a BSD
 * archive from bsdtar. Contract: return, or throw a PkgmeError.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fuzz } from '../../testing/fuzz.ts';
import { requireTools } from '../../testing/env.ts';
import type { FileHandle } from 'node:fs/promises';
import { listArFile, readArMemberData } from './file.ts';
import { parseArPrefix, readAr } from './read.ts';
import { writeAr } from './write.ts';

function seeds(): Uint8Array[] {
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-arfuzz-'));
  const root = join(dir, 'pkg');
  mkdirSync(join(root, 'DEBIAN'), { recursive: true });
  writeFileSync(
    join(root, 'DEBIAN/control'),
    'Package: x\nVersion: 1\nArchitecture: all\nMaintainer: A <a@example.org>\nDescription: t\n',
  );
  execFileSync('dpkg-deb', ['--root-owner-group', '-Znone', '--build', root, join(dir, 'x.deb')], {
    stdio: 'ignore',
  });
  const names = ['short', 'a-long-member-name-over-16.txt', 'odd'];
  for (const [i, n] of names.entries()) writeFileSync(join(dir, n), 'x'.repeat(i * 3 + 1));
  execFileSync('ar', ['rcD', join(dir, 'gnu.a'), ...names], { cwd: dir });
  execFileSync('bsdtar', ['--format=arbsd', '-cf', join(dir, 'bsd.a'), ...names], { cwd: dir });
  return [
    readFileSync(join(dir, 'x.deb')),
    readFileSync(join(dir, 'gnu.a')),
    readFileSync(join(dir, 'bsd.a')),
    writeAr(names.map((name) => ({ name, data: new Uint8Array(5) }))),
  ];
}

/** The two FileHandle methods the file reader uses, over a buffer. */
function memoryHandle(bytes: Uint8Array): FileHandle {
  const fh = {
    stat: async () => ({ size: bytes.length }),
    read: async (buf: Buffer, off: number, len: number, pos: number) => {
      const n = Math.max(0, Math.min(len, bytes.length - pos));
      buf.set(bytes.subarray(pos, pos + n), off);
      return { bytesRead: n, buffer: buf };
    },
  };
  return fh as unknown as FileHandle;
}

test('fuzz ar readers', async (t) => {
  if (!requireTools(t, ['dpkg-deb', 'ar', 'bsdtar'], 'dpkg binutils libarchive-tools')) return;
  await fuzz({
    name: 'ar',
    seeds: seeds(),
    run: async (input) => {
      const p = parseArPrefix(input);
      if (p.needBytes <= 0) throw new Error('needBytes must be positive');
      // The file-handle reader too, over the same bytes through a minimal in-memory FileHandle.
      const fh = memoryHandle(input);
      try {
        for (const m of await listArFile(fh)) await readArMemberData(fh, m);
      } catch (err) {
        if ((err as { name?: string }).name !== 'PkgmeError') throw err;
      }
      return readAr(input);
    },
  });
});
