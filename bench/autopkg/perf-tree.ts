/**
 * The synthetic-but-realistic upload of the packaging performance bench (issue 4, "Performance"): the tarball a
 * developer of a big desktop application ships, scaled to a target size. By size, about:
 *
 * - 30 % real ELF files: a few executables of this machine's /usr/bin (bin/) and shared libraries copied from
 *   /usr/lib/x86_64-linux-gnu (lib/, never glibc's own: bundling glibc is an input error);
 * - 35 % incompressible assets (share/<app>/assets/*.bin: already-compressed media, here AES-CTR keystream);
 * - 35 % compressible data (share/<app>/data/*.log: text lines, xz ratio about 10).
 *
 * Plus README and LICENSE. The SIZE named is the .tar.gz file's (the upload as it arrives): with that mix gzip keeps
 * about 54 % of the bytes, so a 200 MB tarball unpacks to about 370 MB. Content is deterministic (fixed key, sorted
 * file choice), the tarball is gzip -6 (tar's default) and cached per size under .cache/autopkg/perf-<MB>.
 */
import { execFileSync } from 'node:child_process';
import { createCipheriv } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readElfFile } from '../../src/formats/elf/elf.ts';
import { cachedFixture } from '../../src/testing/env.ts';

const MB = 1024 * 1024;
/** glibc's libraries: an upload bundling them is refused (BUNDLED_GLIBC), so the tree never carries them. */
const GLIBC =
  /^(libc|libm|libmvec|libpthread|libdl|librt|libresolv|libnsl|libutil|libanl|libBrokenLocale|libthread_db|libnss_|libmemusage|libpcprofile|libc_malloc|ld-linux)[.-]/;
/** Bump when the tree changes: cached tarballs are rebuilt. */
const PERF_TREE_VERSION = '3';
/** Share of the unpacked bytes gzip -6 keeps for this mix (measured: ELF ~45 %, keystream 100 %, log text ~15 %). */
const GZIP_KEEPS = 0.54;
/** Real executables, renamed as the application's own commands (a launcher must not shadow a system command). */
const EXECUTABLES: Array<[string, string]> = [
  ['/usr/bin/gpg', 'perfapp'],
  ['/usr/bin/perl', 'perfapp-script'],
  ['/usr/bin/tar', 'perfapp-archive'],
  ['/usr/bin/xz', 'perfapp-pack'],
];

function keystream(bytes: number, seed: number): Buffer {
  const key = Buffer.alloc(32, seed);
  const c = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return c.update(Buffer.alloc(bytes));
}

function logText(bytes: number, seed: number): string {
  const lines: string[] = [];
  let n = 0;
  let x = seed * 2654435761;
  const paths = ['/api/v1/items', '/api/v1/users', '/static/app.js', '/health', '/api/v2/search'];
  const status = [200, 200, 200, 201, 304, 404, 500];
  while (n < bytes) {
    x = (x * 1103515245 + 12345) >>> 0;
    const l =
      `2024-05-01T12:${String((x >>> 8) % 60).padStart(2, '0')}:${String(x % 60).padStart(2, '0')}Z INFO ` +
      `request id=${x} path=${paths[x % paths.length]}/${x % 997} status=${status[x % status.length]} ` +
      `bytes=${x % 65536} ms=${x % 300}\n`;
    lines.push(l);
    n += l.length;
  }
  return lines.join('');
}

/**
 * Whether every NEEDED of `file` is a versioned soname. Libraries that need an unversioned one (libnss3.so,
 * libnspr4.so: NSS) are left out, because the resolver does not resolve those against the bookworm store yet
 * (UNRESOLVED_LIBRARIES, reported to the lead); the bench measures speed, not that gap.
 */
function resolvable(file: string): boolean {
  try {
    return readElfFile(file).needed.every((n) => /\.so\.\d/.test(n));
  } catch {
    return false;
  }
}

/** Real shared libraries, largest first, not glibc, until `bytes` are reached. */
function realLibraries(bytes: number): string[] {
  const dir = '/usr/lib/x86_64-linux-gnu';
  const libs = readdirSync(dir)
    .filter((f) => /\.so\.\d/.test(f) && !GLIBC.test(f))
    .map((f) => ({ f: join(dir, f), st: statSync(join(dir, f)) }))
    .filter((x) => x.st.isFile() && x.st.size < 40 * MB && resolvable(x.f))
    .sort((a, b) => a.f.localeCompare(b.f));
  const out: string[] = [];
  let n = 0;
  for (const l of libs) {
    if (n >= bytes) break;
    out.push(l.f);
    n += l.st.size;
  }
  return out;
}

/** `.cache/autopkg/perf-<mb>/perfapp-<mb>.0.tar.gz` and its unpacked size. */
export function perfTarball(mb: number): { tarball: string; top: string } {
  const name = `perfapp-${mb}.0`;
  const dir = cachedFixture(
    `autopkg/perf-${mb}`,
    (tmp) => {
      const top = join(tmp, 'tree', name);
      for (const d of ['bin', 'lib', 'share/perfapp/assets', 'share/perfapp/data'])
        mkdirSync(join(top, d), { recursive: true });
      const unpacked = (mb * MB) / GZIP_KEEPS;
      let elf = 0;
      for (const [from, name] of EXECUTABLES) {
        copyFileSync(from, join(top, 'bin', name));
        elf += statSync(from).size;
      }
      for (const l of realLibraries(unpacked * 0.3 - elf))
        copyFileSync(l, join(top, 'lib', l.slice(l.lastIndexOf('/') + 1)));
      const chunk = 4 * MB;
      const chunks = Math.round((unpacked * 0.35) / chunk);
      for (let i = 0; i < chunks; i++)
        writeFileSync(
          join(top, 'share/perfapp/assets', `asset-${String(i).padStart(3, '0')}.bin`),
          keystream(chunk, i),
        );
      for (let i = 0; i < chunks; i++)
        writeFileSync(
          join(top, 'share/perfapp/data', `events-${String(i).padStart(3, '0')}.log`),
          logText(chunk, i + 1),
        );
      writeFileSync(
        join(top, 'README'),
        `perfapp ${mb}.0\n\nA synthetic application tree for the packaging bench.\n`,
      );
      copyFileSync('/usr/share/common-licenses/GPL-3', join(top, 'LICENSE'));
      execFileSync('tar', [
        '-C',
        join(tmp, 'tree'),
        '--sort=name',
        '--owner=0',
        '--group=0',
        '--numeric-owner',
        '-czf',
        join(tmp, `${name}.tar.gz`),
        name,
      ]);
      execFileSync('rm', ['-rf', join(tmp, 'tree')]);
    },
    { version: PERF_TREE_VERSION },
  );
  return { tarball: join(dir, `${name}.tar.gz`), top: name };
}
