import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fuzz } from '../../testing/fuzz.ts';
import { parseSymbolsFile, parseSymbolsSection } from './parse.ts';
import { splitSymbolsFile } from './split.ts';

const INFO = '/var/lib/dpkg/info';

test('fuzz: symbols parsing, splitting and section parsing throw only PkgmeError', async () => {
  const files = readdirSync(INFO).filter((f) => f.endsWith('.symbols'));
  // Small real files whole, and the head of big ones (libc6's is 200 KB): mutations stay cheap.
  const seeds = files
    .slice(0, 80)
    .map((f) => new Uint8Array(readFileSync(join(INFO, f)).subarray(0, 16 * 1024)));
  seeds.push(
    new TextEncoder().encode(
      'libx.so.1 libx1 #MINVER#\n| libx1 (>> 1), libx1 (<< 2)\n* Build-Depends-Package: libx-dev\n' +
        ' (c++|optional)"x::y()@Base" 1.0 1\n (symver)V1 1\n *@V2 2\n (regex)"^a.*@Base$" 3\n#MISSING: 1# gone@Base 1\n',
    ),
  );
  const decoder = new TextDecoder();
  let n = 0;
  await fuzz({
    name: 'symbols',
    seeds,
    maxLen: 256 * 1024,
    run: (input) => {
      const text = decoder.decode(input);
      parseSymbolsFile(text, { strict: n++ % 2 === 0 });
      for (const s of splitSymbolsFile(text)) parseSymbolsSection(s.text);
    },
  });
});
