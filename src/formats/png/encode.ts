/**
 * A reproducible PNG writer for 8-bit RGBA images (the icons pkgme produces).
 *
 * Why reproducible and how: a package built twice from the same upload must be byte-identical, so the bytes depend
 * on the pixels only — no tIME, tEXt or other ancillary chunk, the row filter chosen by a fixed rule (the smallest
 * sum of absolute filtered bytes, lowest filter type on ties, as libpng's heuristic) and zlib at a fixed level,
 * window and memory level. zlib is the one bundled with Node, so the bytes are the same for a given Node release.
 */
import { crc32, deflateSync, constants } from 'node:zlib';
import { PkgmeError } from '../../errors.ts';
import { PNG_SIGNATURE } from './png.ts';
import { predict, type RgbaImage } from './decode.ts';

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Filters every row with the filter type (0–4) whose output has the smallest sum of |signed byte|. */
function filterRows(img: RgbaImage): Uint8Array {
  const rb = img.width * 4;
  const out = new Uint8Array(img.height * (rb + 1));
  const trial = new Uint8Array(rb);
  for (let y = 0; y < img.height; y++) {
    const cur = y * rb;
    const prev = y > 0 ? cur - rb : -1;
    let best = Infinity;
    for (let f = 0; f <= 4; f++) {
      let sum = 0;
      for (let i = 0; i < rb; i++) {
        const a = i >= 4 ? img.data[cur + i - 4]! : 0;
        const b = prev >= 0 ? img.data[prev + i]! : 0;
        const c = prev >= 0 && i >= 4 ? img.data[prev + i - 4]! : 0;
        const pred = predict(f, a, b, c);
        const v = (img.data[cur + i]! - pred) & 0xff;
        trial[i] = v;
        sum += v < 128 ? v : 256 - v;
      }
      if (sum < best) {
        best = sum;
        const row = y * (rb + 1);
        out[row] = f;
        out.set(trial, row + 1);
      }
    }
  }
  return out;
}

/** Encodes 8-bit RGBA, non-interlaced: IHDR, one IDAT, IEND. */
export function encodePng(img: RgbaImage): Uint8Array {
  const { width, height, data } = img;
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width < 1 ||
    height < 1 ||
    data.length !== width * height * 4
  )
    throw new PkgmeError(
      'PNG_ENCODE',
      `cannot encode a ${width}x${height} image from ${data.length} bytes`,
      'internal',
    );
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit, RGBA, deflate, adaptive filtering, no interlace
  const idat = deflateSync(filterRows(img), {
    level: 9,
    windowBits: 15,
    memLevel: 9,
    strategy: constants.Z_DEFAULT_STRATEGY,
  });
  const parts = [PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
