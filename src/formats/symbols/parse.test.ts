import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PkgmeError } from '../../errors.ts';
import { requireTools } from '../../testing/env.ts';
import { libDebControls } from '../shlibs/lib-debs.fixture.ts';
import { perlSymbolFiles, type PerlObject, type PerlSymbol } from './dpkg-oracle.fixture.ts';
import type { SymbolInfo, SymbolsObject } from './model.ts';
import { isDeprecated, parseSymbolsFile, parseSymbolsSection, tagValue } from './parse.ts';
import { splitSymbolsFile } from './split.ts';

const INFO = '/var/lib/dpkg/info';

function symbolsFiles(): string[] {
  const local = readdirSync(INFO)
    .filter((f) => f.endsWith('.symbols'))
    .map((f) => join(INFO, f));
  const debs = libDebControls()
    .map((c) => join(c.dir, 'symbols'))
    .filter((f) => existsSync(f));
  return [...local, ...debs];
}

/** Edge cases of dpkg's line grammar that real files rarely show; dpkg reads them without dying. */
const TRICKY = [
  '# comment',
  'libtricky.so.1 libtricky1 #MINVER#',
  '| libtricky1 (>> 1.0), libtricky1 (<< 2)  ',
  '|libalt',
  '* build-depends-PACKAGE: libtricky-dev  ',
  '*Ignore-Blacklist-Groups:aeabi gomp',
  '* md5sum: x',
  '* weird--name-: v',
  ' plain@Base 1.0',
  '\tTAB@Base 1:1.0-2 2',
  ' depid@Base 1.0 12abc',
  ' twospaces@Base 1.0  3',
  ' (optional)opt@Base 1.0',
  ' (c++)"foo::bar(int)@Base" 1.1 1',
  " (c++|optional)'baz()@V1' 1.2",
  ' (symver)V2 2.0',
  ' (symver|optional)V2 2.1',
  ' *@V3 3.0',
  ' (regex)"^_ZN3foo.*@Base$" 1.3',
  ' (c++|regex)"^foo::.*@Base$" 1.4',
  ' (arch=amd64 i386|x=1=2|flag|flag=3)archsym@Base 1.5',
  ' (a||b|)pipes@Base 1.6',
  ' ()empty@Base 1.7',
  ' (0)zero@Base 1.8',
  ' (c++)unquoted::x()@Base 1.9',
  ' "quoted@Base" 2.0',
  '#MISSING: 1.5# gone@Base 1.0',
  '#DEPRECATED: 0# zero_dep@Base 1.0',
  '#MISSING: not a version# badver@Base 1.0',
  ' nominver@Base',
  ' (optional) spaced@Base 1',
  ' ',
  'justone',
  '',
  'libtwo.so.2 libtwo2',
  ' two@Base 2',
  'libtricky.so.1 libtricky1 (>= 9)',
  ' after@Base 3',
  ' plain@Base 4',
  ' (c++)"foo::bar(int)@Base" 5',
  'liblast.so.3',
  ' last@Base 1\r',
].join('\n');

function toPerlSymbol(s: SymbolInfo): PerlSymbol {
  return [s.minver, s.depId, (s.tags ?? []).map((t) => [t.name, t.value ?? null]), isDeprecated(s) ? 1 : 0];
}

function toPerlObject(o: SymbolsObject): PerlObject {
  const aliases: PerlObject['aliases'] = {};
  const generic: PerlObject['generic'] = [];
  for (const p of o.patterns) {
    if (p.kind === 'generic') generic.push([p.name, ...toPerlSymbol(p)]);
    else (aliases[p.kind] ??= {})[p.name] = toPerlSymbol(p);
  }
  return {
    deps: o.dependencies,
    fields: { ...o.fields },
    syms: Object.fromEntries([...o.symbols].map(([k, v]) => [k, toPerlSymbol(v)])),
    aliases,
    generic,
  };
}

function sorted(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(sorted);
  if (x !== null && typeof x === 'object')
    return Object.fromEntries(
      Object.keys(x)
        .sort()
        .map((k) => [k, sorted((x as Record<string, unknown>)[k])]),
    );
  return x;
}

test('symbols: sections, alternatives, fields, symbols and patterns', () => {
  const r = parseSymbolsFile(TRICKY, { file: 't.symbols' });
  assert.deepEqual(
    r.objects.map((o) => o.soname),
    ['libtricky.so.1', 'libtwo.so.2'],
  );
  const o = r.objects[0]!;
  // The repeated header reset the templates and kept the symbols (dpkg's "update/override infos only").
  assert.deepEqual(o.dependencies, ['libtricky1 (>= 9)']);
  assert.equal(o.fields['Build-Depends-Package'], 'libtricky-dev');
  assert.equal(o.fields.MD5sum, 'x');
  assert.deepEqual(o.symbols.get('TAB@Base'), { minver: '1:1.0-2', depId: 2 });
  assert.equal(o.symbols.get('plain@Base')?.minver, '4');
  assert.equal(o.symbols.get('depid@Base')?.depId, 12);
  assert.equal(o.symbols.get('twospaces@Base')?.depId, 0);
  assert.equal(tagValue(o.symbols.get('opt@Base')!, 'optional'), null);
  assert.equal(tagValue(o.symbols.get('archsym@Base')!, 'x=1'), '2');
  assert.equal(isDeprecated(o.symbols.get('gone@Base')!), true);
  assert.equal(isDeprecated(o.symbols.get('zero_dep@Base')!), false);
  const kinds = o.patterns.map((p) => `${p.kind}:${p.name}:${p.minver}`);
  assert.deepEqual(kinds, [
    'c++:foo::bar(int)@Base:5',
    'c++:baz()@V1:1.2',
    'symver:V2:2.1',
    'symver:V3:3.0',
    'generic:^_ZN3foo.*@Base$:1.3',
    'generic:^foo::.*@Base$:1.4',
    'c++:unquoted::x()@Base:1.9',
  ]);
  assert.deepEqual(
    r.problems.map((p) => p.details.line),
    [30, 31, 32, 33, 41],
  );
  assert.ok(r.problems.every((p) => p.code === 'SYMBOLS_SYNTAX'));
});

test('symbols: dpkg errors throw SYMBOLS_SYNTAX with the line; strict mode throws warnings', () => {
  const cases: Array<[string, number]> = [
    [' sym@Base 1\n', 1],
    ['lib.so.1 lib1\n (c++)"" 1\n', 2],
    ['lib.so.1 lib1\n\n (symver)Base 1\n', 3],
    ['lib.so.1 lib1\n (optional)\n', 2],
    ['lib.so.1 lib1\n (optional)0 1\n', 2],
  ];
  for (const [text, line] of cases) {
    assert.throws(
      () => parseSymbolsFile(text),
      (e: unknown) => e instanceof PkgmeError && e.code === 'SYMBOLS_SYNTAX' && e.details.line === line,
      JSON.stringify(text),
    );
  }
  assert.throws(
    () => parseSymbolsFile('lib.so.1 lib1\n nominver@Base\n', { strict: true }),
    (e: unknown) => e instanceof PkgmeError && e.details.line === 2,
  );
  assert.throws(() => parseSymbolsSection(TRICKY), /exactly one soname, this one has 2/);
});

test('symbols: splitSymbolsFile cuts per soname, and each section parses to what the whole file gives', () => {
  const sections = splitSymbolsFile(TRICKY);
  assert.deepEqual(
    sections.map((s) => s.soname),
    ['libtricky.so.1', 'libtwo.so.2'],
  );
  assert.ok(sections[0]!.text.startsWith('libtricky.so.1 libtricky1 #MINVER#\n'));
  assert.ok(sections[0]!.text.includes('\nlibtricky.so.1 libtricky1 (>= 9)\n'));
  const whole = parseSymbolsFile(TRICKY).objects;
  const parts = sections.map((s) => {
    const { problems: _ignored, ...o } = parseSymbolsSection(s.text);
    return o;
  });
  assert.deepEqual(parts, whole);
  assert.throws(
    () => splitSymbolsFile('| x\nlib.so.1 a\n'),
    (e: unknown) => e instanceof PkgmeError && e.details.line === 1,
  );
});

test('symbols oracle: every installed and downloaded symbols file (and the edge cases) against Dpkg::Shlibs::SymbolFile', (t) => {
  if (!requireTools(t, ['perl', 'apt-get', 'dpkg-deb'], 'libdpkg-perl')) return;
  const tmp = mkdtempSync(join(tmpdir(), 'pkgme-symbols-'));
  try {
    const tricky = join(tmp, 'tricky.symbols');
    writeFileSync(tricky, TRICKY);
    const files = [...symbolsFiles(), tricky];
    const perl = perlSymbolFiles(files);
    let sonames = 0;
    let symbols = 0;
    let patterns = 0;
    let sectionsCompared = 0;
    let mismatches = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const ours = parseSymbolsFile(text, { file });
      const want = perl[file]!;
      assert.equal(want.error, undefined, `perl died on ${file}: ${want.error}`);
      assert.equal(ours.problems.length, want.warnings, `${file}: warnings`);
      const got = Object.fromEntries(ours.objects.map((o) => [o.soname, toPerlObject(o)]));
      if (JSON.stringify(sorted(got)) !== JSON.stringify(sorted(want.objects))) {
        mismatches++;
        for (const so of new Set([...Object.keys(got), ...Object.keys(want.objects!)])) {
          if (JSON.stringify(sorted(got[so])) !== JSON.stringify(sorted(want.objects![so])))
            console.log(
              'mismatch',
              file,
              so,
              JSON.stringify(sorted(got[so])).slice(0, 400),
              JSON.stringify(sorted(want.objects![so])).slice(0, 400),
            );
        }
      }
      for (const o of ours.objects) {
        sonames++;
        symbols += o.symbols.size;
        patterns += o.patterns.length;
      }
      // The split sections parse to the same model as the whole file.
      for (const s of splitSymbolsFile(text, { file })) {
        const { problems: _p, ...section } = parseSymbolsSection(s.text);
        assert.deepEqual(
          section,
          ours.objects.find((o) => o.soname === s.soname),
          `${file} ${s.soname}`,
        );
        sectionsCompared++;
      }
    }
    console.log(
      `symbols: ${files.length} files, ${sonames} sonames, ${symbols} symbols, ${patterns} patterns compared with ` +
        `Dpkg::Shlibs::SymbolFile: ${mismatches} mismatching files; ${sectionsCompared} split sections re-parsed`,
    );
    assert.ok(files.length > 200 && symbols > 50_000);
    assert.equal(mismatches, 0);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test("symbols: libc6's file parses in well under 10 ms", () => {
  const file = readdirSync(INFO).find((f) => /^libc6(:[a-z0-9]+)?\.symbols$/.test(f));
  assert.ok(file, 'libc6 symbols file');
  const text = readFileSync(join(INFO, file), 'utf8');
  for (let i = 0; i < 20; i++) parseSymbolsFile(text);
  let best = Infinity;
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    parseSymbolsFile(text);
    best = Math.min(best, performance.now() - t0);
  }
  let bestSplit = Infinity;
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    splitSymbolsFile(text);
    bestSplit = Math.min(bestSplit, performance.now() - t0);
  }
  console.log(
    `libc6 symbols: ${text.split('\n').length} lines, parse ${best.toFixed(2)} ms, split ${bestSplit.toFixed(2)} ms (best of 50)`,
  );
  assert.ok(best < 5, `parse took ${best} ms`);
});
