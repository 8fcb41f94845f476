/**
 * Oracle test: parseElf against GNU readelf on every ELF file of the machine (/usr/bin, /usr/sbin, /usr/lib,
 * /usr/libexec). Every compared field must agree; the test prints how many files, fields and symbols it compared.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requireTools } from '../../testing/env.ts';
import { readElfFile } from './elf.ts';
import { Comparison, compareFile } from './testkit/compare.ts';
import { archForTriplet, findElfFiles, nativeTriplet, tripletOfPath } from './testkit/files.ts';
import { readelfBatches } from './testkit/readelf.ts';

const ROOTS = ['/usr/bin', '/usr/sbin', '/usr/lib', '/usr/libexec'];

test('parseElf agrees with readelf -hlSW / -dW --dyn-syms -V on every ELF file of the machine', async (t) => {
  if (!requireTools(t, ['readelf', 'dpkg-architecture'], 'binutils dpkg-dev')) return;
  const files = findElfFiles(ROOTS);
  assert.ok(files.length > 100, `expected many ELF files under ${ROOTS.join(' ')}, found ${files.length}`);
  const native = nativeTriplet();
  const c = new Comparison();
  let archChecked = 0;
  const t0 = performance.now();
  await readelfBatches(files, { batch: 100, parallel: 2 }, (dyn, hdr) => {
    const info = readElfFile(dyn.file);
    compareFile(c, info, dyn, hdr);
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
  assert.deepEqual(c.mismatches.slice(0, 40), []);
  assert.deepEqual(machines, []);
  assert.ok(
    archChecked > 0,
    'no file in a multiarch or gcc-cross directory: the architecture rule was not checked',
  );
});
