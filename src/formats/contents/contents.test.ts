import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { PkgmeError } from '../../errors.ts';
import { requireTools, run } from '../../testing/env.ts';
import { bookwormContents } from './contents.fixture.ts';
import { isLibraryPath, readContentsLibraries } from './libraries.ts';
import { parseContentsLine } from './line.ts';
import { HEADER_LOOKAHEAD, parseContents, readContents } from './read.ts';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

test('Contents lines: path with spaces, qualified names, several packages', () => {
  assert.deepEqual(parseContentsLine('usr/share/doc/a b/README   doc/foo,non-free/doc/bar,baz\r', 7), {
    path: 'usr/share/doc/a b/README',
    packages: ['foo', 'bar', 'baz'],
    sections: ['doc', 'non-free/doc', ''],
    line: 7,
  });
  assert.equal(parseContentsLine('   ', 1), undefined);
  for (const bad of [
    'onlyonecolumn',
    'path libs/',
    'path libs/Foo',
    'path a/b,',
    'path /pkg',
    'path libs/pk_g',
  ]) {
    assert.throws(
      () => parseContentsLine(bad, 3),
      (e: unknown) => e instanceof PkgmeError && e.code === 'CONTENTS_SYNTAX' && e.details.line === 3,
      bad,
    );
  }
});

test('Contents: an old header before "FILE  LOCATION" is skipped; gzip and plain read the same', async () => {
  const header =
    'This file maps each file available in the Debian\nGNU/Linux system to the package from which it originates.\n\nFILE                                                    LOCATION\n';
  const body = 'bin/ls   utils/coreutils\nusr/lib/x86_64-linux-gnu/libz.so.1   libs/zlib1g\n';
  const plain = await collect(readContents(Readable.from([Buffer.from(header + body)])));
  const gz = await collect(readContents(Readable.from([gzipSync(header + body)])));
  assert.deepEqual(plain, gz);
  assert.deepEqual(
    plain.map((r) => [r.path, r.packages, r.line]),
    [
      ['bin/ls', ['coreutils'], 5],
      ['usr/lib/x86_64-linux-gnu/libz.so.1', ['zlib1g'], 6],
    ],
  );
  assert.deepEqual([...parseContents(header + body)], plain);
  // Without the FILE LOCATION line, the first lines are records and a header-like line is a syntax error.
  await assert.rejects(
    collect(readContents(Readable.from([Buffer.from(header.split('FILE')[0]! + body)]))),
    /CONTENTS|line 1/,
  );
  // A modern index longer than the lookahead streams normally.
  const many = Array.from({ length: HEADER_LOOKAHEAD * 3 }, (_, i) => `usr/bin/x${i}  utils/p${i}`).join(
    '\n',
  );
  assert.equal(
    (await collect(readContents(Readable.from([Buffer.from(many)])))).length,
    HEADER_LOOKAHEAD * 3,
  );
});

test('Contents: a line longer than the limit is CONTENTS_LINE_TOO_LONG', async () => {
  const long = Buffer.from('x'.repeat(200) + ' utils/p\n');
  const tooLong = (e: unknown) => e instanceof PkgmeError && e.code === 'CONTENTS_LINE_TOO_LONG';
  await assert.rejects(collect(readContents(Readable.from([long]), { maxLineLength: 100 })), tooLong);
  assert.throws(() => [...parseContents(long.toString(), { maxLineLength: 100 })], tooLong);
  // A line with no newline at the end of the stream counts too.
  await assert.rejects(
    collect(readContents(Readable.from([long.subarray(0, -1)]), { maxLineLength: 100 })),
    tooLong,
  );
});

test('library paths: the dirs dpkg-shlibdeps searches, no private subdirectories', () => {
  for (const p of [
    'usr/lib/x86_64-linux-gnu/libpng16.so.16',
    'lib/x86_64-linux-gnu/libc.so.6',
    './usr/lib/libfoo-1.2.so',
    '/lib64/ld-linux-x86-64.so.2',
    'usr/lib32/libz.so.1.2.13',
    'usr/libx32/libz.so.1',
    'usr/lib/arm-linux-gnueabihf/libfoo.so.3',
    'usr/lib/i386-gnu/libfoo.so.3',
  ])
    assert.ok(isLibraryPath(p), p);
  for (const p of [
    'usr/lib/x86_64-linux-gnu/pulseaudio/libpulsecommon-16.1.so',
    'usr/lib/firefox-esr/libxul.so',
    'usr/share/lib/libfoo.so.1',
    'usr/lib/x86_64-linux-gnu/libfoo.so.x',
    'usr/lib/x86_64-linux-gnu/libfoo.a',
    'usr/lib/python3/dist-packages/foo.so',
  ])
    assert.ok(!isLibraryPath(p), p);
  assert.ok(
    isLibraryPath('usr/lib/x86_64-linux-gnu/libfakeroot/libfakeroot-0.so', {
      extraDirs: ['/usr/lib/x86_64-linux-gnu/libfakeroot/'],
    }),
  );
});

test('Contents oracle: the full bookworm Contents-amd64.gz against zcat | awk', async (t) => {
  if (!requireTools(t, ['curl', 'zcat', 'awk', 'sort'], 'curl gzip gawk coreutils')) return;
  const file = bookwormContents();
  // Every record, streamed; memory sampled as it goes.
  const heap0 = process.memoryUsage().heapUsed;
  let peak = 0;
  let records = 0;
  let archLines = 0;
  const archPackages = new Set<string>();
  const t0 = performance.now();
  for await (const r of readContents(createReadStream(file))) {
    records++;
    if (/^usr\/lib\/x86_64-linux-gnu\/[^/]*\.so\./.test(r.path)) {
      archLines++;
      for (const p of r.packages) archPackages.add(p);
    }
    if ((records & 0xffff) === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - heap0);
  }
  const fullSeconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const libs = await collect(readContentsLibraries(createReadStream(file)));
  const libSeconds = (performance.now() - t1) / 1000;
  const libPackages = new Set(libs.flatMap((l) => l.packages));

  // The same counts with the shell, in one pass: awk splits off the last column (paths may hold spaces) and
  // counts lines and distinct package names per category.
  const triplet = '[a-z0-9_]+-(linux-[a-z0-9_]+|kfreebsd-[a-z0-9_]+|gnu[a-z0-9_]*)';
  const libRe = `^(usr/)?(lib|lib32|lib64|libx32|lib/${triplet})/(lib|ld)[^/]*[.]so([.][0-9][^/]*)?$`;
  const archRe = '^usr/lib/x86_64-linux-gnu/[^/]*[.]so[.]';
  const awkRe = (re: string) => `/${re.replace(/\//g, '\\/')}/`;
  const awk = `
    function count(cat,   n, a, i) { lines[cat]++; n = split(pkgs, a, ","); for (i = 1; i <= n; i++) { sub(/.*\\//, "", a[i]); if (!((cat, a[i]) in seen)) { seen[cat, a[i]] = 1; npk[cat]++ } } }
    /./ { total++; pkgs = $NF; path = substr($0, 1, length($0) - length(pkgs)); sub(/[ \\t]+$/, "", path);
          if (path ~ ${awkRe(archRe)}) count("arch"); if (path ~ ${awkRe(libRe)}) count("lib") }
    END { print total, lines["arch"] + 0, npk["arch"] + 0, lines["lib"] + 0, npk["lib"] + 0 }`;
  const [shellLines, shellArchLines, shellArchPackages, shellLibLines, shellLibPackages] = run('sh', [
    '-c',
    `zcat '${file}' | awk '${awk}'`,
  ])
    .trim()
    .split(' ')
    .map(Number);
  const versioned = libs.filter((l) => !l.soname.endsWith('.so'));

  console.log(
    `Contents-amd64 (bookworm main): ${records} records in ${fullSeconds.toFixed(2)} s (zcat|grep: ${shellLines}), peak heap growth ` +
      `${(peak / 2 ** 20).toFixed(0)} MiB; usr/lib/x86_64-linux-gnu/*.so.*: ${archLines} lines, ${archPackages.size} packages ` +
      `(awk: ${shellArchLines}, ${shellArchPackages}); library filter: ${libs.length} paths, ${libPackages.size} packages in ` +
      `${libSeconds.toFixed(2)} s (awk: ${shellLibLines}, ${shellLibPackages}); of which versioned (.so.N): ${versioned.length} paths, ` +
      `${new Set(versioned.flatMap((l) => l.packages)).size} packages`,
  );
  assert.equal(records, shellLines);
  assert.equal(archLines, shellArchLines);
  assert.equal(archPackages.size, shellArchPackages);
  assert.equal(libs.length, shellLibLines);
  assert.equal(libPackages.size, shellLibPackages);
  assert.ok(peak < 256 * 2 ** 20, `heap grew by ${peak} bytes`);
});
