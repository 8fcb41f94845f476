/**
 * Test-only: compiles the ELF fixtures with the installed native and cross compilers (cached under
 * .cache/elf-fixtures/<triplet>): a versioned shared library, PIE / non-PIE / static executables, RUNPATH vs RPATH
 * with a literal $ORIGIN, SysV vs GNU hash, an object file, a stripped copy, and copies without section headers.
 *
 * Some cross toolchains here come without their C library (no crt1.o, libc.so or libc.a); for those the fixtures
 * are linked with -nostdlib and a tiny _start, which still exercises every ELF feature (gcc still sets the target's
 * dynamic linker, and the library's own versions give version definitions and needs).
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { cachedFixture, hasCommand, run } from '../../../testing/env.ts';

/** Bump when the sources or the build change, so cached fixtures are rebuilt. */
const BUILD_ID = 'v4';

export const TOOLCHAINS = [
  'gcc',
  'i686-linux-gnu-gcc',
  'aarch64-linux-gnu-gcc',
  'arm-linux-gnueabihf-gcc',
  's390x-linux-gnu-gcc',
  'powerpc-linux-gnu-gcc',
];

const LIB_C = `
int demo_counter = 42;
int demo_old(void) { return 1; }
int demo_new(void) { return 2; }
__asm__(".symver demo_old,demo_func@DEMO_1.0");
__asm__(".symver demo_new,demo_func@@DEMO_2.0");
int demo_plain(int x) { return x + demo_counter; }
`;

const MAP = `DEMO_1.0 { global: demo_plain; demo_counter; local: *; };
DEMO_2.0 { global: demo_func; } DEMO_1.0;
`;

const APP_C = `
extern int demo_func(void);
extern int demo_plain(int);
extern int demo_counter;
#ifdef WITH_LIBC
#include <stdio.h>
#include <stdlib.h>
int main(void) { printf("%d\\n", demo_func() + demo_plain(demo_counter)); return atoi("0"); }
#else
int main(void) { return demo_func() + demo_plain(demo_counter); }
void _start(void) { main(); for (;;) {} }
#endif
`;

const STATIC_C = `
#ifdef WITH_LIBC
#include <stdio.h>
int main(void) { puts("static"); return 0; }
#else
int main(void) { return 0; }
void _start(void) { main(); for (;;) {} }
#endif
`;

export interface FixtureSet {
  compiler: string;
  triplet: string;
  dir: string;
  withLibc: boolean;
  /** Fixture name → path. */
  files: Map<string, string>;
  /** Copies without section headers → the original they were made from. */
  sectionless: Map<string, string>;
  /** Names built with -static. */
  staticNames: Set<string>;
}

function libcFile(compiler: string, name: string): boolean {
  const p = run(compiler, [`-print-file-name=${name}`]).trim();
  return isAbsolute(p) && existsSync(p);
}

/** Removes the section header table from a copy: e_shoff, e_shnum and e_shstrndx become 0. */
export function dropSectionHeaders(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes); // a copy (Buffer#slice would share memory)
  const is64 = out[4] === 2;
  const little = out[5] === 1;
  const v = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (is64) v.setBigUint64(0x28, 0n, little);
  else v.setUint32(0x20, 0, little);
  const at = is64 ? 0x3c : 0x30;
  v.setUint16(at, 0, little);
  v.setUint16(at + 2, 0, little);
  return out;
}

interface Stamp {
  id: string;
  /** Fixtures built (static-pie is optional: not every toolchain links it). */
  names: string[];
}

function readStamp(dir: string): Stamp | null {
  try {
    const st = JSON.parse(readFileSync(join(dir, 'BUILD'), 'utf8')) as Stamp;
    return st.id === BUILD_ID ? st : null;
  } catch {
    return null;
  }
}

const SECTIONLESS = ['app-runpath', 'app-sysv', 'app-nopie', 'libdemo.so.1'];

/**
 * Builds (or finds in the cache) the fixtures of one toolchain. Several test files run at once and may all ask for
 * the same set: cachedFixture builds it once, in a private directory renamed into place.
 */
export function buildFixtures(compiler: string): FixtureSet {
  const triplet = run(compiler, ['-dumpmachine']).trim();
  const withLibc = libcFile(compiler, 'libc.so') && libcFile(compiler, 'crt1.o');
  const dir = cachedFixture(`elf-fixtures/${triplet}`, (tmp) => build(compiler, tmp, withLibc), {
    version: BUILD_ID,
  });
  const stamp = readStamp(dir);
  if (stamp === null) throw new Error(`ELF fixtures for ${triplet} missing after the build`);
  const set: FixtureSet = {
    compiler,
    triplet,
    dir,
    withLibc,
    files: new Map(stamp.names.map((n) => [n, join(dir, n)])),
    sectionless: new Map(SECTIONLESS.map((n) => [join(dir, `${n}.noshdr`), join(dir, n)])),
    staticNames: new Set(['app-static', 'app-static-pie']),
  };
  return set;
}

function build(compiler: string, dir: string, withLibc: boolean): Stamp {
  const staticLibc = withLibc && libcFile(compiler, 'libc.a');
  const prefix = compiler.endsWith('-gcc') && compiler !== 'gcc' ? compiler.slice(0, -3) : '';
  const strip = hasCommand(`${prefix}strip`) ? `${prefix}strip` : 'strip';
  const names = [
    'libdemo.so.1',
    'app-runpath',
    'app-rpath',
    'app-nopie',
    'app-sysv',
    'app-static',
    'demo.o',
    'app-stripped',
  ];
  writeFileSync(join(dir, 'libdemo.c'), LIB_C);
  writeFileSync(join(dir, 'demo.map'), MAP);
  writeFileSync(join(dir, 'app.c'), APP_C);
  writeFileSync(join(dir, 'static.c'), STATIC_C);
  const cc = (...args: string[]) => run(compiler, args, { cwd: dir });
  const libc = withLibc ? ['-DWITH_LIBC'] : ['-nostdlib', '-nostartfiles'];
  cc(
    '-O1',
    '-shared',
    '-fPIC',
    '-Wl,-soname,libdemo.so.1',
    '-Wl,--version-script=demo.map',
    ...(withLibc ? [] : ['-nostdlib']),
    '-o',
    'libdemo.so.1',
    'libdemo.c',
  );
  const app = (out: string, ...extra: string[]) =>
    cc('-O1', ...libc, 'app.c', 'libdemo.so.1', '-o', out, ...extra);
  app('app-runpath', '-Wl,-rpath,$ORIGIN/../lib', '-Wl,--enable-new-dtags');
  app('app-rpath', '-Wl,-rpath,$ORIGIN/../lib:/opt/demo/lib', '-Wl,--disable-new-dtags');
  app('app-nopie', '-no-pie', '-fno-pie');
  app('app-sysv', '-Wl,--hash-style=sysv');
  const staticArgs = staticLibc ? ['-DWITH_LIBC'] : ['-nostdlib', '-nostartfiles'];
  cc('-O1', '-static', ...staticArgs, 'static.c', '-o', 'app-static');
  if (staticLibc) {
    // A static PIE has PT_DYNAMIC and DF_1_PIE but no interpreter; glibc supports it only on some targets.
    try {
      cc('-O1', '-static-pie', ...staticArgs, 'static.c', '-o', 'app-static-pie');
      names.push('app-static-pie');
    } catch {
      // not supported by this toolchain
    }
  }
  cc('-O1', '-c', '-fPIC', 'libdemo.c', '-o', 'demo.o');
  copyFileSync(join(dir, 'app-runpath'), join(dir, 'app-stripped'));
  run(strip, ['--strip-all', join(dir, 'app-stripped')]);
  for (const n of SECTIONLESS)
    writeFileSync(join(dir, `${n}.noshdr`), dropSectionHeaders(readFileSync(join(dir, n))));
  const stamp: Stamp = { id: BUILD_ID, names };
  writeFileSync(join(dir, 'BUILD'), JSON.stringify(stamp));
  return stamp;
}
