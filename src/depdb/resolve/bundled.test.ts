/**
 * Bundled libraries, with compiled binaries and dpkg-shlibdeps as the oracle. The fixture is a package build tree
 * (debian/app/DEBIAN exists, so dpkg-shlibdeps expands $ORIGIN) holding an app whose RUNPATH is $ORIGIN/../lib, a
 * bundled library that needs zlib and a second bundled library (found through its own $ORIGIN RUNPATH), a tool
 * beside the libraries with no RUNPATH, and two libraries needing each other (a cycle). dpkg-shlibdeps runs with
 * -l<lib dir>; the resolver gets the directory as an upload.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cachedFixture, requireTools } from '../../testing/env.ts';
import { readUpload } from './upload.ts';
import { resolveUpload } from './resolve.ts';
import { localReader } from './testing/memory-reader.ts';
import { elfFilesIn, runDpkgShlibdeps, scratchTree } from './testing/oracle.ts';

function gcc(args: string[], cwd: string): void {
  execFileSync('gcc', args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
}

function build(dir: string): void {
  scratchTree(dir);
  const pkg = join(dir, 'debian', 'app');
  const lib = join(pkg, 'opt', 'app', 'lib');
  const bin = join(pkg, 'opt', 'app', 'bin');
  mkdirSync(join(pkg, 'DEBIAN'), { recursive: true });
  mkdirSync(lib, { recursive: true });
  mkdirSync(bin, { recursive: true });
  const src = join(dir, 'src');
  mkdirSync(src, { recursive: true });
  const w = (name: string, text: string) => writeFileSync(join(src, name), text);
  w('helper.c', '#include <math.h>\ndouble helper(double x) { return cbrt(x); }\n');
  w(
    'bundled.c',
    '#include <zlib.h>\ndouble helper(double);\nint bundled(void *s) { return deflateSetHeader(s, 0) + (int)helper(8); }\n',
  );
  w(
    'app.c',
    '#include <stdio.h>\nint bundled(void *);\nint cyca(int);\nint main(void) { printf("%d\\n", bundled(0) + cyca(3)); return 0; }\n',
  );
  w(
    'tool.c',
    '#include <stdio.h>\ndouble helper(double);\nint main(void) { printf("%f\\n", helper(2)); return 0; }\n',
  );
  w('cyca.c', 'int cycb(int);\nint cyca(int x) { return x ? cycb(x - 1) : 0; }\n');
  w('cycb.c', 'int cyca(int);\nint cycb(int x) { return x ? cyca(x - 1) : 1; }\n');
  const so = (name: string, soname: string, extra: string[]) =>
    gcc(
      [
        '-shared',
        '-fPIC',
        '-o',
        join(lib, name),
        `-Wl,-soname,${soname}`,
        `${src}/${extra[0]}`,
        ...extra.slice(1),
      ],
      src,
    );
  so('libhelper.so.2', 'libhelper.so.2', ['helper.c', '-lm']);
  so('libbundled.so.1', 'libbundled.so.1', [
    'bundled.c',
    `-L${lib}`,
    '-l:libhelper.so.2',
    '-lz',
    '-Wl,-rpath,$ORIGIN',
  ]);
  // The cycle: B is linked first against nothing, then A against B, then B again against A.
  so('libcycb.so.1', 'libcycb.so.1', ['cycb.c']);
  so('libcyca.so.1', 'libcyca.so.1', ['cyca.c', `-L${lib}`, '-l:libcycb.so.1', '-Wl,-rpath,$ORIGIN']);
  so('libcycb.so.1', 'libcycb.so.1', ['cycb.c', `-L${lib}`, '-l:libcyca.so.1', '-Wl,-rpath,$ORIGIN']);
  gcc(
    [
      '-o',
      join(bin, 'app'),
      'app.c',
      `-L${lib}`,
      '-l:libbundled.so.1',
      '-l:libcyca.so.1',
      '-Wl,--enable-new-dtags,-rpath,$ORIGIN/../lib',
    ],
    src,
  );
  gcc(['-o', join(lib, 'tool'), 'tool.c', `-L${lib}`, '-l:libhelper.so.2'], src);
}

test('bundled libraries: RUNPATH $ORIGIN, beside the binary, transitive NEEDED, cycles — equal to dpkg-shlibdeps -l', async (t) => {
  if (!requireTools(t, ['gcc', 'dpkg-shlibdeps'], 'gcc dpkg-dev')) return;
  const dir = cachedFixture('resolve-bundled', build, { version: '3' });
  const pkg = join(dir, 'debian', 'app');
  const lib = join(pkg, 'opt', 'app', 'lib');
  const files = [...elfFilesIn(join(pkg, 'opt', 'app', 'bin')), ...elfFilesIn(lib)];
  assert.equal(files.length, 6);
  const oracle = await runDpkgShlibdeps(dir, files, [`-l${lib}`]);
  assert.ok(oracle.ok, oracle.stderr);

  const reader = localReader();
  const upload = readUpload([pkg]);
  const result = await resolveUpload(reader, upload);
  const v = Object.values(result.releases)[0]!;
  console.log(`bundled fixture: dpkg-shlibdeps: ${oracle.depends}\n  ours: ${v.dpkgShlibdeps}`);
  assert.equal(v.dpkgShlibdeps, oracle.depends);
  assert.deepEqual(v.unresolved, []);
  const bundled = v.bundled
    .map((b) => `${b.soname} ${b.path} ${b.via} ${[...b.neededBy].sort().join(',')}`)
    .sort();
  assert.deepEqual(bundled, [
    'libbundled.so.1 opt/app/lib/libbundled.so.1 runpath opt/app/bin/app',
    'libcyca.so.1 opt/app/lib/libcyca.so.1 runpath opt/app/bin/app,opt/app/lib/libcycb.so.1',
    'libcycb.so.1 opt/app/lib/libcycb.so.1 runpath opt/app/lib/libcyca.so.1',
    'libhelper.so.2 opt/app/lib/libhelper.so.2 beside opt/app/lib/tool',
    'libhelper.so.2 opt/app/lib/libhelper.so.2 runpath opt/app/lib/libbundled.so.1',
  ]);
  // zlib comes only from the bundled library's own NEEDED; its reason names that library, not the app.
  const z = v.dependencies.find((d) => d.package === 'zlib1g');
  assert.ok(z);
  assert.deepEqual(
    z.reasons.map((r) => r.binary),
    ['opt/app/lib/libbundled.so.1'],
  );
  assert.deepEqual(z.reasons[0]!.symbols, ['deflateSetHeader@ZLIB_1.2.2']);

  // Only the app given: its bundled libraries are reached through $ORIGIN and resolved too.
  const alone = await resolveUpload(reader, readUpload([join(pkg, 'opt', 'app', 'bin', 'app')]));
  const a = Object.values(alone.releases)[0]!;
  assert.ok(a.dependencies.some((d) => d.package === 'zlib1g'));
  assert.equal(alone.files.length, 5);
  console.log(`app alone: ${alone.files.length} files reached, Depends: ${a.depends}`);
});
