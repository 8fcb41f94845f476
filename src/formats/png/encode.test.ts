/**
 * The encoder against independent readers: pngcheck validates the file (chunk structure, CRCs, zlib stream), libpng
 * (netpbm's pngtopam) must decode exactly the pixels we encoded, file(1) must call it 8-bit RGBA, and the same
 * pixels must always give the same bytes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPkgmeError } from '../../errors.ts';
import { requireTools } from '../../testing/env.ts';
import { decodePng } from './decode.ts';
import { encodePng } from './encode.ts';
import { pngtopam } from './netpbm-testkit.ts';
import { machinePngs } from './testkit.ts';

test('encoded PNGs pass pngcheck, decode to the same pixels with libpng, and are reproducible', (t) => {
  if (!requireTools(t, ['pngcheck', 'pngtopam', 'file'], 'pngcheck netpbm file')) return;
  // Every 100th machine icon: all sizes from 16 to 512 and the palette / grey+alpha ones when they fall in.
  const picked = machinePngs().filter((_, i) => i % 100 === 0);
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-png-enc-'));
  try {
    let bytesIn = 0;
    let bytesOut = 0;
    for (const [i, p] of picked.entries()) {
      const source = readFileSync(p);
      const img = decodePng(source, p);
      const png = encodePng(img);
      assert.deepEqual(encodePng(img), png, `${p}: encoding twice gives other bytes`);
      const out = join(dir, `${i}.png`);
      writeFileSync(out, png);
      const check = execFileSync('pngcheck', ['-v', out], { encoding: 'utf8' });
      assert.match(check, /No errors detected/, check);
      const chunks = [...check.matchAll(/chunk (\w{4}) at/g)].map((m) => m[1]);
      assert.deepEqual(chunks, ['IHDR', 'IDAT', 'IEND'], `${p}: no time, text or other ancillary chunk`);
      assert.match(
        execFileSync('file', ['-b', out], { encoding: 'utf8' }),
        /8-bit\/color RGBA, non-interlaced/,
      );
      const libpng = pngtopam(out);
      assert.equal(libpng.width, img.width);
      assert.deepEqual(libpng.data, img.data, `${p}: libpng decodes other pixels`);
      bytesIn += source.length;
      bytesOut += png.length;
    }
    console.log(
      `encode: ${picked.length} machine icons re-encoded, pngcheck clean, libpng pixel-identical, ` +
        `${bytesOut} bytes vs ${bytesIn} originally (${((100 * bytesOut) / bytesIn).toFixed(1)} %)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('encoding a malformed image is a typed internal error', () => {
  for (const img of [
    { width: 0, height: 1, data: new Uint8Array(0) },
    { width: 2, height: 2, data: new Uint8Array(15) },
  ]) {
    assert.throws(
      () => encodePng(img),
      (err) => isPkgmeError(err) && err.code === 'PNG_ENCODE',
    );
  }
});
