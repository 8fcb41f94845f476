/**
 * Shared packaging fixtures (test-only): four uploads compiled with gcc, shaped the way developers ship them, each
 * with a hand-made PackagePlan, so the layout, build, source and check tests (and other helpers' tests) start from
 * the same realistic inputs without waiting for the guessers and the planner.
 *
 *  - cli:     clitool-1.2.tar.gz — one executable linked to the system zlib, README, LICENSE, a man page extra.
 *  - gui:     viewer-2.0.tar.xz — executable with RUNPATH $ORIGIN/../lib to a bundled library (+ dev symlink),
 *             a desktop entry, a 48x48 PNG icon, metainfo, and an upstream CHANGELOG.md (dh_installchangelogs picks it).
 *  - nopath:  bundler-0.3.tar.bz2 — bundled library beside the executable and a tool in a subdirectory, no RPATH:
 *             both launchers must be wrappers setting LD_LIBRARY_PATH; the developer's own man pages
 *             (share/man/man1/bundler.1.gz in Latin-1, man/bundler-tool.1) win over generated ones.
 *  - data:    datapp-1.0 (a directory upload) — data files with odd modes (0600, 0700, 0444, executable .so/.js),
 *             symlinks of several shapes, two hard links (within a directory and across top directories), a name
 *             with a space, and an upstream debian/ directory that cannot ship.
 *
 * The compiled trees and archives are cached (.cache/packaging-fixtures); `openFixture` unpacks one with the real
 * upload reader (openUpload), so modes and names are what the pipeline sees.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, linkSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { openUpload, type OpenedUpload } from '../inspect/inspect.ts';
import { cachedFixture } from '../testing/env.ts';
import type { PackagePlan } from './types.ts';

export type FixtureName = 'cli' | 'gui' | 'nopath' | 'data';
export const FIXTURE_NAMES: readonly FixtureName[] = ['cli', 'gui', 'nopath', 'data'];

/** 2024-05-01T12:00:00Z: the changelog date and SOURCE_DATE_EPOCH of every fixture plan. */
export const FIXTURE_DATE = 1714564800;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const b of data) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A valid RGBA PNG of one colour (what an icon fixture needs; no tIME chunk, so it is already deterministic). */
export function solidPng(size: number, rgba: [number, number, number, number] = [40, 120, 200, 255]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array(size).fill(rgba).flat())]);
  const raw = Buffer.concat(Array(size).fill(row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function sh(cmd: string, args: string[], cwd?: string): void {
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Compiles `src` into the shared library `dir/soname` with that DT_SONAME (the fixtures' bundled libraries). */
function sharedLib(src: string, dir: string, soname: string): void {
  sh('gcc', ['-shared', '-fPIC', `-Wl,-soname,${soname}`, '-o', join(dir, soname), src]);
}

function write(path: string, text: string | Buffer, mode = 0o644): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, mode);
}

const MAIN_C = `#include <stdio.h>
#include <zlib.h>
int main(void) { printf("clitool using zlib %s\\n", zlibVersion()); return 0; }
`;
const LIB_C = (name: string) => `int ${name}_answer(void) { return 42; }\n`;
const USE_C = (name: string) => `#include <stdio.h>
int ${name}_answer(void);
int main(void) { printf("%d\\n", ${name}_answer()); return 0; }
`;

function tarball(work: string, top: string, out: string, compressFlag: string): void {
  sh('tar', [
    '--sort=name',
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    '--mtime=@1700000000',
    compressFlag,
    '-C',
    work,
    '-cf',
    out,
    top,
  ]);
}

function buildCli(work: string, out: string): void {
  const app = join(work, 'clitool-1.2');
  write(join(work, 'main.c'), MAIN_C);
  mkdirSync(join(app, 'bin'), { recursive: true });
  sh('gcc', ['-O2', '-o', join(app, 'bin', 'clitool'), join(work, 'main.c'), '-lz']);
  write(join(app, 'README'), 'clitool prints the zlib version.\n');
  write(join(app, 'LICENSE'), 'Permission is hereby granted, free of charge, to any person...\n');
  tarball(work, 'clitool-1.2', join(out, 'clitool-1.2.tar.gz'), '-z');
}

const VIEWER_DESKTOP = `[Desktop Entry]
Type=Application
Name=Viewer
Comment=View things
Exec=viewer %f
Icon=viewer
Categories=Graphics;Viewer;
`;

function buildGui(work: string, out: string): void {
  const app = join(work, 'viewer-2.0');
  mkdirSync(join(app, 'bin'), { recursive: true });
  mkdirSync(join(app, 'lib'), { recursive: true });
  write(join(work, 'view.c'), LIB_C('view'));
  write(join(work, 'viewer.c'), USE_C('view'));
  sharedLib(join(work, 'view.c'), join(app, 'lib'), 'libview.so.1');
  symlinkSync('libview.so.1', join(app, 'lib', 'libview.so'));
  sh('gcc', [
    '-o',
    join(app, 'bin', 'viewer'),
    join(work, 'viewer.c'),
    `-L${join(app, 'lib')}`,
    '-l:libview.so.1',
    '-Wl,--enable-new-dtags,-rpath,$ORIGIN/../lib',
  ]);
  write(join(app, 'share', 'viewer.png'), solidPng(48));
  write(join(app, 'share', 'viewer.desktop'), VIEWER_DESKTOP);
  write(join(app, 'CHANGELOG.md'), '# 2.0\n\n- First release.\n');
  write(join(app, 'LICENSE'), 'MIT License\n');
  tarball(work, 'viewer-2.0', join(out, 'viewer-2.0.tar.xz'), '-J');
}

function buildNopath(work: string, out: string): void {
  const app = join(work, 'bundler-0.3');
  mkdirSync(join(app, 'tools'), { recursive: true });
  write(join(work, 'help.c'), LIB_C('help'));
  write(join(work, 'bundler.c'), USE_C('help'));
  sharedLib(join(work, 'help.c'), app, 'libhelp.so.2');
  sh('gcc', ['-o', join(app, 'bundler'), join(work, 'bundler.c'), `-L${app}`, '-l:libhelp.so.2']);
  sh('gcc', [
    '-o',
    join(app, 'tools', 'bundler-tool'),
    join(work, 'bundler.c'),
    `-L${app}`,
    '-l:libhelp.so.2',
  ]);
  write(join(app, 'README.txt'), 'bundler\n');
  // The developer's own man pages, which replace the generated ones: one in Latin-1 gzipped by plain `gzip -1`
  // (name and time stamp in the header, unlike dh_compress's -9n; dh_installman re-encodes it to UTF-8), one plain
  // UTF-8. (A plain Latin-1 file would also ship under /usr/lib/bundler, where lintian warns national-encoding.)
  const man1 = join(app, 'share', 'man', 'man1');
  write(
    join(man1, 'bundler.1'),
    Buffer.from(
      '.TH BUNDLER 1\n.SH NAME\nbundler \\- run a tool with a bundled library, caf\u00e9 style\n',
      'latin1',
    ),
  );
  sh('touch', ['-d', '@1700000000', join(man1, 'bundler.1')]);
  sh('gzip', ['-1', join(man1, 'bundler.1')]);
  write(
    join(app, 'man', 'bundler-tool.1'),
    '.TH BUNDLER-TOOL 1\n.SH NAME\nbundler-tool \\- the caf\u00e9 tool\n',
  );
  tarball(work, 'bundler-0.3', join(out, 'bundler-0.3.tar.bz2'), '-j');
}

function buildData(out: string): void {
  const app = join(out, 'datapp-1.0');
  mkdirSync(join(app, 'bin'), { recursive: true });
  write(join(out, 'datapp.c'), 'int main(void) { return 0; }\n');
  sh('gcc', ['-o', join(app, 'bin', 'datapp'), join(out, 'datapp.c')]);
  write(join(app, 'share', 'data.bin'), Buffer.alloc(5000, 7), 0o600);
  write(join(app, 'share', 'run.sh'), '#!/bin/sh\necho run\n', 0o700);
  write(join(app, 'share', 'readonly.txt'), 'read only\n', 0o444);
  write(join(app, 'share', 'my file.txt'), 'a name with a space\n');
  write(join(app, 'share', 'private', 'secret.txt'), 'not so secret\n', 0o640);
  chmodSync(join(app, 'share', 'private'), 0o700);
  write(join(app, 'lib', 'plugin.so'), 'not really a library\n', 0o755);
  write(join(app, 'web', 'app.js'), 'console.log(1);\n', 0o755);
  write(join(app, 'web', 'logo.png'), solidPng(16), 0o755);
  symlinkSync('data.bin', join(app, 'share', 'link-plain'));
  symlinkSync('./data.bin', join(app, 'share', 'link-dot'));
  symlinkSync('../bin/datapp', join(app, 'share', 'link-up'));
  symlinkSync('../share/../share/run.sh', join(app, 'bin', 'link-roundabout'));
  linkSync(join(app, 'share', 'data.bin'), join(app, 'share', 'data-hardlink.bin'));
  linkSync(join(app, 'share', 'run.sh'), join(app, 'bin', 'run-hardlink'));
  write(join(app, 'debian', 'control'), 'Source: upstream-junk\n');
  write(join(app, 'LICENSE'), 'GPL-2+\n');
}

/** Builds (once, cached) the four fixture uploads; returns the directory holding them. */
export function fixtureDir(): string {
  return cachedFixture(
    'packaging-fixtures',
    (dir) => {
      const work = join(dir, 'work');
      mkdirSync(work);
      buildCli(join(work), dir);
      buildGui(work, dir);
      buildNopath(work, dir);
      buildData(join(dir, 'dir'));
      sh('rm', ['-rf', work, join(dir, 'dir', 'datapp.c')]);
    },
    { version: '4' },
  );
}

/** The upload path of a fixture: an archive, or the data fixture's directory. */
export function fixturePath(name: FixtureName): string {
  const dir = fixtureDir();
  switch (name) {
    case 'cli':
      return join(dir, 'clitool-1.2.tar.gz');
    case 'gui':
      return join(dir, 'viewer-2.0.tar.xz');
    case 'nopath':
      return join(dir, 'bundler-0.3.tar.bz2');
    case 'data':
      return join(dir, 'dir', 'datapp-1.0');
  }
}

/** Unpacks a fixture with the pipeline's own reader. Call `cleanup` when done. */
export function openFixture(name: FixtureName): Promise<OpenedUpload> {
  return openUpload(fixturePath(name));
}

function basePlan(pkg: string, upstream: string, summary: string): PackagePlan {
  return {
    package: pkg,
    upstreamVersion: upstream,
    revision: '1',
    version: `${upstream}-1`,
    architecture: 'amd64',
    maintainer: 'Pat Packager <pat@example.org>',
    section: 'utils',
    priority: 'optional',
    homepage: `https://example.org/${pkg}`,
    summary,
    description: `${summary}, packaged by pkgme for its tests.`,
    license: 'MIT',
    copyright: '2024 Example Developers',
    release: 'bookworm',
    standardsVersion: '4.6.2',
    depends: 'libc6 (>= 2.34)',
    executables: [],
    desktop: null,
    icon: null,
    categories: [],
    date: FIXTURE_DATE,
    fields: {},
    problems: [],
  };
}

/** The plan a correct planner would make for each fixture (hand-written: these are inputs, not expected answers). */
export function fixturePlan(name: FixtureName): PackagePlan {
  switch (name) {
    case 'cli':
      return {
        ...basePlan('clitool', '1.2', 'print the zlib version'),
        depends: 'libc6 (>= 2.2.5), zlib1g (>= 1:1.1.4)',
        executables: ['clitool-1.2/bin/clitool'],
      };
    case 'gui':
      return {
        ...basePlan('viewer', '2.0', 'view things in a window'),
        section: 'graphics',
        executables: ['viewer-2.0/bin/viewer'],
        desktop: VIEWER_DESKTOP,
        icon: 'viewer',
        categories: ['Graphics', 'Viewer'],
      };
    case 'nopath':
      return {
        ...basePlan('bundler', '0.3', 'run a tool with a bundled library'),
        executables: ['bundler-0.3/bundler', 'bundler-0.3/tools/bundler-tool'],
      };
    case 'data':
      return {
        ...basePlan('datapp', '1.0', 'ship data files of every shape'),
        license: 'GPL-2.0-or-later',
        executables: ['bin/datapp'],
      };
  }
}

/** Extras the icon/metainfo/manpage generators would give the layout for each fixture. */
export function fixtureExtras(name: FixtureName): {
  icons: Array<{ to: string; data: Uint8Array } | { from: string; to: string }>;
  metainfo?: string;
  manpages?: Record<string, string>;
} {
  switch (name) {
    case 'cli':
      return {
        icons: [],
        manpages: {
          clitool:
            '.TH CLITOOL 1\n.SH NAME\nclitool \\- print the zlib version\n.SH DESCRIPTION\nPrints it.\n',
        },
      };
    case 'gui':
      return {
        icons: [
          { from: 'viewer-2.0/share/viewer.png', to: '/usr/share/icons/hicolor/48x48/apps/viewer.png' },
        ],
        metainfo: FIXTURE_METAINFO,
      };
    case 'nopath':
      // Generated pages for both launchers, as the pipeline makes them: the upload's own pages must win.
      return {
        icons: [],
        manpages: Object.fromEntries(
          ['bundler', 'bundler-tool'].map((c) => [
            c,
            `.TH ${c.toUpperCase()} 1\n.SH NAME\n${c} \\- generated\n`,
          ]),
        ),
      };
    case 'data':
      return {
        icons: [{ to: '/usr/share/icons/hicolor/16x16/apps/datapp.png', data: solidPng(16, [1, 2, 3, 255]) }],
      };
  }
}

const FIXTURE_METAINFO = `<?xml version="1.0" encoding="UTF-8"?>
<component type="desktop-application">
  <id>org.example.viewer</id>
  <metadata_license>CC0-1.0</metadata_license>
  <project_license>MIT</project_license>
  <name>Viewer</name>
  <summary>View things in a window</summary>
  <description><p>Viewer views things.</p></description>
  <launchable type="desktop-id">viewer.desktop</launchable>
</component>
`;

/** `dpkg-deb -c` lines without the date and time columns (dpkg-deb clamps mtimes), sorted: a .deb's data entries. */
export function debListing(deb: string): string[] {
  return execFileSync('dpkg-deb', ['-c', deb], { encoding: 'utf8' })
    .trimEnd()
    .split('\n')
    .map((l) => {
      const [perm, owner, size, , , ...rest] = l.split(/\s+/);
      return `${perm} ${owner} ${size} ${rest.join(' ')}`;
    })
    .sort();
}
