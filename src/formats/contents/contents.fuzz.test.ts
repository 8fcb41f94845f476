import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { builtFixture } from '../../testing/env.ts';
import { fuzz } from '../../testing/fuzz.ts';
import { isLibraryPath } from './libraries.ts';
import { parseContents, readContents } from './read.ts';

/** Seeds: the head of the real bookworm index when a test has fetched it, and a small hand-made one (old header). */
function seeds(): Uint8Array[] {
  const out: Uint8Array[] = [];
  const dir = builtFixture('contents/bookworm-main-amd64');
  if (dir !== undefined) {
    const text = gunzipSync(readFileSync(join(dir, 'Contents-amd64.gz'))).subarray(0, 8 * 1024 * 1024);
    // Slices from the index's regions: bin/, usr/lib (libraries), usr/share.
    for (const at of [0, 0.3, 0.5, 0.7, 0.9]) {
      const start = text.indexOf(10, Math.floor(text.length * at)) + 1;
      out.push(new Uint8Array(text.subarray(start, start + 8192)));
    }
  }
  out.push(
    new TextEncoder().encode(
      'Header text\n\nFILE                 LOCATION\nusr/lib/x86_64-linux-gnu/libz.so.1   libs/zlib1g\nusr/share/a b  doc/x,non-free/doc/y\n',
    ),
  );
  return out;
}

test('fuzz: Contents parsing (in memory, and streamed plain or gzip) throws only PkgmeError', async () => {
  const decoder = new TextDecoder();
  let n = 0;
  await fuzz({
    name: 'contents',
    seeds: seeds(),
    maxLen: 128 * 1024,
    run: async (input) => {
      const mode = n++ % 3;
      if (mode === 0) {
        for (const r of parseContents(decoder.decode(input), { maxLineLength: 4096 })) isLibraryPath(r.path);
        return;
      }
      const bytes = mode === 1 ? Buffer.from(input) : gzipSync(input);
      for await (const r of readContents(Readable.from([bytes]), { pathFilter: (p) => isLibraryPath(p) }))
        void r;
    },
  });
});
