/**
 * The symbols-file semantics against dpkg-shlibdeps, on compiled libraries whose symbols/shlibs files exercise the
 * rules: #MINVER#, a `|` alternative template selected by a dep-id, a template with two packages, a deprecated
 * (#MISSING#) symbol, the smallest version as the floor, a weak import, unversioned imports (`@Base`) provided by two
 * NEEDED libraries (the first in NEEDED order wins), a versioned copy-relocated data symbol (which dpkg-shlibdeps does
 * not count, see upload.ts), Build-Depends-Package (not
 * applied), a shlibs-only library with a `udeb:` line, and a library with only a file (dpkg-shlibdeps refuses it;
 * checked separately).
 *
 * The libraries sit in package build trees (debian/<pkg>/DEBIAN/{symbols,shlibs}), which dpkg-shlibdeps reads; the
 * resolver gets the same files as PackageRecords in a MemoryReader. The symbols/shlibs texts are the test's input,
 * dpkg-shlibdeps' output is the expected answer.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { splitSymbolsFile } from '../../formats/symbols/index.ts';
import { cachedFixture, requireTools } from '../../testing/env.ts';
import type { PackageRecord } from '../types.ts';
import { resolveUpload } from './resolve.ts';
import { MemoryReader } from './testing/memory-reader.ts';
import { readLocalPackages } from '../import/local-dpkg.ts';
import { runDpkgShlibdeps, scratchTree } from './testing/oracle.ts';
import { readUpload } from './upload.ts';

const LIBDIR = '/usr/lib/x86_64-linux-gnu';

const FOO_SYMBOLS = `libfoo.so.1 libfoo1 #MINVER#
| libfoo1-alt (>= 9)
* Build-Depends-Package: libfoo-dev
 a@FOO_1 1.0
 b@FOO_2 2.0
 c@FOO_2 2.5 1
 counter@FOO_2 2.2
 old@FOO_1 0.5
 shared_sym@Base 5.0
#MISSING: 3.0# gone@FOO_2 3.0
`;
const BAR_SYMBOLS = `libbar.so.2 libbar2 #MINVER#, libbar-common (>= 1)
 shared_sym@Base 1:1.9
 bar_only@Base 1:1.5
 weak_one@Base 1:2.0
`;
const QUX_SHLIBS = `udeb: libqux 3 libqux3-udeb (>= 3.3)
libqux 3 libqux3 (>= 3.3)
`;

function build(dir: string): void {
  scratchTree(dir);
  const src = join(dir, 'src');
  mkdirSync(src, { recursive: true });
  const w = (name: string, text: string) => writeFileSync(join(src, name), text);
  const lib = (pkg: string) => {
    const d = join(dir, 'debian', pkg, LIBDIR.slice(1));
    mkdirSync(d, { recursive: true });
    mkdirSync(join(dir, 'debian', pkg, 'DEBIAN'), { recursive: true });
    return d;
  };
  const gcc = (args: string[]) =>
    execFileSync('gcc', args, { cwd: src, stdio: ['ignore', 'ignore', 'inherit'] });
  w(
    'foo.map',
    'FOO_1 { global: a; old; local: *; };\nFOO_2 { global: b; c; gone; counter; shared_sym; } FOO_1;\n',
  );
  w(
    'foo.c',
    'int counter = 1;\nint a(void){return 1;}\nint old(void){return 2;}\nint b(void){return 3;}\nint c(void){return 4;}\nint gone(void){return 5;}\nint shared_sym(void){return 6;}\n',
  );
  w(
    'bar.c',
    'int shared_sym(void){return 7;}\nint bar_only(void){return 8;}\nint weak_one(void){return 9;}\n',
  );
  w('qux.c', 'int qux(void){return 10;}\n');
  w(
    'app.c',
    [
      'int a(void); int b(void); int c(void); int shared_sym(void); int bar_only(void); int qux(void);',
      'extern int counter;',
      '#pragma weak weak_one',
      'int weak_one(void);',
      'int main(void){ return a()+b()+c()+shared_sym()+bar_only()+qux()+counter+(weak_one ? weak_one() : 0); }',
      '',
    ].join('\n'),
  );
  const foo = lib('libfoo1');
  gcc([
    '-shared',
    '-fPIC',
    '-o',
    join(foo, 'libfoo.so.1'),
    '-Wl,-soname,libfoo.so.1',
    '-Wl,--version-script=foo.map',
    'foo.c',
  ]);
  writeFileSync(join(dir, 'debian', 'libfoo1', 'DEBIAN', 'symbols'), FOO_SYMBOLS);
  const bar = lib('libbar2');
  gcc(['-shared', '-fPIC', '-o', join(bar, 'libbar.so.2'), '-Wl,-soname,libbar.so.2', 'bar.c']);
  writeFileSync(join(dir, 'debian', 'libbar2', 'DEBIAN', 'symbols'), BAR_SYMBOLS);
  const qux = lib('libqux3');
  gcc(['-shared', '-fPIC', '-o', join(qux, 'libqux.so.3'), '-Wl,-soname,libqux.so.3', 'qux.c']);
  writeFileSync(join(dir, 'debian', 'libqux3', 'DEBIAN', 'shlibs'), QUX_SHLIBS);
  const bin = join(dir, 'debian', 'app', 'usr', 'bin');
  mkdirSync(bin, { recursive: true });
  mkdirSync(join(dir, 'debian', 'app', 'DEBIAN'), { recursive: true });
  // libbar before libfoo in NEEDED: shared_sym@Base is looked up in libbar's symbols first.
  gcc([
    '-no-pie',
    '-o',
    join(bin, 'app'),
    'app.c',
    '-Wl,--no-as-needed',
    join(bar, 'libbar.so.2'),
    join(foo, 'libfoo.so.1'),
    join(qux, 'libqux.so.3'),
  ]);
}

function records(): PackageRecord[] {
  const libs = (name: string, soname: string) => [{ path: `${LIBDIR}/${soname}`, soname, symlink: false }];
  return [
    // The C library as installed here: the app needs libc.so.6 too.
    ...readLocalPackages().filter((r) => r.name === 'libc6' && r.architecture === 'amd64'),
    {
      name: 'libfoo1',
      version: '3.0-1',
      architecture: 'amd64',
      libraries: libs('libfoo1', 'libfoo.so.1'),
      symbols: splitSymbolsFile(FOO_SYMBOLS),
    },
    {
      name: 'libbar2',
      version: '1:2.0-1',
      architecture: 'amd64',
      libraries: libs('libbar2', 'libbar.so.2'),
      symbols: splitSymbolsFile(BAR_SYMBOLS),
    },
    {
      name: 'libqux3',
      version: '3.3-1',
      architecture: 'amd64',
      libraries: libs('libqux3', 'libqux.so.3'),
      shlibs: QUX_SHLIBS,
    },
  ];
}

test('symbols semantics (#MINVER#, dep-id alternatives, deprecated, weak, @Base order, copy relocation, shlibs) equal dpkg-shlibdeps', async (t) => {
  if (!requireTools(t, ['gcc', 'dpkg-shlibdeps'], 'gcc dpkg-dev')) return;
  const dir = cachedFixture('resolve-symbols', build, { version: '2' });
  const app = join(dir, 'debian', 'app', 'usr', 'bin', 'app');
  const oracle = await runDpkgShlibdeps(dir, [app]);
  assert.ok(oracle.ok, oracle.stderr);
  const reader = new MemoryReader().add({ release: 'test', arch: 'amd64' }, records());
  const v = (await resolveUpload(reader, readUpload([app]))).releases.test!;
  console.log(
    `symbols fixture: dpkg-shlibdeps: ${oracle.depends}\n  ours: ${v.dpkgShlibdeps}\n  depends: ${v.depends}`,
  );
  assert.equal(v.dpkgShlibdeps, oracle.depends);
  const foo = v.dependencies.find((d) => d.package === 'libfoo1')!;
  assert.ok(foo.reasons[0]!.notes?.some((n) => n.includes('Build-Depends-Package: libfoo-dev not applied')));
  // The weak import sets libbar2's minimum; shared_sym@Base is taken from libbar (first in NEEDED), not libfoo.
  const bar = v.dependencies.find((d) => d.package === 'libbar2')!;
  assert.deepEqual(bar.reasons[0]!.symbols, ['weak_one@Base']);
  assert.equal(foo.reasons[0]!.minimum, '2.0');
});
