import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cacheDir, requireTools } from '../../testing/env.ts';
import { fuzz } from '../../testing/fuzz.ts';
import { makeSeedTree } from '../tar/read-fixture.ts';
import { readZipBuffer } from './read.ts';

test('fuzz: readZip on mutated zip -y / zip64 / bsdtar archives returns or throws PkgmeError', async (t) => {
  if (!requireTools(t, ['zip', 'bsdtar'], 'zip libarchive-tools')) return;
  const dir = cacheDir('zip-read-fuzz');
  const tree = join(dir, 'tree');
  makeSeedTree(tree);
  execFileSync('sh', [
    '-c',
    `cd ${tree} && rm -f ../*.zip && zip -qry ../a.zip . && zip -qry -fz ../b.zip . && bsdtar --format=zip -cf ../c.zip .`,
  ]);
  const seeds = ['a.zip', 'b.zip', 'c.zip'].map((f) => readFileSync(join(dir, f)));
  await fuzz({
    name: 'zip-read',
    seeds,
    run: (input) =>
      readZipBuffer(input, async (_e, body) => {
        for await (const _ of body) void _;
      }),
  });
});
