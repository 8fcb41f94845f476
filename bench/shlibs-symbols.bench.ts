/**
 * The dependency database's format parsers against their reference implementations, side by side, three
 * interleaved rounds, medians:
 * - symbols: every /var/lib/dpkg/info/*.symbols loaded by our parser vs perl's Dpkg::Shlibs::SymbolFile (what
 *   dpkg-shlibdeps uses); both time only their loading loop (perl reports its own), files already in the page cache.
 * - Contents: bookworm's full Contents-amd64.gz (148 MB plain) streamed by readContents (every record parsed) vs
 *   `zcat | awk` splitting off the package column; and the shared-library filter vs `zcat | grep -E`.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bookwormContents } from '../src/formats/contents/contents.fixture.ts';
import { readContentsLibraries } from '../src/formats/contents/libraries.ts';
import { readContents } from '../src/formats/contents/read.ts';
import { parseSymbolsFile } from '../src/formats/symbols/parse.ts';
import { fmtMs, median, record, timeIt } from './lib.ts';

const INFO = '/var/lib/dpkg/info';

const PERL_SYMBOLS = String.raw`
use Dpkg::Shlibs::SymbolFile; use Time::HiRes qw(time);
$SIG{__WARN__} = sub {};
my $t = time; my $n = 0;
for my $f (@ARGV) { my $s = Dpkg::Shlibs::SymbolFile->new(file => $f); $n += scalar $s->get_symbols(); }
printf "%.3f %d\n", (time - $t) * 1000, $n;`;

function sh(script: string): string {
  return execFileSync('sh', ['-c', script], { encoding: 'utf8', maxBuffer: 1 << 26 }).trim();
}

export default async function (): Promise<void> {
  const files = readdirSync(INFO)
    .filter((f) => f.endsWith('.symbols'))
    .map((f) => join(INFO, f));
  const ours: number[] = [];
  const perl: number[] = [];
  let symbols = 0;
  for (let round = 0; round < 3; round++) {
    const texts = files.map((f) => readFileSync(f, 'utf8'));
    const t0 = performance.now();
    symbols = 0;
    for (const text of texts) for (const o of parseSymbolsFile(text).objects) symbols += o.symbols.size;
    ours.push(performance.now() - t0);
    perl.push(
      Number(execFileSync('perl', ['-e', PERL_SYMBOLS, ...files], { encoding: 'utf8' }).split(' ')[0]),
    );
  }
  const o = median(ours);
  const p = median(perl);
  record({
    bench: `symbols: load ${files.length} installed files (${symbols} symbols)`,
    ours: fmtMs(o),
    reference: `Dpkg::Shlibs::SymbolFile ${fmtMs(p)}`,
    ratio: `${(p / o).toFixed(1)}× faster`,
    goal: 'faster than perl',
    met: o < p,
  });

  const contents = bookwormContents();
  const q = `'${contents}'`;
  const full: number[] = [];
  const awk: number[] = [];
  const libs: number[] = [];
  const grep: number[] = [];
  let records = 0;
  let libraries = 0;
  const libRe =
    '^(usr/)?(lib|lib32|lib64|libx32|lib/[a-z0-9_]+-(linux-[a-z0-9_]+|kfreebsd-[a-z0-9_]+|gnu[a-z0-9_]*))/(lib|ld)[^/]*[.]so([.][0-9][^/ \t]*)?[ \t]';
  for (let round = 0; round < 3; round++) {
    full.push(
      await timeIt(async () => {
        records = 0;
        for await (const _ of readContents(createReadStream(contents))) records++;
      }),
    );
    awk.push(
      await timeIt(() => sh(`zcat ${q} | awk '{ p = $NF; n += split(p, a, ",") } END { print NR, n }'`)),
    );
    libs.push(
      await timeIt(async () => {
        libraries = 0;
        for await (const _ of readContentsLibraries(createReadStream(contents))) libraries++;
      }),
    );
    grep.push(await timeIt(() => sh(`zcat ${q} | grep -cE '${libRe}'`)));
  }
  record({
    bench: `Contents-amd64 bookworm: every record (${records})`,
    ours: fmtMs(median(full)),
    reference: `zcat | awk ${fmtMs(median(awk))}`,
    ratio: `${(median(awk) / median(full)).toFixed(2)}× the shell's speed`,
    goal: 'a few seconds',
    met: median(full) < 5000,
  });
  record({
    bench: `Contents-amd64 bookworm: library paths (${libraries})`,
    ours: fmtMs(median(libs)),
    reference: `zcat | grep -E ${fmtMs(median(grep))}`,
    ratio: `${(median(grep) / median(libs)).toFixed(2)}× the shell's speed`,
    goal: 'a few seconds',
    met: median(libs) < 5000,
  });
}
