/**
 * Fuzz target: parseElf on mutations of real binaries (small programs of the machine and the cross-compiled
 * fixtures, with and without section headers). It must return or throw a PkgmeError: no crash, hang or runaway
 * allocation.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { hasCommand } from '../../testing/env.ts';
import { fuzz } from '../../testing/fuzz.ts';
import { parseElf, readElfFile } from './elf.ts';
import { findElfFiles } from './testkit/files.ts';
import { TOOLCHAINS, buildFixtures } from './testkit/fixtures.ts';

function seeds(): Uint8Array[] {
  const paths: string[] = [];
  for (const c of TOOLCHAINS) {
    if (!hasCommand(c)) continue;
    const set = buildFixtures(c);
    paths.push(set.files.get('libdemo.so.1')!, set.files.get('app-nopie')!, set.files.get('demo.o')!);
    paths.push(...[...set.sectionless.keys()].filter((p) => /app-(runpath|sysv)/.test(p)));
  }
  const small = findElfFiles(['/usr/bin']).filter((f) => statSync(f).size < 48 * 1024);
  paths.push(...small.slice(0, 3));
  // Plain Uint8Array copies: the mutator slices its seed, and Buffer#slice would share (and corrupt) the seed.
  return paths.map((p) => new Uint8Array(readFileSync(p)));
}

test('fuzz parseElf', async () => {
  const s = seeds();
  assert.ok(s.length >= 5, 'need real seeds');
  const report = await fuzz({
    name: 'elf',
    seeds: s,
    run: (input) => {
      parseElf(input);
      parseElf(input, { symbols: 'undefined' });
    },
  });
  assert.ok(report.inputs > 0);
});

test('fuzz readElfFile (region reads through a file descriptor)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-elf-fuzz-'));
  const file = join(dir, 'input');
  // Padding past the whole-file-read limit sends every input through the descriptor path (pread, span prefetch).
  const pad = new Uint8Array(300 * 1024);
  try {
    const report = await fuzz({
      name: 'elf-file',
      seeds: seeds(),
      run: (input) => {
        writeFileSync(file, Buffer.concat([input, pad]));
        readElfFile(file);
      },
    });
    assert.ok(report.inputs > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
