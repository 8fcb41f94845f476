/**
 * The symlink rule of member-path.ts against the kernel: random sequences of directories, files and symlinks (with
 * targets full of "..") go through SafeWriter; whatever it accepts is then resolved by the kernel (realpath), and
 * every link that resolves must resolve inside the destination, and nothing may appear outside it.
 * (realpathSync.native: node's JS realpathSync resolves "link/.." lexically, which is not what the kernel does.)
 */
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { PkgmeError } from '../errors.ts';
import { cacheDir } from '../testing/env.ts';
import type { ArchiveEntry } from '../formats/tar/read-entry.ts';
import { resolveLimits } from './limits.ts';
import { SafeWriter } from './writer.ts';

// A small alphabet so that names collide and links point at each other; member names rarely hold ".." (those are
// rejected outright), targets often do.
const PATH = fc
  .array(fc.constantFrom('a', 'b', 'a', 'b', '.', '..'), { minLength: 1, maxLength: 2 })
  .map((p) => p.join('/'));
const TARGET = fc
  .array(fc.constantFrom('a', 'b', '..', '..', '.'), { minLength: 1, maxLength: 4 })
  .map((p) => p.join('/'));
const OP = fc.record({
  type: fc.constantFrom('directory', 'symlink', 'symlink', 'file') as fc.Arbitrary<ArchiveEntry['type']>,
  name: PATH,
  target: TARGET,
});

const empty: AsyncIterable<Buffer> = { [Symbol.asyncIterator]: async function* () {} };

function walk(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    out.push(p);
    if (lstatSync(p).isDirectory()) walk(p, out);
  }
  return out;
}

test('no sequence of accepted members yields a link the kernel resolves outside the destination', async () => {
  const base = cacheDir('upload-writer-prop');
  let runs = 0;
  let accepted = 0;
  let resolvedLinks = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(OP, { minLength: 2, maxLength: 8 }), async (ops) => {
      const sandbox = join(base, `run${runs++}`);
      rmSync(sandbox, { recursive: true, force: true });
      const dest = join(sandbox, 'x', 'y', 'dest');
      mkdirSync(dest, { recursive: true });
      const w = new SafeWriter(dest, resolveLimits());
      for (const op of ops) {
        const entry: ArchiveEntry = { name: op.name, type: op.type, size: 0, mode: 0o755, mtime: 1700000000 };
        if (op.type === 'symlink') entry.linkname = op.target;
        try {
          await w.write(entry, empty);
          accepted++;
        } catch (err) {
          assert.ok(err instanceof PkgmeError, `untyped: ${String(err)}`);
        }
      }
      w.finish();
      const realDest = realpathSync.native(dest);
      for (const p of walk(dest)) {
        let real: string;
        try {
          real = realpathSync.native(p);
        } catch {
          continue; // dangling or a loop: resolves nowhere
        }
        if (lstatSync(p).isSymbolicLink()) resolvedLinks++;
        assert.ok(
          real === realDest || real.startsWith(realDest + '/'),
          `${p} resolves to ${real}: ${JSON.stringify(ops)}`,
        );
      }
      assert.deepEqual(readdirSync(join(sandbox, 'x', 'y')), ['dest']);
      assert.deepEqual(readdirSync(join(sandbox, 'x')), ['y']);
      rmSync(sandbox, { recursive: true, force: true });
    }),
    {
      numRuns: 1500,
      // Chains random search rarely builds: climbing out of a link, and climbing out of a name made a link later.
      examples: [
        [
          [
            { type: 'directory', name: 'a', target: '' },
            { type: 'symlink', name: 'a/b', target: '..' },
            { type: 'symlink', name: 'b', target: 'a/b/..' },
          ],
        ],
        [
          [
            { type: 'directory', name: 'a', target: '' },
            { type: 'symlink', name: 'b', target: 'a/b/../..' },
            { type: 'symlink', name: 'a/b', target: '.' },
          ],
        ],
      ],
    },
  );
  console.log(
    `writer property: ${runs} runs, ${accepted} members accepted, ${resolvedLinks} resolvable links all inside`,
  );
  assert.ok(resolvedLinks > 200, 'the generator should produce resolvable links');
});
