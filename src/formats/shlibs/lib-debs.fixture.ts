/**
 * Test-only: real library packages fetched with `apt-get download` (once, across test processes) into
 * .cache/debs-lib, with their control members unpacked by `dpkg-deb -e` into control/<package>/. Chosen for
 * variety: C++ libraries with (c++) patterns and symver tags (Qt, boost, ICU, libstdc++), many sonames in one
 * package (ffmpeg, gstreamer), the alternative providers of the issue (libsystemd0 / libelogind0, jack), and
 * udeb lines in shlibs (glib, gtk).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cachedFixture } from '../../testing/env.ts';

export const LIB_DEBS = [
  'libqt5core5a',
  'libgtk-3-0',
  'libglib2.0-0',
  'libsdl2-2.0-0',
  'libavcodec59',
  'libx11-6',
  'libcairo2',
  'libgstreamer1.0-0',
  'libicu72',
  'libboost-filesystem1.74.0',
  'libstdc++6',
  'libasound2',
  'libsystemd0',
  'libelogind0',
  'libjack-jackd2-0',
  'libvulkan1',
  'libkf5coreaddons5',
  'libssl3',
  // C++ libraries whose symbols files use (c++), (regex), (optional) and (arch=…) tags.
  'libglibmm-2.4-1v5',
  'libsigc++-2.0-0v5',
  'libgtkmm-3.0-1v5',
  'libcairomm-1.0-1v5',
  'libtag1v5',
  'libpoppler126',
  'libkf5configcore5',
  'libqt5gui5',
  'libqt5network5',
  // GCC runtimes: symbol versions (GCC_x, GOMP_x) and arch-specific symbols.
  'libgcc-s1',
  'libgfortran5',
  'libgomp1',
  'libatomic1',
  'libubsan1',
];

export interface LibDebControl {
  package: string;
  deb: string;
  /** The unpacked control directory (holds shlibs and/or symbols when the package has them). */
  dir: string;
}

export function libDebControls(): LibDebControl[] {
  const root = cachedFixture(
    'debs-lib',
    (dir) => {
      const r = spawnSync('apt-get', ['download', ...LIB_DEBS], { cwd: dir, encoding: 'utf8' });
      if (r.status !== 0)
        throw new Error(`apt-get download failed (${r.status}): ${r.stderr || String(r.error)}`);
      for (const f of readdirSync(dir).filter((n) => n.endsWith('.deb'))) {
        const out = join(dir, 'control', f.split('_')[0]!);
        mkdirSync(out, { recursive: true });
        execFileSync('dpkg-deb', ['-e', join(dir, f), out]);
      }
    },
    { version: `1:${LIB_DEBS.join(',')}` },
  );
  return readdirSync(root)
    .filter((f) => f.endsWith('.deb'))
    .map((f) => {
      const pkg = f.split('_')[0]!;
      return { package: pkg, deb: join(root, f), dir: join(root, 'control', pkg) };
    })
    .filter((c) => existsSync(c.dir));
}
