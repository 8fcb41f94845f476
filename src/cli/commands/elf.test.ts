/**
 * `pkgme elf` end to end: its JSON for real binaries of the machine against readelf's NEEDED / SONAME / RUNPATH and
 * imports, the plain summary, and the typed error (exit code 1) for a file that is not ELF.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DynamicSymbol, ElfInfo } from '../../formats/elf/elf.ts';
import { findElfFiles } from '../../formats/elf/testkit/files.ts';
import { parseDynOutput } from '../../formats/elf/testkit/readelf.ts';
import { requireTools, run } from '../../testing/env.ts';
import { pkgme } from '../../testing/cli.ts';

test('pkgme elf --json agrees with readelf on NEEDED, SONAME, RUNPATH and imports', (t) => {
  if (!requireTools(t, ['readelf'], 'binutils')) return;
  const files = findElfFiles(['/usr/bin'])
    .filter((_, i) => i % 50 === 0)
    .slice(0, 8);
  const r = pkgme('elf', '--json', '--symbols', 'undefined', ...files);
  assert.equal(r.status, 0, r.stderr);
  const out = (JSON.parse(r.stdout) as { files: { path: string; info: ElfInfo }[] }).files;
  assert.equal(out.length, files.length);
  let imports = 0;
  for (const { path, info } of out) {
    const ref = parseDynOutput(path, run('readelf', ['-dW', '--dyn-syms', '-V', path]));
    assert.deepEqual(info.needed, ref.needed, path);
    assert.deepEqual(info.soname === null ? [] : [info.soname], ref.soname, path);
    assert.deepEqual(info.runpath, ref.runpath, path);
    const theirs = (ref.symbols ?? []).filter((s, i) => s.ndx === 0 && i > 0).map((s) => s.display);
    const ours = info.undefinedSymbols.map((s: DynamicSymbol) =>
      s.version === null ? s.name : `${s.name}@${s.version.name} (${s.version.index})`,
    );
    assert.deepEqual(ours, theirs, path);
    imports += ours.length;
  }
  console.log(`pkgme elf --json: ${out.length} files, ${imports} imports equal to readelf's`);
});

test('pkgme elf prints a summary, and a typed error for a non-ELF file', () => {
  const [file] = findElfFiles(['/usr/bin']);
  const ok = pkgme('elf', file!);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^\S+: ELF(32|64) (little|big)-endian, e_machine \d+, /);
  const bad = pkgme('elf', '--json', '/etc/hostname');
  assert.equal(bad.status, 1);
  const err = (JSON.parse(bad.stdout) as { error: { code: string; details: { path: string } } }).error;
  assert.equal(err.code, 'ELF_NOT_ELF');
  assert.equal(err.details.path, '/etc/hostname');
});
