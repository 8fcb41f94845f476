/**
 * Installed-Size the way dpkg-gencontrol computes it (scripts/dpkg-gencontrol.pl, dpkg 1.21): walk the package
 * tree, its top directory included, and add
 * - for a regular file or a symlink: ceil(size / 1024), where a symlink's size is the length of its target, and a
 *   file with several hard links counts once;
 * - for anything else (directories above all): 1.
 * The result is in KiB. dpkg-gencontrol walks the build directory as it is when it runs, so DEBIAN/ files that
 * exist then also count; we count the data tree only, which is what dpkg-gencontrol sees when DEBIAN/ holds nothing
 * yet (the tests compare with dpkg-gencontrol on such trees).
 */
import type { TarEntry } from '../tar/write.ts';

export function installedSizeKiB(entries: readonly TarEntry[]): number {
  let kib = 0;
  for (const e of entries) {
    switch (e.type) {
      case 'file':
        kib += Math.ceil(('content' in e ? e.content.length : e.size) / 1024);
        break;
      case 'symlink':
        kib += Math.ceil(Buffer.byteLength(e.target) / 1024);
        break;
      case 'hardlink':
        // Its data was counted with the first name.
        break;
      case 'dir':
        kib += 1;
        break;
    }
  }
  return kib;
}
