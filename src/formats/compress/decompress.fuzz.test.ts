import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { isPkgmeError } from '../../errors.ts';
import { fuzz } from '../../testing/fuzz.ts';
import { detectCompression } from './detect.ts';
import { decompressBuffer } from './decompress.ts';
import { requireCompressionTools, TOOLS, toolCompress } from './oracle-tools.ts';

test('fuzz: decompression of mutated gzip/xz/bzip2/zstd/lz4 returns or throws PkgmeError', async (t) => {
  if (!requireCompressionTools(t)) return;
  const plain = readFileSync('/usr/bin/true');
  const seeds = TOOLS.map(({ cmd }) => toolCompress(cmd, plain));
  const maxBytes = 16 * 1024 * 1024;
  await fuzz({
    name: 'decompress',
    seeds,
    run: async (input) => {
      if (detectCompression(input) !== 'none') return decompressBuffer(input, { maxBytes });
      // A mutated signature would only exercise the pass-through: feed the in-process engines explicitly, so
      // their handling of a bad header is fuzzed too (the first failure is the one reported).
      await decompressBuffer(input, { format: 'gzip', maxBytes }).catch((err: unknown) => {
        if (!isPkgmeError(err)) throw err;
      });
      return decompressBuffer(input, { format: 'xz', maxBytes });
    },
  });
});
