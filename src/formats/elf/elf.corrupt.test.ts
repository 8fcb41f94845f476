/**
 * Truncated and corrupted binaries: the only allowed outcomes are a result or a PkgmeError with a stable code and
 * the offset/field in its details. Real binaries (the machine's and the compiled fixtures) are cut at many offsets
 * and have single fields overwritten with hostile values.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PkgmeError } from '../../errors.ts';
import { hasCommand } from '../../testing/env.ts';
import { type ElfInfo, parseElf, readElfFile } from './elf.ts';
import { TOOLCHAINS, buildFixtures } from './testkit/fixtures.ts';
import { findElfFiles } from './testkit/files.ts';

const CODES = new Set(['ELF_NOT_ELF', 'ELF_TRUNCATED', 'ELF_CORRUPT', 'ELF_UNSUPPORTED', 'ELF_LIMIT']);

/** Parses and returns the typed error, or null on success; anything else fails the test. */
function outcome(bytes: Uint8Array): PkgmeError | null {
  try {
    parseElf(bytes);
    return null;
  } catch (err) {
    if (!(err instanceof PkgmeError)) throw err;
    assert.ok(CODES.has(err.code), `unexpected code ${err.code}`);
    assert.equal(typeof err.details.offset, 'number', `${err.code} without an offset: ${err.message}`);
    assert.equal(typeof err.details.field, 'string', `${err.code} without a field: ${err.message}`);
    assert.ok(err.hint, `${err.code} without a hint`);
    return err;
  }
}

function samples(): string[] {
  const out: string[] = [];
  for (const c of TOOLCHAINS) {
    if (!hasCommand(c)) continue;
    const set = buildFixtures(c);
    out.push(set.files.get('libdemo.so.1')!, set.files.get('app-nopie')!, ...set.sectionless.keys());
  }
  // A few small real programs and libraries of the machine.
  const real = findElfFiles(['/usr/bin'])
    .filter((_, i) => i % 97 === 0)
    .slice(0, 6);
  return [...out, ...real];
}

/** End of the last byte the parser must read: section headers, dynamic section, dynsym, version tables. */
function neededEnd(info: ElfInfo): number {
  const h = info.header;
  let end = h.class === 64 ? 64 : 52;
  end = Math.max(end, h.phoff + h.phnum * h.phentsize);
  if (info.hasSectionHeaders) end = Math.max(end, h.shoff + h.shnum * h.shentsize);
  return end;
}

test('truncating real binaries at many offsets gives a PkgmeError, never a crash', () => {
  let cuts = 0;
  let errors = 0;
  const files = samples();
  for (const f of files) {
    const bytes = readFileSync(f);
    const full = parseElf(bytes);
    const must = neededEnd(full);
    const offsets = new Set<number>();
    for (let i = 0; i < Math.min(bytes.length, 600); i++) offsets.add(i);
    for (let i = 0; i < 400; i++) offsets.add(Math.floor((bytes.length * i) / 400));
    for (const s of full.sections) {
      for (const d of [-1, 0, 1]) {
        offsets.add(s.offset + d);
        offsets.add(s.offset + s.size + d);
      }
    }
    for (const p of full.programHeaders) for (const d of [-1, 0, 1]) offsets.add(p.offset + p.filesz + d);
    for (const cut of offsets) {
      if (cut < 0 || cut >= bytes.length) continue;
      cuts++;
      const err = outcome(bytes.subarray(0, cut));
      if (err) errors++;
      // A cut inside the headers or tables the parser must read is always reported, with the right code.
      if (cut < must) {
        assert.ok(err, `${f} cut at ${cut} (< ${must}) parsed without error`);
        assert.equal(
          err.code,
          cut < 4 ? 'ELF_NOT_ELF' : 'ELF_TRUNCATED',
          `${f} cut at ${cut}: ${err.message}`,
        );
      }
    }
  }
  console.log(
    `elf truncation: ${files.length} files, ${cuts} cuts, ${errors} typed errors, ${cuts - errors} parsed`,
  );
  assert.ok(cuts > 1000);
});

test('readElfFile on truncated files (region reads from a descriptor) gives ELF_TRUNCATED', () => {
  const big = findElfFiles(['/usr/bin']).find((f) => readFileSync(f).length > 1 << 20);
  assert.ok(big, 'no ELF file over 1 MiB in /usr/bin');
  const bytes = readFileSync(big);
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-elf-'));
  try {
    let n = 0;
    for (const frac of [0.3, 0.6, 0.9, 0.999]) {
      const p = join(dir, `cut-${frac}`);
      writeFileSync(p, bytes.subarray(0, Math.floor(bytes.length * frac)));
      assert.throws(
        () => readElfFile(p),
        (e: unknown) => e instanceof PkgmeError && e.code === 'ELF_TRUNCATED',
      );
      n++;
    }
    assert.throws(
      () => readElfFile(join(dir, 'missing')),
      (e: unknown) => e instanceof PkgmeError && e.code === 'ELF_READ_FAILED',
    );
    console.log(`elf truncation via file descriptor: ${n} cuts of ${big}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A copy with one field overwritten. */
function patch(bytes: Uint8Array, little: boolean, at: number, size: 1 | 2 | 4, value: number): Uint8Array {
  const out = new Uint8Array(bytes); // a copy (Buffer#slice would share memory)
  const v = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (size === 1) v.setUint8(at, value);
  else if (size === 2) v.setUint16(at, value, little);
  else v.setUint32(at, value >>> 0, little);
  return out;
}

test('hostile field values give the documented codes', () => {
  const native = buildFixtures('gcc');
  const lib = readFileSync(native.files.get('libdemo.so.1')!);
  const info = parseElf(lib);
  const little = info.header.endian === 'little';
  const code = (b: Uint8Array) => outcome(b)?.code ?? 'ok';

  assert.equal(code(new TextEncoder().encode('#!/bin/sh\necho hi\n')), 'ELF_NOT_ELF');
  assert.equal(code(new Uint8Array(0)), 'ELF_NOT_ELF');
  assert.equal(code(patch(lib, little, 4, 1, 3)), 'ELF_UNSUPPORTED'); // EI_CLASS
  assert.equal(code(patch(lib, little, 5, 1, 0)), 'ELF_UNSUPPORTED'); // EI_DATA
  assert.equal(code(patch(lib, little, 0x36, 2, 1)), 'ELF_CORRUPT'); // e_phentsize
  assert.equal(code(patch(lib, little, 0x3a, 2, 3)), 'ELF_CORRUPT'); // e_shentsize
  assert.equal(code(patch(lib, little, 0x3c, 2, 0xfffe)), 'ELF_TRUNCATED'); // e_shnum
  assert.equal(code(patch(lib, little, 0x28, 4, 0xfffffff0)), 'ELF_TRUNCATED'); // e_shoff

  const app = readFileSync(native.files.get('app-nopie')!);
  const appInfo = parseElf(app);
  const vn = appInfo.sections.find((s) => s.name === '.gnu.version_r')!;
  const vd = info.sections.find((s) => s.name === '.gnu.version_d')!;
  const dynstr = appInfo.sections.find((s) => s.name === '.dynstr')!;
  assert.ok(vn && vd && dynstr, 'the fixtures have version needs (app) and definitions (library)');
  // vn_aux and vd_next pointing far outside their tables; a file name offset outside .dynstr.
  assert.equal(code(patch(app, little, vn.offset + 8, 4, 0x7ffffff0)), 'ELF_CORRUPT');
  assert.equal(code(patch(lib, little, vd.offset + 16, 4, 0x7ffffff0)), 'ELF_CORRUPT');
  assert.equal(code(patch(app, little, vn.offset + 4, 4, dynstr.size + 5)), 'ELF_CORRUPT');
  // A huge entry count stops at the list's end (vn_next = 0) instead of looping or allocating.
  const shInfo = appInfo.header.shoff + appInfo.sections.indexOf(vn) * appInfo.header.shentsize + 44;
  assert.equal(code(patch(app, little, shInfo, 4, 0xffffffff)), 'ok');
  // vd_next = 0 on the first record while sh_info says more: the walk ends, no loop.
  assert.equal(code(patch(lib, little, vd.offset + 16, 4, 0)), 'ok');

  // Without section headers: DT_HASH's nchain claiming more symbols than the file holds.
  const bare = [...native.sectionless.keys()].find((p) => p.includes('app-sysv'))!;
  const bareBytes = readFileSync(bare);
  const hashSec = parseElf(readFileSync(native.files.get('app-sysv')!)).sections.find(
    (s) => s.name === '.hash',
  )!;
  assert.equal(code(patch(bareBytes, little, hashSec.offset + 4, 4, 0x7fffffff)), 'ELF_CORRUPT');
  // More symbols than the configured limit: refused before any symbol object is made.
  assert.throws(
    () => parseElf(lib, { maxSymbols: 3 }),
    (e: unknown) => e instanceof PkgmeError && e.code === 'ELF_LIMIT' && e.kind === 'limit',
  );
  console.log('elf hostile fields: 15 crafted or patched files, each with its expected code');
});
