/**
 * Fuzz: mutated .debs through unpackDeb and the deb backend's info() on what was unpacked. Seeds: the .debs dpkg-deb
 * builds in every compression (with a postinst, conffiles and an /etc file) and hello re-packed with uncompressed
 * members, so mutations reach the ar, tar and control parsers. The contract: typed input errors only (an
 * environment/internal error for a hostile .deb is a misclassification), nothing written outside the job directory.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { isPkgmeError } from '../errors.ts';
import { builtDebs, realDebs, uncompressedCopy } from '../formats/deb/fixtures.ts';
import { inventoryTree } from '../inspect/inventory.ts';
import { cacheDir, requireTools } from '../testing/env.ts';
import { fuzz } from '../testing/fuzz.ts';
import { debBackend } from './deb.ts';
import { unpackDeb } from './deb-unpack.ts';

test('fuzz: unpackDeb + info on mutated .debs: typed input errors only, nothing outside the job dir', async (t) => {
  if (!requireTools(t, ['dpkg-deb', 'apt-get', 'bzip2'], 'dpkg apt bzip2')) return;
  const hello = realDebs().find((d) => /\/hello_/.test(d))!;
  const seeds = [...builtDebs().map((d) => readFileSync(d)), await uncompressedCopy(readFileSync(hello))];
  const sandbox = join(cacheDir('deb-unpack-fuzz'), `sandbox-${process.pid}`);
  rmSync(sandbox, { recursive: true, force: true });
  mkdirSync(sandbox, { recursive: true });
  const input = join(sandbox, 'upload.deb');
  const job = join(sandbox, 'job');
  try {
    await fuzz({
      name: 'deb-unpack',
      seeds,
      maxLen: 1024 * 1024,
      run: async (bytes) => {
        writeFileSync(input, bytes);
        let failure: unknown;
        try {
          await unpackDeb(input, job, { maxTotalBytes: 16 << 20, maxEntries: 2000 });
          const upload = {
            path: input,
            name: basename(input),
            isFile: true,
            root: job,
            inventory: inventoryTree(job),
          };
          await debBackend.info(upload);
        } catch (err) {
          failure = err;
        }
        const left = readdirSync(sandbox).filter((n) => n !== 'upload.deb' && n !== 'job');
        rmSync(job, { recursive: true, force: true });
        if (left.length > 0) throw new Error(`written outside the job dir: ${left.join(', ')}`);
        if (isPkgmeError(failure) && (failure.kind === 'environment' || failure.kind === 'internal'))
          throw new Error(`misclassified ${failure.code}: ${failure.message}`);
        if (failure !== undefined) throw failure;
      },
    });
  } finally {
    rmSync(sandbox, { recursive: true, force: true });
  }
});
