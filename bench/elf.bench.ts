/**
 * ELF bench: the dynamic section, dynamic symbols and version information of every ELF file under /usr/lib, read
 * and parsed in-process by readElfFile, against `readelf -dW --dyn-syms -V` over the same files (batched 100 files
 * per invocation through xargs, output sent to /dev/null). Rounds are interleaved; medians are reported.
 * Goal: at least 10x faster.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readElfFile } from '../src/formats/elf/elf.ts';
import { findElfFiles } from '../src/formats/elf/testkit/files.ts';
import { fmtMs, median, record, runMeasured, timeIt } from './lib.ts';

const ROUNDS = 3;

export default async function (): Promise<void> {
  const files = findElfFiles(['/usr/lib']);
  const work = join(import.meta.dirname, '.work');
  mkdirSync(work, { recursive: true });
  const list = join(work, 'elf-files.txt');
  writeFileSync(list, files.join('\n') + '\n');

  const ours: number[] = [];
  const oursImports: number[] = [];
  const ref: number[] = [];
  let symbols = 0;
  for (let r = 0; r < ROUNDS; r++) {
    ours.push(
      await timeIt(() => {
        symbols = 0;
        for (const f of files) symbols += readElfFile(f).symbols.length;
      }),
    );
    oursImports.push(
      await timeIt(() => {
        for (const f of files) readElfFile(f, { symbols: 'undefined' });
      }),
    );
    // Output goes straight to /dev/null so readelf is not slowed down by a pipe into this process.
    const res = await runMeasured('sh', [
      '-c',
      `xargs -a '${list}' -d '\\n' -n 100 readelf -dW --dyn-syms -V > /dev/null 2>&1`,
    ]);
    if (res.code !== 0) throw new Error(`readelf batches failed with exit code ${res.code}`);
    ref.push(res.ms);
  }
  const o = median(ours);
  const oi = median(oursImports);
  const t = median(ref);
  console.log(`  ${files.length} ELF files under /usr/lib, ${symbols} dynamic symbols`);
  record({
    bench: `elf: ${files.length} files, all dynamic symbols + versions`,
    ours: fmtMs(o),
    reference: `readelf ${fmtMs(t)}`,
    ratio: `${(t / o).toFixed(1)}x faster`,
    goal: '>= 10x',
    met: t / o >= 10,
  });
  record({
    bench: `elf: ${files.length} files, imports only (symbols: 'undefined')`,
    ours: fmtMs(oi),
    reference: `readelf ${fmtMs(t)}`,
    ratio: `${(t / oi).toFixed(1)}x faster`,
    goal: '>= 10x',
    met: t / oi >= 10,
  });
}
