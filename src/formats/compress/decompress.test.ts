import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import { PkgmeError } from '../../errors.ts';
import { cacheDir, requireTools } from '../../testing/env.ts';
import { requireCompressionTools, TOOLS, toolCompress } from './oracle-tools.ts';
import { createDecompressor, decompressBuffer, decompressStream } from './decompress.ts';

/** A few MB of mixed real data: binaries (compressible) plus random bytes (not). */
function sample(): Buffer {
  const rnd = Buffer.alloc(512 * 1024);
  for (let i = 0; i < rnd.length; i++) rnd[i] = (i * 2654435761) >>> 13;
  return Buffer.concat([readFileSync('/usr/bin/bash'), rnd, readFileSync('/usr/bin/ls')]);
}

async function expectCode(p: Promise<unknown>, code: string, format: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof PkgmeError, `not a PkgmeError: ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.details.format, format);
    return true;
  });
}

test('decompresses what the real tools wrote (buffer and stream), and concatenated streams', async (t) => {
  if (!requireCompressionTools(t)) return;
  const data = sample();
  const dir = cacheDir('compress-test');
  let compared = 0;
  for (const { format, cmd } of TOOLS) {
    const packed = toolCompress(cmd, data);
    assert.ok((await decompressBuffer(packed)).equals(data), `${format} buffer`);
    assert.ok((await decompressBuffer(packed, { format })).equals(data), `${format} explicit`);
    // Streamed from a file, through the auto-detecting path.
    const file = join(dir, `sample.${format}`);
    writeFileSync(file, packed);
    const chunks: Buffer[] = [];
    const auto = decompressStream(createReadStream(file, { highWaterMark: 4096 }));
    for await (const c of auto) chunks.push(c as Buffer);
    assert.equal(auto.format, format);
    assert.ok(Buffer.concat(chunks).equals(data), `${format} stream`);
    // Two streams back to back (pigz/pbzip2/pixz and `cat a.gz b.gz` make these).
    const two = Buffer.concat([packed, toolCompress(cmd, Buffer.from('tail\n'))]);
    assert.ok(
      (await decompressBuffer(two)).equals(Buffer.concat([data, Buffer.from('tail\n')])),
      `${format} x2`,
    );
    compared += 3;
  }
  console.log(
    `decompress: ${compared} outputs of ${TOOLS.length} tools matched byte for byte (${data.length} bytes)`,
  );
});

test('truncated and corrupted input fails with COMPRESS_CORRUPT naming the format', async (t) => {
  if (!requireCompressionTools(t)) return;
  const data = sample();
  let cases = 0;
  for (const { format, cmd } of TOOLS) {
    const packed = toolCompress(cmd, data);
    for (const cut of [packed.length - 1, packed.length - 9, packed.length >> 1, 16]) {
      await expectCode(decompressBuffer(packed.subarray(0, cut)), 'COMPRESS_CORRUPT', format);
      cases++;
    }
    const flipped = Buffer.from(packed);
    flipped[packed.length >> 1]! ^= 0x40;
    await expectCode(decompressBuffer(flipped), 'COMPRESS_CORRUPT', format);
    cases++;
  }
  console.log(`decompress: ${cases} damaged inputs rejected with COMPRESS_CORRUPT`);
});

test('the buffer helper stops at maxBytes with COMPRESS_TOO_LARGE', async () => {
  const bomb = toolCompress('xz', Buffer.alloc(64 * 1024 * 1024));
  await expectCode(decompressBuffer(bomb, { maxBytes: 1024 * 1024 }), 'COMPRESS_TOO_LARGE', 'xz');
});

test('streaming does not buffer the input: 1 GiB of zeros flows through with a small heap', async (t) => {
  if (!requireTools(t, ['xz', 'zstd'], 'xz-utils zstd')) return;
  const dir = cacheDir('compress-test');
  const file = join(dir, 'zeros-1g.xz');
  // dd | xz writes ~150 KB once; cached between runs.
  try {
    readFileSync(file);
  } catch {
    // Written aside and renamed, so an interrupted run never leaves a truncated file that looks cached.
    execFileSync('sh', ['-c', `head -c 1073741824 /dev/zero | xz -0 -T1 > ${file}.${process.pid}`]);
    renameSync(`${file}.${process.pid}`, file);
  }
  for (const format of ['xz'] as const) {
    const before = process.memoryUsage().rss;
    let total = 0;
    let peak = 0;
    await pipeline(
      createReadStream(file),
      createDecompressor(format),
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          total += chunk.length;
          if ((total & 0xfffffff) < chunk.length) peak = Math.max(peak, process.memoryUsage().rss - before);
          cb();
        },
      }),
    );
    assert.equal(total, 1 << 30);
    console.log(
      `decompress: 1 GiB ${format} streamed, RSS grew by at most ${(peak / 1048576).toFixed(0)} MiB`,
    );
    assert.ok(peak < 200 * 1024 * 1024, `RSS grew by ${peak} bytes`);
  }
});

test('a consumer can stop a stream early (bomb handling) without an unhandled error', async (t) => {
  if (!requireTools(t, ['gzip', 'zstd'], 'gzip zstd')) return;
  for (const cmd of ['gzip', 'zstd']) {
    const packed = toolCompress(cmd, Buffer.alloc(32 * 1024 * 1024));
    const dec = createDecompressor(cmd === 'gzip' ? 'gzip' : 'zstd');
    let seen = 0;
    await new Promise<void>((resolve) => {
      dec.on('data', (c: Buffer) => {
        seen += c.length;
        if (seen > 1024 * 1024) {
          dec.destroy();
          resolve();
        }
      });
      dec.on('error', (err) => assert.fail(`unexpected error ${String(err)}`));
      dec.end(packed);
    });
    assert.ok(seen < 8 * 1024 * 1024, `${cmd}: read ${seen} bytes before stopping`);
  }
});
