/**
 * Unit tests of the deb822 model: errors with line numbers, comments, separators and newline state kept, the
 * case-insensitive lookup, set/delete semantics. The error cases are also fed to Dpkg::Control::HashCore, which must
 * reject them too (and accept the valid ones), so the rules are dpkg's, not ours.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PkgmeError } from '../../errors.ts';
import { requireTools } from '../../testing/env.ts';
import { Paragraph, formatDeb822, parseDeb822, parseDeb822Bytes } from './index.ts';

const script = join(import.meta.dirname, 'testdata', 'dpkg-dump.pl');

function dpkgAccepts(text: string): boolean {
  return spawnSync('perl', [script, '-'], { input: text }).status === 0;
}

function dpkgValues(text: string): Array<Array<[string, string]>> {
  return JSON.parse(execFileSync('perl', [script, '-'], { input: text }).toString('utf8')) as Array<
    Array<[string, string]>
  >;
}

const invalid: Array<[string, string, string, number]> = [
  // [name, text, code, line]
  ['continuation before any field', ' foo\nA: b\n', 'DEB822_SYNTAX', 1],
  ['continuation after a blank line', 'A: b\n\n c\n', 'DEB822_SYNTAX', 3],
  ['line without colon', 'A: b\nnot a field\n', 'DEB822_SYNTAX', 2],
  ['duplicate field', 'A: b\nC: d\nA: e\n', 'DEB822_DUPLICATE_FIELD', 3],
  ['duplicate field, other case', 'Package: b\npackage: e\n', 'DEB822_DUPLICATE_FIELD', 2],
  ['field starting with a hyphen', 'A: b\n-B: c\n', 'DEB822_SYNTAX', 2],
  ['clearsigned text', '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nA: b\n', 'DEB822_SYNTAX', 1],
];

for (const [name, text, code, line] of invalid) {
  test(`rejects: ${name} (${code}, line ${line}), as dpkg does`, (t) => {
    assert.throws(
      () => parseDeb822(text),
      (e: unknown) =>
        e instanceof PkgmeError && e.code === code && e.details.line === line && e.hint !== undefined,
    );
    if (!requireTools(t, ['perl'], 'libdpkg-perl')) return;
    assert.equal(dpkgAccepts(text), false, 'Dpkg::Control accepted it');
  });
}

const valid: Array<[string, string]> = [
  ['comments between continuation lines', '# head\nA: b\n# inner\n c\nD: e\n'],
  ['description with dots', 'Description: syn\n long\n .\n ..\n  indented\n'],
  ['empty first line (Files)', 'Files:\n abc 1 f.tar\n def 2 g.dsc\n'],
  ['whitespace-only separator', 'A: b\n \t\nA: c\n'],
  ['many blank lines and trailing spaces', '\n\nA:  b  \n\n\n\nC: d\t\n\n\n'],
  ['CRLF line ends', 'A: b\r\n c\r\n\r\nD: e\r\n'],
  ['no final newline', 'A: b\n\nC: d'],
  ['tab continuation', 'A: b\n\tc\n'],
];

for (const [name, text] of valid) {
  test(`round trip and Dpkg values: ${name}`, (t) => {
    const ps = parseDeb822(text);
    assert.ok(formatDeb822(ps) === text, 'byte-identical round trip');
    if (!requireTools(t, ['perl'], 'libdpkg-perl')) return;
    const exp = dpkgValues(text);
    assert.equal(ps.length, exp.length);
    exp.forEach((fields, i) => {
      for (const [n, v] of fields) assert.equal(ps[i]!.get(n), v, `paragraph ${i + 1} field ${n}`);
    });
  });
}

test('comments are kept in the raw text and ignored by get()', () => {
  const [p] = parseDeb822('# c0\nA: b\n# c1\n c\n');
  assert.equal(p!.leading, '# c0\n');
  assert.equal(p!.getRaw('A'), ' b\n# c1\n c');
  assert.equal(p!.get('a'), 'b\nc');
  assert.throws(() => parseDeb822('A: b\n# c\n', { allowComments: false }), { code: 'DEB822_SYNTAX' });
});

test('lookup is case-insensitive, spelling and order are kept, set appends new fields', () => {
  const [p] = parseDeb822('Package: x\nVersion: 1\nDescription-md5: abc\n');
  assert.equal(p!.get('DESCRIPTION-MD5'), 'abc');
  p!.set('version', '2');
  p!.set('Depends', 'libc6');
  p!.set('Description', 'syn\nline one\n\nline two');
  assert.deepEqual(p!.fields(), ['Package', 'Version', 'Description-md5', 'Depends', 'Description']);
  assert.equal(
    formatDeb822([p!]),
    'Package: x\nVersion: 2\nDescription-md5: abc\nDepends: libc6\nDescription: syn\n line one\n .\n line two\n',
  );
  assert.equal(p!.get('Description'), 'syn\nline one\n\nline two');
  assert.equal(p!.delete('PACKAGE'), true);
  assert.equal(p!.has('Package'), false);
});

test('paragraphs built in code are separated by one empty line', () => {
  const a = Paragraph.from({ Source: 'x', Section: 'misc' });
  const b = Paragraph.from([['Package', 'x']]);
  assert.equal(formatDeb822([a, b]), 'Source: x\nSection: misc\n\nPackage: x\n');
  // A parsed last paragraph without final newline, followed by a new one, still yields valid text.
  const ps = parseDeb822('A: b');
  ps.push(Paragraph.from({ C: 'd' }));
  assert.deepEqual(
    parseDeb822(formatDeb822(ps)).map((p) => p.toJSON()),
    [{ A: 'b' }, { C: 'd' }],
  );
});

test('invalid names and raw values are refused by set', () => {
  assert.throws(() => new Paragraph().set('Bad Name', 'x'), { code: 'DEB822_BAD_FIELD_NAME' });
  assert.throws(() => new Paragraph().set('-X', 'x'), { code: 'DEB822_BAD_FIELD_NAME' });
  assert.throws(() => new Paragraph().setRaw('X', ' a\nb'), { code: 'DEB822_BAD_VALUE' });
  assert.throws(() => new Paragraph().setRaw('X', ' a\n \n c'), { code: 'DEB822_BAD_VALUE' });
});

test('bytes must be UTF-8', () => {
  assert.throws(() => parseDeb822Bytes(new Uint8Array([0x41, 0x3a, 0x20, 0xff, 0x0a])), {
    code: 'DEB822_ENCODING',
  });
  assert.equal(parseDeb822Bytes(new TextEncoder().encode('A: é\n'))[0]!.get('A'), 'é');
});

test("name/colon rules follow dpkg's C parser (dpkg-deb --build): 'Foo : bar' accepted, a lone word rejected", (t) => {
  if (!requireTools(t, ['dpkg-deb'], 'dpkg')) return;
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-deb822-c-'));
  try {
    mkdirSync(join(dir, 'pkg', 'DEBIAN'), { recursive: true });
    const head = 'Package: x\nVersion: 1\nArchitecture: all\nMaintainer: A <a@example.org>\n';
    for (const [line, ok] of [
      ['Foo : bar', true],
      ['Foo\t:bar', true],
      ['junk', false],
      ['Foo bar: x', false],
    ] as const) {
      const text = `${head}${line}\nDescription: d\n`;
      writeFileSync(join(dir, 'pkg', 'DEBIAN', 'control'), text);
      const dpkg = spawnSync('dpkg-deb', ['--build', join(dir, 'pkg'), join(dir, 'x.deb')]).status === 0;
      assert.equal(dpkg, ok, `dpkg-deb on ${JSON.stringify(line)}`);
      let ours = true;
      try {
        const ps = parseDeb822(text);
        assert.equal(ps[0]!.get('foo'), 'bar');
        assert.ok(formatDeb822(ps) === text, 'round trip keeps the blanks before the colon');
      } catch (err) {
        assert.ok(err instanceof PkgmeError && err.code === 'DEB822_SYNTAX', String(err));
        ours = false;
      }
      assert.equal(ours, ok, `ours on ${JSON.stringify(line)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
