/**
 * Oracle test on binaries compiled here for six architectures (native gcc and the cross compilers): every fact is
 * compared with readelf; the Debian architecture with dpkg-architecture for the compiler's triplet; the section-less
 * copies (program-header fallback) with readelf on the original file; static/stripped/kind with how they were built.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cacheDir, hasCommand, requireTools, run, unavailable } from '../../testing/env.ts';
import { parseElf, readElfFile } from './elf.ts';
import { Comparison, compareFile } from './testkit/compare.ts';
import { archForTriplet } from './testkit/files.ts';
import { ASM_TRIPLETS, binutilsPackage, buildAsmFixtures } from './testkit/asm-fixtures.ts';
import { TOOLCHAINS, buildFixtures } from './testkit/fixtures.ts';
import { parseDynOutput, readelfBatches } from './testkit/readelf.ts';

for (const compiler of TOOLCHAINS) {
  test(`fixtures built with ${compiler} agree with readelf and dpkg-architecture`, async (t) => {
    if (!requireTools(t, ['readelf', 'dpkg-architecture'], 'binutils dpkg-dev')) return;
    if (!hasCommand(compiler)) {
      unavailable(t, `missing ${compiler} (apt-get install gcc-${compiler.replace(/-gcc$/, '')})`);
      return;
    }
    const set = buildFixtures(compiler);
    const arch = archForTriplet(set.triplet);
    const c = new Comparison();
    const originals = new Map<string, string[]>();
    for (const [copy, orig] of set.sectionless) originals.set(orig, [...(originals.get(orig) ?? []), copy]);
    await readelfBatches([...set.files.values()], { batch: 20, parallel: 1 }, (dyn, hdr) => {
      const info = readElfFile(dyn.file);
      compareFile(c, info, dyn, hdr);
      c.eq(dyn.file, 'Debian architecture', info.debianArch, arch);
      for (const copy of originals.get(dyn.file) ?? []) {
        const bare = readElfFile(copy);
        compareFile(c, bare, dyn, hdr, { info, file: copy });
        c.eq(copy, 'Debian architecture', bare.debianArch, arch);
        c.eq(copy, 'dynamic source', bare.dynamicSource, 'program-headers');
      }
    });
    const info = (name: string) => readElfFile(set.files.get(name)!);
    // Facts fixed by how the files were built (the build command is the oracle here).
    for (const [name] of set.files) {
      const i = info(name);
      c.eq(name, 'static', i.static, set.staticNames.has(name));
      const full = parseElf(readFileSync(set.files.get(name)!));
      c.eq(
        name,
        'undefined-only option',
        parseElf(readFileSync(set.files.get(name)!), { symbols: 'undefined' }).undefinedSymbols,
        full.undefinedSymbols,
      );
    }
    c.eq('app-stripped', 'stripped', info('app-stripped').stripped, true);
    c.eq('app-runpath', 'stripped', info('app-runpath').stripped, false);
    c.eq('libdemo.so.1', 'kind', info('libdemo.so.1').kind, 'shared-library');
    c.eq('demo.o', 'kind', info('demo.o').kind, 'relocatable');
    c.eq('app-nopie', 'kind', info('app-nopie').kind, 'executable');
    c.eq('app-runpath', 'RUNPATH keeps $ORIGIN', info('app-runpath').runpath, ['$ORIGIN/../lib']);
    console.log(
      `elf fixtures ${set.triplet} (${arch}, ${set.withLibc ? 'with libc' : '-nostdlib'}): ${c.files} files ` +
        `(${set.sectionless.size} without section headers), ${c.fields} fields, ${c.symbols} symbols`,
    );
    assert.deepEqual(c.mismatches, []);
    assert.deepEqual(c.machineMismatches(), []);
    assert.equal(c.files, set.files.size + set.sectionless.size);
  });
}

for (const triplet of ASM_TRIPLETS) {
  test(`assembled fixtures for ${triplet} agree with readelf and dpkg-architecture`, async (t) => {
    const tools = ['readelf', 'dpkg-architecture', `${triplet}-as`, `${triplet}-ld`];
    if (!requireTools(t, tools, `binutils dpkg-dev ${binutilsPackage(triplet)}`)) return;
    const f = buildAsmFixtures(triplet);
    const arch = archForTriplet(triplet);
    const c = new Comparison();
    await readelfBatches([f.object, f.library], { batch: 2, parallel: 1 }, (dyn, hdr) => {
      const info = readElfFile(dyn.file);
      compareFile(c, info, dyn, hdr);
      c.eq(dyn.file, 'Debian architecture', info.debianArch, arch);
      if (dyn.file === f.library) {
        const bare = readElfFile(f.bare);
        compareFile(c, bare, dyn, hdr, { info, file: f.bare });
        c.eq(f.bare, 'Debian architecture', bare.debianArch, arch);
      }
    });
    console.log(`elf assembled fixtures ${triplet} (${arch}): ${c.files} files, ${c.fields} fields`);
    assert.deepEqual(c.mismatches, []);
    assert.equal(c.files, 3);
  });
}

test('UTF-8 symbol names decode like readelf --unicode=escape shows them', (t) => {
  if (!requireTools(t, ['readelf', 'gcc'], 'binutils gcc')) return;
  const dir = cacheDir('elf-fixtures', 'utf8');
  const lib = join(dir, 'libutf8.so');
  if (!existsSync(lib)) {
    // Extended identifiers (C99, gcc ≥ 10) give .dynstr names with UTF-8 bytes.
    writeFileSync(
      join(dir, 'u.c'),
      'int café(void) { return 1; }\nint 日本(void) { return 2; }\nint ascii(void) { return 3; }\n',
    );
    run('gcc', ['-shared', '-fPIC', '-o', lib, 'u.c'], { cwd: dir });
  }
  const ref = parseDynOutput(lib, run('readelf', ['-W', '--unicode=escape', '--dyn-syms', lib]));
  const escape = (s: string) =>
    [...s]
      .map((ch) => (ch.charCodeAt(0) < 0x80 ? ch : `\\u${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`))
      .join('');
  const ours = readElfFile(lib).symbols.map((s) => escape(s.name));
  const theirs = (ref.symbols ?? []).map((s) => s.display);
  assert.deepEqual(ours, theirs);
  assert.ok(
    ours.some((n) => n.includes('\\u')),
    'the fixture has non-ASCII names',
  );
  console.log(`elf UTF-8 names: ${ours.length} symbols equal to readelf --unicode=escape`);
});
