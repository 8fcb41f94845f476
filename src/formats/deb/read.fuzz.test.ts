/**
 * Fuzz the .deb reader (ar layout, decompression, control tar, deb822 control, data tar listing) with mutated real
 * packages. Contract: return, or throw a PkgmeError.
 */
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fuzz } from '../../testing/fuzz.ts';
import { requireTools } from '../../testing/env.ts';
import { builtDebs, realDebs, uncompressedCopy } from './fixtures.ts';
import { listDebDataFromBuffer, readDeb, readDebPrefix } from './read.ts';

test('fuzz .deb reader', async (t) => {
  if (!requireTools(t, ['dpkg-deb', 'apt-get', 'bzip2', 'zstd'], 'dpkg apt bzip2 zstd')) return;
  // Small packages keep each input fast (python3-six, hello, base-files, zlib1g) plus dpkg-deb builds (every codec).
  const small = [...realDebs(), ...builtDebs()].map((p) => readFileSync(p)).filter((b) => b.length < 80_000);
  // Uncompressed copies too: mutations of xz data mostly stop at the CRC, these reach the tar and deb822 parsers.
  const plain = await Promise.all(small.slice(0, 3).map((b) => uncompressedCopy(b)));
  const seeds = [...small, ...plain].map((b) => new Uint8Array(b));
  await fuzz({
    name: 'deb',
    seeds,
    run: async (input) => {
      await readDebPrefix(input);
      const info = await readDeb(input);
      return listDebDataFromBuffer(input, info);
    },
  });
});
