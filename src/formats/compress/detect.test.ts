import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { requireCompressionTools, TOOLS, toolCompress } from './oracle-tools.ts';
import { detectCompression, MAGIC_BYTES } from './detect.ts';

test('detectCompression names what the real tools wrote, at every level', (t) => {
  if (!requireCompressionTools(t)) return;
  const input = readFileSync('/usr/bin/true');
  let n = 0;
  for (const { format, cmd } of TOOLS) {
    for (const level of ['-1', '-9']) {
      const out = toolCompress(cmd, input, [level]);
      assert.equal(detectCompression(out.subarray(0, MAGIC_BYTES)), format, `${cmd} ${level}`);
      n++;
    }
  }
  console.log(`detect: ${n} tool outputs named correctly`);
});

test('detectCompression says none for uncompressed data and short heads', () => {
  assert.equal(detectCompression(readFileSync('/usr/bin/true')), 'none');
  assert.equal(detectCompression(new Uint8Array([0x1f])), 'none');
  assert.equal(detectCompression(new Uint8Array([0xfd, 0x37, 0x7a, 0x58, 0x5a])), 'none');
  // "BZh" followed by something other than a block-size digit is text, not bzip2.
  assert.equal(detectCompression(Buffer.from('BZhello')), 'none');
  const tar = execFileSync('tar', ['-cf', '-', '--format=ustar', '-C', '/usr/bin', 'true']);
  assert.equal(detectCompression(tar), 'none');
});
