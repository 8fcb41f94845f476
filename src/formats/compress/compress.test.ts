import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cacheDir, requireTools } from '../../testing/env.ts';
import { compressBuffer } from './compress.ts';
import { requireCompressionTools, TOOLS } from './oracle-tools.ts';

function input(): Buffer {
  return Buffer.concat([readFileSync('/usr/bin/bash'), readFileSync('/usr/bin/ls'), Buffer.alloc(0)]);
}

test('the real tools decompress what we write, and repeated output is byte-identical', async (t) => {
  if (!requireCompressionTools(t)) return;
  const data = input();
  for (const { format, cmd } of TOOLS) {
    const a = await compressBuffer(format, data);
    const b = await compressBuffer(format, data);
    assert.ok(a.equals(b), `${format}: two runs differ`);
    const back = execFileSync(cmd, ['-dc'], { input: a, maxBuffer: 1 << 30 });
    assert.ok(back.equals(data), `${cmd} -dc of our ${format} differs`);
    // The tools' own integrity test passes too.
    execFileSync(cmd, ['-t'], { input: a, stdio: ['pipe', 'ignore', 'pipe'] });
    console.log(
      `compress: ${format} ${data.length} -> ${a.length} bytes, ${cmd} -dc and -t agree, deterministic`,
    );
  }
});

test('xz output is byte-identical to `xz -6` (preset 6, CRC64), and `xz -lv` sees CRC64', async (t) => {
  if (!requireTools(t, ['xz'], 'xz-utils')) return;
  const data = input();
  const ours = await compressBuffer('xz', data);
  const theirs = execFileSync('xz', ['-6', '-c', '-T1'], { input: data, maxBuffer: 1 << 30 });
  assert.ok(ours.equals(theirs), `ours ${ours.length} bytes, xz ${theirs.length} bytes`);
  const file = join(cacheDir('compress-test'), 'ours.xz');
  writeFileSync(file, ours);
  const info = execFileSync('xz', ['--robot', '-lv', file]).toString();
  assert.match(info, /\bCRC64\b/);
});

test('gzip header carries MTIME 0, no name, OS 3 (what `gzip -9n` writes)', async (t) => {
  if (!requireTools(t, ['gzip'], 'gzip')) return;
  const data = input();
  const ours = await compressBuffer('gzip', data);
  const theirs = execFileSync('gzip', ['-9n', '-c'], { input: data, maxBuffer: 1 << 30 });
  // ID1 ID2 CM FLG MTIME(4) XFL: compare the whole 10-byte header with GNU gzip's, except XFL (byte 8), which
  // zlib sets from the strategy and gzip from the level.
  const strip = (h: Buffer) => Buffer.concat([h.subarray(0, 8), h.subarray(9, 10)]);
  assert.deepEqual(strip(ours.subarray(0, 10)), strip(theirs.subarray(0, 10)));
  assert.equal(ours.readUInt32LE(4), 0);
});
