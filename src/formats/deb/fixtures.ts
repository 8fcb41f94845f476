/**
 * Test-only fixtures for the .deb tests and fuzz target (not imported by product code): real packages fetched with
 * `apt-get download` into .cache/debs, and packages dpkg-deb builds here in each compression.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAr } from '../ar/read.ts';
import { writeAr } from '../ar/write.ts';
import { decompressBuffer } from '../compress/index.ts';
import { cacheDir, withCacheLock } from '../../testing/env.ts';

/** Varied on purpose: big data, arch:all, python, fonts, docs, multi-arch libraries, conffiles + scripts. */
export const REAL_DEBS = [
  'hello',
  'libc6',
  'libpng16-16',
  'zlib1g',
  'libllvm14',
  'debconf',
  'python3-six',
  'libzstd1',
  'fonts-dejavu-core',
  'bash-doc',
  'libssl3',
  'cron',
  'base-files',
];

/**
 * Downloads (once) and returns the paths of the real .debs. Several test files ask at once: the check and the
 * download run under the cache lock, and apt-get writes into a private directory whose .debs are renamed into place,
 * so no process sees a partial .deb.
 */
export function realDebs(): string[] {
  const dir = cacheDir('debs');
  const have = () => readdirSync(dir).filter((f) => f.endsWith('.deb'));
  const find = (p: string) => have().find((f) => f.startsWith(`${p}_`));
  withCacheLock('debs', () => {
    const missing = REAL_DEBS.filter((p) => find(p) === undefined);
    if (missing.length === 0) return;
    const tmp = join(dir, `.download-${process.pid}`);
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp);
    try {
      const r = spawnSync('apt-get', ['download', ...missing], { cwd: tmp, encoding: 'utf8' });
      if (r.status !== 0)
        throw new Error(`apt-get download ${missing.join(' ')} failed (${r.status}): ${r.stderr || r.error}`);
      for (const f of readdirSync(tmp).filter((n) => n.endsWith('.deb')))
        renameSync(join(tmp, f), join(dir, f));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
  return REAL_DEBS.map((p) => join(dir, find(p)!));
}

/** Packages dpkg-deb builds here: control/data in gzip, xz, zstd, none; plus a data.tar.bz2 re-packed by bzip2. */
export function builtDebs(): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-debread-'));
  const root = join(dir, 'pkg');
  mkdirSync(join(root, 'DEBIAN'), { recursive: true });
  mkdirSync(join(root, 'usr/share/doc/x'), { recursive: true });
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(
    join(root, 'DEBIAN/control'),
    'Package: x\nVersion: 1:2.0-1\nArchitecture: all\nMaintainer: A <a@example.org>\nDescription: test\n long text\n .\n more\n',
  );
  writeFileSync(join(root, 'DEBIAN/postinst'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  writeFileSync(join(root, 'DEBIAN/conffiles'), '/etc/x.conf\n');
  writeFileSync(join(root, 'etc/x.conf'), 'a=1\n');
  writeFileSync(join(root, 'usr/share/doc/x/README'), 'read me\n'.repeat(100));
  const out: string[] = [];
  for (const z of ['gzip', 'xz', 'zstd', 'none']) {
    const deb = join(dir, `x-${z}.deb`);
    execFileSync('dpkg-deb', ['--root-owner-group', `-Z${z}`, '--build', root, deb], { stdio: 'ignore' });
    out.push(deb);
  }
  const plain = readAr(readFileSync(out[3]!));
  const bz = execFileSync('bzip2', ['-9c'], { input: plain[2]!.data });
  const deb = join(dir, 'x-bzip2.deb');
  writeFileSync(
    deb,
    writeAr([
      { name: 'debian-binary', data: plain[0]!.data },
      { name: 'control.tar', data: plain[1]!.data },
      { name: 'data.tar.bz2', data: bz },
    ]),
  );
  out.push(deb);
  return out;
}

/** A real .deb re-packed with uncompressed members, so mutations reach the tar and control parsers. */
export async function uncompressedCopy(deb: Uint8Array): Promise<Buffer> {
  const m = readAr(deb);
  const names = ['debian-binary', 'control.tar', 'data.tar'];
  const data = await Promise.all(m.slice(0, 3).map((x, i) => (i === 0 ? x.data : decompressBuffer(x.data))));
  return writeAr(names.map((name, i) => ({ name, data: data[i]! })));
}
