/**
 * Versions and relations against perl's Dpkg::Version / Dpkg::Deps (libdpkg-perl), the implementation dpkg-dev's
 * own tools use. Both sides get the same real inputs from the apt Packages index and are timed on their inner loop
 * only (perl reports its own loop time), three interleaved rounds, medians.
 *
 * dpkg --compare-versions is not the reference here: at one process per pair it measures fork/exec, not comparing.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aptParagraphs } from '../src/formats/version/apt-index.fixture.ts';
import { compareVersions } from '../src/formats/version/compare.ts';
import { formatRelations } from '../src/formats/relation/format.ts';
import { parseRelations } from '../src/formats/relation/parse.ts';
import { prng } from '../src/testing/fuzz.ts';
import { fmtMs, median, record } from './lib.ts';

const PERL_VERSIONS = String.raw`
use Dpkg::Version; use Time::HiRes qw(time);
open my $fh, '<', $ARGV[0] or die; my @p = map { chomp; [split / /] } <$fh>;
my $t = time; my $s = 0; $s += version_compare($_->[0], $_->[1]) for @p;
printf "%.3f\n", (time - $t) * 1000;`;

const PERL_DEPS = String.raw`
use Dpkg::Deps; use Time::HiRes qw(time);
open my $fh, '<', $ARGV[0] or die; my @f = <$fh>; chomp @f;
my $t = time; my $n = 0; for (@f) { my $d = deps_parse($_); $n += length("$d") }
printf "%.3f\n", (time - $t) * 1000;`;

function perlMs(script: string, file: string): number {
  return Number(execFileSync('perl', ['-e', script, file], { encoding: 'utf8', maxBuffer: 1 << 26 }).trim());
}

export default async function (): Promise<void> {
  const work = join(import.meta.dirname, '.work', 'versions');
  mkdirSync(work, { recursive: true });
  const paragraphs = aptParagraphs();
  const versions = [...new Set(paragraphs.map((p) => p.get('Version')).filter((v): v is string => !!v))];
  const rnd = prng(1);
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < 300_000; i++) {
    pairs.push([
      versions[Math.floor(rnd() * versions.length)]!,
      versions[Math.floor(rnd() * versions.length)]!,
    ]);
  }
  const pairFile = join(work, 'pairs.txt');
  writeFileSync(pairFile, pairs.map(([a, b]) => `${a} ${b}\n`).join(''));
  const depends = paragraphs.map((p) => p.get('Depends')).filter((v): v is string => !!v);
  const depFile = join(work, 'depends.txt');
  writeFileSync(depFile, depends.map((d) => `${d.replace(/\n/g, ' ')}\n`).join(''));

  const ours: number[] = [];
  const perl: number[] = [];
  const oursDeps: number[] = [];
  const perlDeps: number[] = [];
  for (let round = 0; round < 3; round++) {
    let t = performance.now();
    let s = 0;
    for (const [a, b] of pairs) s += compareVersions(a, b);
    ours.push(performance.now() - t);
    perl.push(perlMs(PERL_VERSIONS, pairFile));
    t = performance.now();
    let n = 0;
    for (const d of depends) n += formatRelations(parseRelations(d, { field: 'Depends' })).length;
    oursDeps.push(performance.now() - t);
    perlDeps.push(perlMs(PERL_DEPS, depFile));
    if (s === Number.MAX_SAFE_INTEGER || n < 0) console.log('unreachable');
  }
  const v = median(perl) / median(ours);
  record({
    bench: `compare ${pairs.length} real version pairs`,
    ours: fmtMs(median(ours)),
    reference: `Dpkg::Version ${fmtMs(median(perl))}`,
    ratio: `${v.toFixed(1)}x faster`,
    goal: '>= 10x faster',
    met: v >= 10,
  });
  const r = median(perlDeps) / median(oursDeps);
  record({
    bench: `parse+format ${depends.length} Depends fields`,
    ours: fmtMs(median(oursDeps)),
    reference: `Dpkg::Deps ${fmtMs(median(perlDeps))}`,
    ratio: `${r.toFixed(1)}x faster`,
    goal: '>= 5x faster',
    met: r >= 5,
  });
}
