/**
 * Fuzz the importer's parsers of mirror bytes (Release text, Packages index, Contents lines) and of sources files,
 * seeded with this machine's real apt lists and sources. Contract: return or throw a PkgmeError.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readClearsigned } from '../../../formats/openpgp/index.ts';
import { fuzz } from '../../../testing/fuzz.ts';
import { Readable } from 'node:stream';
import { readContentsLibraries } from '../../../formats/contents/index.ts';
import { selectLibraryPackages } from './libraries.ts';
import { parsePackagesIndex } from './packages-index.ts';
import { parseRelease } from './release.ts';
import { parseDeb822Sources, parseOneLineSources } from './sources.ts';

const LISTS = '/var/lib/apt/lists';

function lists(suffix: string): string[] {
  return readdirSync(LISTS)
    .filter((f) => f.endsWith(suffix))
    .map((f) => join(LISTS, f));
}

/** The first `n` paragraphs of a text. */
function excerpt(text: string, n: number): string {
  let at = 0;
  for (let i = 0; i < n && at >= 0; i++) at = text.indexOf('\n\n', at + 1);
  return at < 0 ? text : text.slice(0, at + 2);
}

test('fuzz the Release parser with the InRelease files of this machine', async () => {
  const seeds = lists('_InRelease').map((f) => Buffer.from(readClearsigned(readFileSync(f, 'utf8')).text));
  const r = await fuzz({
    name: 'apt-release',
    seeds,
    run: (input) => parseRelease(Buffer.from(input).toString('utf8')),
  });
  console.log(`apt-release: ${r.inputs} inputs from ${seeds.length} seeds`);
});

test('fuzz the Packages index reader with excerpts of the apt lists', async () => {
  const seeds = lists('_Packages.lz4')
    .slice(0, 3)
    .map((f) =>
      Buffer.from(excerpt(execFileSync('lz4', ['-dc', f], { maxBuffer: 1 << 30 }).toString('utf8'), 8)),
    );
  const r = await fuzz({ name: 'apt-packages', seeds, run: (input) => parsePackagesIndex(input) });
  console.log(`apt-packages: ${r.inputs} inputs from ${seeds.length} seeds`);
});

test('fuzz Contents selection (src/formats/contents reader + our selection) with library lines', async () => {
  const seed = Buffer.from(
    [
      'usr/lib/x86_64-linux-gnu/libz.so.1                     libs/zlib1g',
      'usr/lib/x86_64-linux-gnu/libz.so.1.2.13                libs/zlib1g',
      'lib64/ld-linux-x86-64.so.2                             libs/libc6',
      'usr/lib/x86_64-linux-gnu/libpng16.so.16.39.0           libs/libpng16-16,oldlibs/libpng-compat',
      'usr/share/doc/with space/file                          doc/x',
      '',
    ].join('\n'),
  );
  const r = await fuzz({
    name: 'apt-contents',
    seeds: [seed],
    run: (input) => selectLibraryPackages(readContentsLibraries(Readable.from([Buffer.from(input)]))),
  });
  console.log(`apt-contents: ${r.inputs} inputs`);
});

test('fuzz the sources readers with the machine sources', async () => {
  const dir = '/etc/apt/sources.list.d';
  const seeds = readdirSync(dir).map((f) => readFileSync(join(dir, f)));
  seeds.push(
    Buffer.from('deb [arch=amd64,i386 signed-by=/k.gpg] http://host.invalid/debian bookworm main contrib\n'),
  );
  const r = await fuzz({
    name: 'apt-sources',
    seeds,
    run: (input) => {
      const text = Buffer.from(input).toString('utf8');
      parseDeb822Sources(text, 'fuzz.sources');
      return parseOneLineSources(text, 'fuzz.list');
    },
  });
  console.log(`apt-sources: ${r.inputs} inputs from ${seeds.length} seeds`);
});
