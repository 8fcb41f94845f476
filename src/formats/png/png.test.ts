/** Typed errors of the PNG header reader, on real icons from the machine damaged in known ways. */
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32 as zlibCrc } from 'node:zlib';
import { isPkgmeError } from '../../errors.ts';
import { machinePngs } from './testkit.ts';
import { readPngHeader } from './png.ts';

function code(bytes: Uint8Array): string {
  try {
    readPngHeader(bytes);
    return 'ok';
  } catch (err) {
    assert.ok(isPkgmeError(err), String(err));
    return err.code;
  }
}

/** Recomputes nothing: a modified IHDR keeps its old CRC, so only the CRC check can catch it. */
function withByte(bytes: Uint8Array, off: number, value: number): Uint8Array {
  const b = Uint8Array.prototype.slice.call(bytes);
  b[off] = value;
  return b;
}

test('PNG header errors', () => {
  const path = machinePngs()[0];
  assert.ok(path, 'no PNG on the machine');
  const real = readFileSync(path);
  assert.equal(code(real), 'ok');
  assert.equal(code(new TextEncoder().encode('<svg/>')), 'PNG_NOT_PNG');
  assert.equal(code(new Uint8Array(0)), 'PNG_TRUNCATED');
  assert.equal(code(real.subarray(0, 5)), 'PNG_TRUNCATED');
  assert.equal(code(real.subarray(0, 32)), 'PNG_TRUNCATED');
  assert.equal(code(withByte(real, 19, real[19]! ^ 1)), 'PNG_CORRUPT'); // width changed, CRC stale
  assert.equal(code(withByte(real, 30, real[30]! ^ 0xff)), 'PNG_CORRUPT'); // CRC itself damaged
  assert.equal(code(withByte(real, 12, 0x69)), 'PNG_CORRUPT'); // chunk type 'iHDR'
});

test('giant dimensions are flagged', () => {
  // A header with a valid CRC for 5000x16: built from a real file's IHDR with the CRC recomputed by zlib.
  const real = Uint8Array.prototype.slice.call(readFileSync(machinePngs()[0]!)) as Uint8Array;
  new DataView(real.buffer).setUint32(16, 5000);
  new DataView(real.buffer).setUint32(29, zlibCrc(real.subarray(12, 29)));
  const h = readPngHeader(real);
  assert.equal(h.width, 5000);
  assert.equal(h.giant, true);
});
