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

test('fuzz ar readers', async (t) => {
  if (!requireTools(t, ['dpkg-deb', 'ar', 'bsdtar'], 'dpkg binutils libarchive-tools')) return;
  await fuzz({
    name: 'ar',
    seeds: seeds(),
    run: (input) => {
      const p = parseArPrefix(input);
      if (p.needBytes <= 0) throw new Error('needBytes must be positive');
      return readAr(input);
    },
  });
});
