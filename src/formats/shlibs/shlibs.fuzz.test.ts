import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fuzz } from '../../testing/fuzz.ts';
import { parseShlibs, shlibsDependency } from './parse.ts';
import { splitSoname } from './soname.ts';

const INFO = '/var/lib/dpkg/info';

test('fuzz: shlibs parsing, strict and lenient, and lookups throw only PkgmeError', async () => {
  const seeds = readdirSync(INFO)
    .filter((f) => f.endsWith('.shlibs'))
    .slice(0, 60)
    .map((f) => new Uint8Array(readFileSync(join(INFO, f))));
  seeds.push(
    new TextEncoder().encode(
      '# c\nudeb: libpng16 16 libpng-udeb (>= 1.6.2-1)\nlibfoo-1.2 0 libfoo (= ${binary:Version})\n',
    ),
  );
  const decoder = new TextDecoder();
  let n = 0;
  await fuzz({
    name: 'shlibs',
    seeds,
    maxLen: 256 * 1024,
    run: (input) => {
      const text = decoder.decode(input);
      const { entries } = parseShlibs(text, { strict: n++ % 2 === 0 });
      for (const e of entries.slice(0, 20)) {
        splitSoname(`${e.library}.so.${e.soversion}`);
        shlibsDependency(entries, `${e.library}.so.${e.soversion}`, 'udeb');
      }
    },
  });
});
