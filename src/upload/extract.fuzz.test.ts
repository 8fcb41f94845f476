import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isPkgmeError } from '../errors.ts';
import { cacheDir, requireTools } from '../testing/env.ts';
import { fuzz } from '../testing/fuzz.ts';
import { makeSeedTree, packTree } from '../formats/tar/read-fixture.ts';
import { extractUpload } from './extract.ts';

test('fuzz: extractUpload on mutated tar/zip uploads: typed input errors only, nothing outside the job dir', async (t) => {
  if (!requireTools(t, ['tar', 'zip', 'gzip'], 'tar zip gzip')) return;
  const base = cacheDir('upload-fuzz');
  const tree = join(base, 'tree');
  makeSeedTree(tree);
  execFileSync('sh', ['-c', `cd ${tree} && rm -f ../seed.zip && zip -qry ../seed.zip .`]);
  const seeds = [
    readFileSync(packTree(tree, join(base, 'seed-gnu.tar'), 'gnu', 'gnu', 'none')),
    readFileSync(packTree(tree, join(base, 'seed-pax.tar'), 'gnu', 'pax', 'none')),
    readFileSync(packTree(tree, join(base, 'seed.tar.gz'), 'gnu', 'gnu', 'gzip')),
    readFileSync(join(base, 'seed.zip')),
  ];
  const sandbox = join(base, 'sandbox');
  rmSync(sandbox, { recursive: true, force: true });
  execFileSync('mkdir', ['-p', sandbox]);
  const input = join(sandbox, 'upload.bin');
  const job = join(sandbox, 'job');
  await fuzz({
    name: 'extract-upload',
    seeds,
    maxLen: 256 * 1024,
    run: async (bytes) => {
      writeFileSync(input, bytes);
      let failure: unknown;
      await extractUpload(input, job, { maxTotalBytes: 8 << 20, maxEntries: 2000 }).catch((err: unknown) => {
        failure = err;
      });
      const left = readdirSync(sandbox).filter((n) => n !== 'upload.bin' && n !== 'job');
      rmSync(job, { recursive: true, force: true });
      if (left.length > 0) throw new Error(`written outside the job dir: ${left.join(', ')}`);
      // A hostile upload is the user's problem: an "environment" or "internal" error here is a misclassification.
      if (isPkgmeError(failure) && (failure.kind === 'environment' || failure.kind === 'internal')) {
        throw new Error(`misclassified ${failure.code}: ${failure.message}`);
      }
      if (failure !== undefined) throw failure;
    },
  });
});
