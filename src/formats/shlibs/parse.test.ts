import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PkgmeError } from '../../errors.ts';
import { requireTools } from '../../testing/env.ts';
import { perlExtractFromShlibs, type ShlibsQuery } from './dpkg-oracle.fixture.ts';
import { libDebControls } from './lib-debs.fixture.ts';
import { parseShlibs, shlibsDependency } from './parse.ts';
import { sonamesFor } from './soname.ts';

const INFO = '/var/lib/dpkg/info';

/** Lines at the edges of dpkg-shlibdeps' pattern (compared with it below, not with hand-written answers). */
const TRICKY = [
  'libok 1 dep1',
  '  libspace 2 dep2 (>= 2)   ',
  'udeb: libok 1 udep',
  'udeb:libnospace 1 xy',
  'libone 1 x',
  'libnodep 3',
  'libnodep 3 second',
  '#comment 1 a b',
  '   #notcomment 1 yz',
  'libtab\t4\tdep (>= 1)\t',
  'other: libok 1 otherdep',
  'libok 1 second-dep',
  'libcr 5 dep5\r',
  'libfoo-1.2 0 libfoo-1.2-0',
  'libbar 1.2 libbar1.2',
  '',
  '   ',
  'onlytwo 1',
  'a:  b c de',
].join('\n');

function shlibsFiles(): string[] {
  const local = readdirSync(INFO)
    .filter((f) => f.endsWith('.shlibs'))
    .map((f) => join(INFO, f));
  const debs = libDebControls()
    .map((c) => join(c.dir, 'shlibs'))
    .filter((f) => existsSync(f));
  return [...local, ...debs];
}

test('shlibs: lines, types, comments, dependency parsed as a relation', () => {
  const { entries, problems } = parseShlibs(
    '# c\n\nlibpng16 16 libpng16-16 (>= 1.6.2-1)\nudeb: libpng16 16 libpng-udeb (>= 1.6.2-1)\nlibfoo 1\n',
  );
  assert.deepEqual(problems, []);
  assert.equal(entries.length, 3);
  assert.deepEqual(
    entries.map((e) => [e.line, e.type, e.library, e.soversion, e.dependency]),
    [
      [3, undefined, 'libpng16', '16', 'libpng16-16 (>= 1.6.2-1)'],
      [4, 'udeb', 'libpng16', '16', 'libpng-udeb (>= 1.6.2-1)'],
      [5, undefined, 'libfoo', '1', ''],
    ],
  );
  const png = entries[0]!.relations![0]![0]!;
  assert.equal(png.type === 'package' && png.constraint?.version, '1.6.2-1');
  assert.equal(shlibsDependency(entries, 'libpng16.so.16')?.dependency, 'libpng16-16 (>= 1.6.2-1)');
  assert.equal(shlibsDependency(entries, 'libpng16.so.16', 'udeb')?.dependency, 'libpng-udeb (>= 1.6.2-1)');
  assert.equal(shlibsDependency(entries, 'libpng16.so.17'), undefined);
});

test('shlibs: bad lines are problems with line numbers, or thrown in strict mode', () => {
  const text = 'libok 1 libok1\nonlyone\nlibbad 2 libbad2 (>= \n';
  const { entries, problems } = parseShlibs(text, { file: 'x.shlibs' });
  assert.equal(entries.length, 2);
  assert.deepEqual(
    problems.map((p) => [p.code, p.details.line]),
    [
      ['SHLIBS_SYNTAX', 2],
      ['SHLIBS_DEPENDENCY', 3],
    ],
  );
  assert.match(problems[0]!.message, /x\.shlibs: shlibs line 2/);
  assert.throws(
    () => parseShlibs(text, { strict: true }),
    (e: unknown) => e instanceof PkgmeError && e.code === 'SHLIBS_SYNTAX' && e.details.line === 2,
  );
});

test('shlibs oracle: every installed and downloaded shlibs file, against dpkg-shlibdeps extract_from_shlibs', (t) => {
  if (!requireTools(t, ['perl', 'dpkg-shlibdeps', 'apt-get', 'dpkg-deb'], 'dpkg-dev')) return;
  const tmp = mkdtempSync(join(tmpdir(), 'pkgme-shlibs-'));
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const tricky = join(tmp, 'tricky.shlibs');
  writeFileSync(tricky, TRICKY);
  const files = [...shlibsFiles(), tricky];
  const queries: ShlibsQuery[] = [];
  let entries = 0;
  let typed = 0;
  let relations = 0;
  const parsed = new Map<string, ReturnType<typeof parseShlibs>['entries']>();
  for (const file of files) {
    const r = parseShlibs(readFileSync(file, 'utf8'), { file });
    // dpkg-built shlibs files are well-formed: every line must be read, and every dependency must parse.
    if (file !== tricky)
      assert.deepEqual(
        r.problems.map((p) => p.message),
        [],
        file,
      );
    parsed.set(file, r.entries);
    entries += r.entries.length;
    for (const e of r.entries) {
      if (e.type !== undefined) typed++;
      if (e.relations !== undefined) relations++;
      const extra =
        file === tricky ? ['libone.so.1', 'udeb:libnospace.so.1', 'libnospace.so.1', 'b.so.c'] : [];
      for (const soname of [
        ...sonamesFor(e.library, e.soversion),
        `${e.library}.so.${e.soversion}9`,
        ...extra,
      ]) {
        for (const packageType of ['deb', 'udeb']) queries.push({ file, soname, packageType });
      }
    }
  }
  const perl = perlExtractFromShlibs(queries);
  let mismatches = 0;
  queries.forEach((q, i) => {
    const ours = shlibsDependency(parsed.get(q.file)!, q.soname, q.packageType)?.dependency ?? null;
    if (ours !== perl[i]) {
      mismatches++;
      if (mismatches <= 5) console.log('mismatch', q, { ours, perl: perl[i] });
    }
  });
  console.log(
    `shlibs: ${files.length} files, ${entries} lines (${typed} typed, ${relations} dependencies parsed), ` +
      `${queries.length} soname lookups compared with dpkg-shlibdeps, ${mismatches} mismatches`,
  );
  assert.ok(files.length > 200 && entries > 300);
  assert.equal(mismatches, 0);
});
