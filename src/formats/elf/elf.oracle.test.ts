/**
 * Oracle test: parseElf against GNU readelf on every ELF file of the machine (/usr/bin, /usr/sbin, /usr/lib,
 * /usr/libexec). Every compared field must agree; the test prints how many files, fields and symbols it compared.
 * Files up to 8 MiB are also parsed from a buffer (must equal the file path's result) and, with their section
 * headers removed, through the PT_DYNAMIC fallback (must still agree with readelf on the original).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requireTools } from '../../testing/env.ts';
import { readFileSync, statSync } from 'node:fs';
import { parseElf, readElfFile } from './elf.ts';
import { Comparison, compareFile } from './testkit/compare.ts';
import { archForTriplet, findElfFiles, nativeTriplet, tripletOfPath } from './testkit/files.ts';
import { dropSectionHeaders } from './testkit/fixtures.ts';
import { readelfBatches } from './testkit/readelf.ts';

const ROOTS = ['/usr/bin', '/usr/sbin', '/usr/lib', '/usr/libexec'];
/** Files up to this size are also parsed from a buffer and without section headers (both copy the file). */
const BUFFER_CHECK_LIMIT = 8 * 1024 * 1024;

test('parseElf agrees with readelf -hlSW / -dW --dyn-syms -V on every ELF file of the machine', async (t) => {
  if (!requireTools(t, ['readelf', 'dpkg-architecture'], 'binutils dpkg-dev')) return;
  const files = findElfFiles(ROOTS);
  assert.ok(files.length > 100, `expected many ELF files under ${ROOTS.join(' ')}, found ${files.length}`);
  const native = nativeTriplet();
  const c = new Comparison();
  let archChecked = 0;
  const t0 = performance.now();
  const bare = new Comparison();
  let consistent = 0;
  await readelfBatches(files, { batch: 100, parallel: 2 }, (dyn, hdr) => {
    const info = readElfFile(dyn.file);
    compareFile(c, info, dyn, hdr);
    if (statSync(dyn.file).size <= BUFFER_CHECK_LIMIT) {
      // The whole-buffer path must give exactly what the region-reading file path gave.
      const bytes = readFileSync(dyn.file);
      assert.deepEqual(parseElf(bytes), info, `${dyn.file}: parseElf(buffer) differs from readElfFile`);
      consistent++;
      // The program-header fallback, on a copy without section headers, against readelf on the original.
      if (info.dynamicSource !== 'none' && info.programHeaders.length > 0) {
        compareFile(bare, parseElf(dropSectionHeaders(bytes)), dyn, hdr, {
          info,
          file: `${dyn.file} (no shdrs)`,
        });
      }
    }
    const triplet = tripletOfPath(dyn.file, native);
    if (triplet !== null) {
      c.eq(dyn.file, 'Debian architecture', info.debianArch, archForTriplet(triplet));
      archChecked++;
    }
  });
  const machines = c.machineMismatches();
  console.log(
    `elf oracle: ${c.files} files, ${c.fields} fields (${c.symbols} dynamic symbols), ` +
      `${archChecked} architectures checked with dpkg-architecture, machines ${[...c.machines.keys()].join(' / ')}, ` +
      `${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  console.log(
    `elf oracle, section headers removed: ${bare.files} files, ${bare.fields} fields (${bare.symbols} symbols); ` +
      `${consistent} files parsed identically from a buffer and from the file`,
  );
  assert.deepEqual(c.mismatches.slice(0, 40), []);
  assert.deepEqual(bare.mismatches.slice(0, 40), []);
  assert.deepEqual(machines, []);
  assert.ok(
    archChecked > 0,
    'no file in a multiarch or gcc-cross directory: the architecture rule was not checked',
  );
});
