/**
 * Test-only: finds the ELF files of the machine by magic (symlinks skipped, so every file is compared once), and the
 * Debian architecture dpkg-architecture gives for a GNU triplet (the oracle for the machine → arch mapping).
 */
import { closeSync, openSync, readSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../../testing/env.ts';

export function findElfFiles(roots: string[]): string[] {
  const out: string[] = [];
  const magic = Buffer.alloc(4);
  const visit = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) visit(p);
      else if (e.isFile()) {
        let fd: number;
        try {
          fd = openSync(p, 'r');
        } catch {
          continue;
        }
        try {
          if (readSync(fd, magic, 0, 4, 0) === 4 && magic.readUInt32BE(0) === 0x7f454c46) out.push(p);
        } finally {
          closeSync(fd);
        }
      }
    }
  };
  for (const r of roots) visit(r);
  return out.sort();
}

const archCache = new Map<string, string>();

/** DEB_HOST_ARCH for a GNU triplet, from dpkg-architecture. */
export function archForTriplet(triplet: string): string {
  let a = archCache.get(triplet);
  if (a === undefined) {
    a = run('dpkg-architecture', ['-t', triplet, '-qDEB_HOST_ARCH']).trim();
    archCache.set(triplet, a);
  }
  return a;
}

/**
 * The GNU triplet whose code a file must contain, judged by where Debian installs it: the target's start files
 * (`*.o` directly in /usr/lib/gcc-cross/<triplet>/<version>/; deeper directories hold multilib variants, and the
 * cc1/lto1 there are host programs) and the native multiarch directory. Cross-tool plugins under other multiarch
 * directories (e.g. /usr/lib/i386-linux-gnu/bfd-plugins) are host code too, so those directories are not used.
 */
export function tripletOfPath(path: string, nativeTriplet: string): string | null {
  if (path.startsWith(`/usr/lib/${nativeTriplet}/`)) return nativeTriplet;
  const cross = /^\/usr\/lib\/gcc-cross\/([a-z0-9_]+-linux-gnu[a-z0-9_]*)\/[^/]+\/[^/]+\.o$/.exec(path);
  return cross ? cross[1]! : null;
}

export function nativeTriplet(): string {
  return run('dpkg-architecture', ['-qDEB_HOST_MULTIARCH']).trim();
}
