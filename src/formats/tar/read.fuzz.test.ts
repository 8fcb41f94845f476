import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { cacheDir, requireTools } from '../../testing/env.ts';
import { fuzz } from '../../testing/fuzz.ts';
import { readTar } from './read.ts';
import { makeSeedTree, packTree } from './read-fixture.ts';

function lastNonZero(b: Buffer): number {
  let i = b.length;
  while (i > 0 && b[i - 1] === 0) i--;
  return Math.ceil(i / 512) * 512;
}

test('fuzz: readTar on mutated GNU tar / bsdtar archives (ustar, pax, gnu, gzip) returns or throws PkgmeError', async (t) => {
  if (!requireTools(t, ['tar', 'bsdtar', 'gzip'], 'tar libarchive-tools gzip')) return;
  const dir = cacheDir('tar-read-fuzz');
  const tree = join(dir, 'tree');
  makeSeedTree(tree);
  const seeds = [
    packTree(tree, join(dir, 'a.tar'), 'gnu', 'gnu', 'none'),
    packTree(tree, join(dir, 'b.tar'), 'gnu', 'pax', 'none'),
    packTree(tree, join(dir, 'c.tar'), 'bsdtar', 'pax', 'none'),
  ]
    .map((f) => readFileSync(f))
    // Keep only the two end-of-archive blocks of the record padding: mutations should land in headers and data.
    .map((b) => Buffer.concat([b.subarray(0, lastNonZero(b)), Buffer.alloc(1024 + 512)]));
  seeds.push(readFileSync(packTree(tree, join(dir, 'd.tar.gz'), 'gnu', 'gnu', 'gzip')));
  await fuzz({
    name: 'tar-read',
    seeds,
    run: (input) =>
      readTar(Readable.from([Buffer.from(input)]), async (_e, body) => {
        for await (const _ of body) void _;
      }),
  });
});
