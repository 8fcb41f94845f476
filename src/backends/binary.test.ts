/**
 * The binary backend's detection and its executable/architecture rules on real ELF files: counts compared with
 * readelf's view (an executable has an INTERP program header or type EXEC; a library is DYN without INTERP), and
 * a cross-compiled aarch64 executable beside amd64 ones giving the MIXED_ARCHITECTURES problem.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { inventoryTree } from '../inspect/inventory.ts';
import { requireTools, run } from '../testing/env.ts';
import { binaryBackend, detectBinary, mainExecutables } from './binary.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pkgme-binary-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function readelfKind(path: string): 'exe' | 'lib' | 'other' {
  const h = run('readelf', ['-hlW', path]);
  const type = /Type:\s+(\w+)/.exec(h)![1];
  if (type === 'EXEC' || /\bINTERP\b/.test(h)) return 'exe';
  return type === 'DYN' ? 'lib' : 'other';
}

test('detection counts agree with readelf; the package-named, shallow executable comes first', (t) => {
  if (!requireTools(t, ['readelf'], 'binutils')) return;
  const dir = join(tmp, 'app');
  mkdirSync(join(dir, 'bin'), { recursive: true });
  mkdirSync(join(dir, 'lib', 'deep'), { recursive: true });
  copyFileSync('/bin/true', join(dir, 'bin', 'zzz'));
  copyFileSync('/bin/false', join(dir, 'lib', 'deep', 'app-helper'));
  copyFileSync('/bin/ls', join(dir, 'bin', 'app'));
  copyFileSync(realpathSync('/lib/x86_64-linux-gnu/libz.so.1'), join(dir, 'lib', 'libz.so.1'));
  writeFileSync(join(dir, 'README'), 'text\n');
  const inv = inventoryTree(dir);
  const kinds = inv.entries.filter((e) => e.elf).map((e) => readelfKind(join(dir, e.path)));
  const exes = kinds.filter((k) => k === 'exe').length;
  const libs = kinds.filter((k) => k === 'lib').length;
  const d = detectBinary(inv.entries);
  console.log(`binary detect: ${d.reason}; readelf: ${exes} executables, ${libs} libraries`);
  assert.equal(d.reason, `${exes} ELF executables, ${libs} shared library`);
  assert.ok(d.score > 0);
  assert.deepEqual(mainExecutables(inv.entries, 'app'), ['bin/app', 'lib/deep/app-helper', 'bin/zzz']);
  assert.deepEqual(detectBinary([]), { score: 0, reason: 'no ELF files found' });
  const libsOnly = inv.entries.filter((e) => e.path === 'lib/libz.so.1');
  assert.deepEqual(detectBinary(libsOnly), { score: 30, reason: '1 shared library, no executables' });
});

test('mixed architectures are a problem entry', async (t) => {
  if (!requireTools(t, ['aarch64-linux-gnu-gcc'], 'gcc-aarch64-linux-gnu')) return;
  const dir = join(tmp, 'mixed-1.0');
  mkdirSync(join(dir, 'bin'), { recursive: true });
  // Static, with its own _start: no arm64 libc (libc6-dev-arm64-cross) is needed.
  writeFileSync(join(tmp, 'm.c'), 'void _start(void) { for (;;) {} }\n');
  run('aarch64-linux-gnu-gcc', [
    '-nostdlib',
    '-static',
    '-o',
    join(dir, 'bin', 'mixed-arm'),
    join(tmp, 'm.c'),
  ]);
  copyFileSync('/bin/true', join(dir, 'bin', 'mixed'));
  const inventory = inventoryTree(dir);
  const info = await binaryBackend.info({
    path: dir,
    name: 'mixed-1.0',
    isFile: false,
    root: dir,
    inventory,
  });
  const p = info.problems.find((x) => x.code === 'MIXED_ARCHITECTURES');
  assert.ok(p, JSON.stringify(info.problems));
  assert.match(p.message, /amd64, arm64/);
  assert.equal(info.fields.architecture, undefined);
});
