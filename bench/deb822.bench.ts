/**
 * deb822 parse speed on the largest real index: bookworm main Packages (~50 MB, 63k paragraphs), read from disk and
 * every paragraph's Package and Version looked up. Reference: grep-dctrl (dctrl-tools, C) printing the same two fields.
 * Both sides run interleaved, 5 rounds, medians. Also reports the parse of the text already in memory (without the
 * ~0.1–0.3 s of reading and decoding 50 MB of UTF-8), our chunked (streaming) parser and the writer.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmtMs, median, record, runMeasured, timeIt } from './lib.ts';
import { formatDeb822, parseDeb822, parseDeb822Stream } from '../src/formats/deb822/index.ts';

const LISTS = '/var/lib/apt/lists';

function largestPackages(): string | undefined {
  if (!existsSync(LISTS)) return undefined;
  const files = readdirSync(LISTS)
    .filter((f) => /_Packages\.lz4$/.test(f))
    .map((f) => join(LISTS, f));
  let best: string | undefined;
  let size = -1;
  for (const f of files) {
    const s = readFileSync(f).length;
    if (s > size) [best, size] = [f, s];
  }
  return best;
}

export default async function (): Promise<void> {
  const src = largestPackages();
  if (src === undefined) {
    console.log('  deb822: skipped, no Packages index under /var/lib/apt/lists (run apt-get update)');
    return;
  }
  const work = join(import.meta.dirname, '.work');
  mkdirSync(work, { recursive: true });
  const file = join(work, 'Packages');
  writeFileSync(file, execFileSync('lz4', ['-dc', src], { maxBuffer: 1 << 30 }));
  const mb = readFileSync(file).length / 1e6;

  const ours: number[] = [];
  const inMemory: number[] = [];
  const text = readFileSync(file, 'utf8');
  const stream: number[] = [];
  const write: number[] = [];
  const ref: number[] = [];
  let count = 0;
  for (let round = 0; round < 5; round++) {
    ours.push(
      await timeIt(() => {
        const ps = parseDeb822(readFileSync(file, 'utf8'));
        count = 0;
        for (const p of ps) if (p.get('Package') !== undefined && p.get('Version') !== undefined) count++;
      }),
    );
    inMemory.push(
      await timeIt(() => {
        let n = 0;
        for (const p of parseDeb822(text))
          if (p.get('Package') !== undefined && p.get('Version') !== undefined) n++;
        if (n !== count) throw new Error(`in-memory parse saw ${n} paragraphs, file parse ${count}`);
      }),
    );
    stream.push(
      await timeIt(async () => {
        let n = 0;
        for await (const p of parseDeb822Stream(createReadStream(file, { highWaterMark: 1 << 20 }))) {
          if (p.get('Package') !== undefined) n++;
        }
        if (n !== count) throw new Error(`stream parser saw ${n} paragraphs, whole-text parser ${count}`);
      }),
    );
    const ps = parseDeb822(readFileSync(file, 'utf8'));
    write.push(await timeIt(() => formatDeb822(ps)));
    const r = await runMeasured('grep-dctrl', ['-n', '-s', 'Package,Version', '-r', '-FPackage', '.', file]);
    if (r.code !== 0) throw new Error(`grep-dctrl failed (${r.code})`);
    ref.push(r.ms);
  }
  const o = median(ours);
  const g = median(ref);
  record({
    bench: `deb822 parse ${mb.toFixed(0)} MB Packages (${count} paragraphs)`,
    ours: fmtMs(o),
    reference: `grep-dctrl ${fmtMs(g)}`,
    ratio: `${(o / g).toFixed(2)}x grep-dctrl time`,
    goal: 'under 1 s (read + decode + parse + 2 lookups per paragraph)',
    met: o < 1000,
  });
  record({
    bench: 'deb822 parse of the text in memory (no read/decode)',
    ours: fmtMs(median(inMemory)),
    reference: `grep-dctrl ${fmtMs(g)}`,
    ratio: `${(median(inMemory) / g).toFixed(2)}x grep-dctrl time`,
    goal: 'well under 1 s (brief)',
    met: median(inMemory) < 500,
  });
  record({
    bench: 'deb822 streaming parse, 1 MiB chunks',
    ours: fmtMs(median(stream)),
    reference: `grep-dctrl ${fmtMs(g)}`,
    ratio: `${(median(stream) / g).toFixed(2)}x grep-dctrl time`,
    goal: 'under 1.5 s',
    met: median(stream) < 1500,
  });
  record({
    bench: 'deb822 write (byte-identical)',
    ours: fmtMs(median(write)),
    reference: `parse ${fmtMs(o)}`,
    ratio: `${(median(write) / o).toFixed(2)}x parse time`,
    goal: 'no slower than parsing',
    met: median(write) <= o,
  });
}
