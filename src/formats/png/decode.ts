/**
 * A bounded PNG decoder: every colour type and bit depth of the spec, Adam7 interlacing, tRNS transparency, to 8-bit
 * straight-alpha RGBA.
 *
 * Why our own and why bounded: pkgme decodes an uploaded icon only to make the missing 48x48 size, and the bytes are
 * untrusted. The limits are checked before any large allocation: the file size, then the pixel count from IHDR, then
 * the inflated size, which a valid PNG fixes exactly from IHDR — inflation stops there, so a zlib bomb in IDAT costs
 * at most that many bytes. Every chunk's CRC is checked. Errors are typed PkgmeErrors only: PNG_NOT_PNG,
 * PNG_TRUNCATED, PNG_CORRUPT, PNG_TOO_LARGE. Colour management (gAMA, iCCP, sRGB) is ignored, as icon themes do.
 */
import { crc32, inflateSync } from 'node:zlib';
import { PkgmeError } from '../../errors.ts';
import { isPng, readPngHeader, type PngHeader } from './png.ts';

/** Pixels in 8-bit RGBA, straight (not premultiplied) alpha, rows top to bottom. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface DecodeLimits {
  /** Refuse a larger file before parsing it. */
  maxFileBytes: number;
  /** Refuse width × height above this (read from IHDR, before inflating anything). */
  maxPixels: number;
}

/** 16 Mpx (4096 × 4096) and 8 MiB: far above any icon, small enough to decode in memory (≤ 64 MiB of RGBA). */
export const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxFileBytes: 8 << 20, maxPixels: 4096 * 4096 };

const CHANNELS: Record<PngHeader['colourType'], number> = {
  grey: 1,
  rgb: 3,
  palette: 1,
  'grey-alpha': 2,
  rgba: 4,
};

/** Adam7 passes: x start, y start, x step, y step. A non-interlaced image is the single pass [0, 0, 1, 1]. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

function corrupt(name: string, what: string, details: Record<string, unknown> = {}): PkgmeError {
  return new PkgmeError('PNG_CORRUPT', `${name}: ${what}`, 'input', {
    hint: 'Re-export the icon with an image editor (or `optipng`); the file is damaged or not a valid PNG.',
    details: { file: name, ...details },
  });
}

function truncated(name: string, what: string): PkgmeError {
  return new PkgmeError('PNG_TRUNCATED', `${name}: ${what}`, 'input', {
    hint: 'The PNG file is cut short; upload the complete file.',
    details: { file: name },
  });
}

function tooLarge(name: string, what: string, details: Record<string, unknown>): PkgmeError {
  return new PkgmeError('PNG_TOO_LARGE', `${name}: ${what}`, 'input', {
    hint: 'Ship icons of at most 1024x1024 pixels (hicolor sizes go up to 512x512; an SVG scales to any size).',
    details: { file: name, ...details },
  });
}

interface Pass {
  x0: number;
  y0: number;
  dx: number;
  dy: number;
  w: number;
  h: number;
}

function passes(h: PngHeader): Pass[] {
  const all = h.interlaced ? ADAM7 : ([[0, 0, 1, 1]] as const);
  return all
    .map(([x0, y0, dx, dy]) => ({
      x0,
      y0,
      dx,
      dy,
      w: h.width > x0 ? Math.ceil((h.width - x0) / dx) : 0,
      h: h.height > y0 ? Math.ceil((h.height - y0) / dy) : 0,
    }))
    .filter((p) => p.w > 0 && p.h > 0);
}

function rowBytes(h: PngHeader, w: number): number {
  return Math.ceil((w * CHANNELS[h.colourType] * h.bitDepth) / 8);
}

interface Chunks {
  header: PngHeader;
  idat: Uint8Array;
  palette: Uint8Array | null;
  trns: Uint8Array | null;
}

/** Walks the chunk list: lengths, CRCs, order, and the chunks decoding needs. */
function readChunks(bytes: Uint8Array, name: string, limits: DecodeLimits): Chunks {
  const header = readPngHeader(bytes, name);
  if (header.width * header.height > limits.maxPixels)
    throw tooLarge(name, `${header.width}x${header.height} exceeds the ${limits.maxPixels}-pixel limit`, {
      width: header.width,
      height: header.height,
    });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const idat: Uint8Array[] = [];
  let palette: Uint8Array | null = null;
  let trns: Uint8Array | null = null;
  let idatEnded = false;
  let pos = 33;
  for (;;) {
    if (pos + 12 > bytes.length) throw truncated(name, `ends at byte ${bytes.length} before the IEND chunk`);
    const len = view.getUint32(pos);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    if (len > 0x7fffffff) throw corrupt(name, `chunk length ${len} at byte ${pos} exceeds 2^31-1`);
    if (!/^[A-Za-z]{4}$/.test(type))
      throw corrupt(name, `invalid chunk type at byte ${pos}`, { offset: pos });
    if (pos + 12 + len > bytes.length)
      throw truncated(name, `the ${type} chunk at byte ${pos} needs ${len} bytes, the file ends before`);
    const data = bytes.subarray(pos + 8, pos + 8 + len);
    if (crc32(bytes.subarray(pos + 4, pos + 8 + len)) !== view.getUint32(pos + 8 + len))
      throw corrupt(name, `CRC mismatch in the ${type} chunk at byte ${pos}`, { chunk: type, offset: pos });
    pos += 12 + len;
    if (type === 'IEND') break;
    if (type === 'IDAT') {
      if (idatEnded) throw corrupt(name, 'IDAT chunks are not consecutive');
      idat.push(data);
      continue;
    }
    if (idat.length > 0) idatEnded = true;
    if (type === 'PLTE') {
      if (palette || idat.length > 0 || len === 0 || len % 3 !== 0 || len > 768)
        throw corrupt(name, `invalid PLTE chunk (${len} bytes)`);
      palette = data;
    } else if (type === 'tRNS') {
      trns = data;
    } else if (type === 'IHDR' || (type.charCodeAt(0) & 0x20) === 0) {
      // A repeated IHDR, or a critical chunk we do not know: the spec says a decoder must not guess.
      throw corrupt(name, `unexpected critical chunk ${type} at byte ${pos - 12 - len}`, { chunk: type });
    }
  }
  if (idat.length === 0) throw corrupt(name, 'no IDAT chunk (no image data)');
  if (header.colourType === 'palette' && !palette) throw corrupt(name, 'palette image without a PLTE chunk');
  return { header, idat: idat.length === 1 ? idat[0]! : Buffer.concat(idat), palette, trns };
}

/** Inflates at most `expected` bytes: a stream that yields more or less than IHDR implies is corrupt. */
function inflateBounded(idat: Uint8Array, expected: number, name: string): Uint8Array {
  let raw: Uint8Array;
  try {
    raw = inflateSync(idat, { maxOutputLength: expected });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE')
      throw corrupt(name, `IDAT inflates to more than the ${expected} bytes the header implies`, {
        expected,
      });
    throw corrupt(name, `IDAT is not a valid zlib stream (${(err as Error).message})`);
  }
  if (raw.length !== expected)
    throw corrupt(name, `IDAT inflates to ${raw.length} bytes, the header implies ${expected}`, { expected });
  return raw;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** The predictor of filter type `f` (PNG spec §9.2) from left `a`, above `b`, upper-left `c`; shared with the encoder. */
export function predict(f: number, a: number, b: number, c: number): number {
  return f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : paeth(a, b, c);
}

/** Undoes the per-row filters of one pass in place; `raw` holds rows of [filter byte, rowBytes bytes]. */
function unfilter(raw: Uint8Array, at: number, rows: number, rb: number, bpp: number, name: string): void {
  for (let y = 0; y < rows; y++) {
    const row = at + y * (rb + 1);
    const f = raw[row]!;
    const cur = row + 1;
    const prev = y > 0 ? cur - (rb + 1) : -1;
    if (f > 4) throw corrupt(name, `unknown filter type ${f} in row ${y}`);
    if (f === 0 || (f === 2 && prev < 0)) continue;
    // One loop per filter type, not a predictor call per byte: this loop is most of a large image's decode time.
    // Stores into the Uint8Array wrap modulo 256, as the spec's arithmetic does.
    if (f === 1 || (f === 2 && prev >= 0)) {
      const from = f === 1 ? bpp : 0;
      const off = f === 1 ? cur - bpp : prev;
      for (let i = from; i < rb; i++) raw[cur + i] = raw[cur + i]! + raw[off + i]!;
      continue;
    }
    for (let i = 0; i < rb; i++) {
      const a = i >= bpp ? raw[cur + i - bpp]! : 0;
      const b = prev >= 0 ? raw[prev + i]! : 0;
      const c = prev >= 0 && i >= bpp ? raw[prev + i - bpp]! : 0;
      raw[cur + i] = raw[cur + i]! + (f === 3 ? (a + b) >> 1 : paeth(a, b, c));
    }
  }
}

/** Reads sample `i` of a row (bit depths 1, 2, 4, 8, 16) as its raw integer value. */
function sample(raw: Uint8Array, row: number, i: number, depth: number): number {
  if (depth === 8) return raw[row + i]!;
  if (depth === 16) return (raw[row + 2 * i]! << 8) | raw[row + 2 * i + 1]!;
  const perByte = 8 / depth;
  const byte = raw[row + Math.floor(i / perByte)]!;
  const shift = 8 - depth * ((i % perByte) + 1);
  return (byte >> shift) & ((1 << depth) - 1);
}

/** Writes one pass's pixels into the RGBA output. */
function expand(raw: Uint8Array, at: number, p: Pass, c: Chunks, out: Uint8Array): void {
  const { header: h, palette, trns } = c;
  const ch = CHANNELS[h.colourType];
  const rb = rowBytes(h, p.w);
  if (h.colourType === 'rgba' && h.bitDepth === 8 && !h.interlaced) {
    // The common case (nearly every real icon): rows are already RGBA8, copied as they are.
    for (let y = 0; y < p.h; y++)
      out.set(raw.subarray(at + y * (rb + 1) + 1, at + (y + 1) * (rb + 1)), y * rb);
    return;
  }
  const max = (1 << h.bitDepth) - 1;
  const to8 = (v: number) => (h.bitDepth === 16 ? (v * 255 + 32767) / 65535 : (v * 255) / max) | 0;
  const key = (i: number) =>
    trns && trns.length >= 2 * (i + 1) ? (trns[2 * i]! << 8) | trns[2 * i + 1]! : -1;
  const greyKey = h.colourType === 'grey' ? key(0) : -1;
  const rgbKey = h.colourType === 'rgb' ? [key(0), key(1), key(2)] : null;
  const s = [0, 0, 0, 0];
  for (let y = 0; y < p.h; y++) {
    const row = at + y * (rb + 1) + 1;
    for (let x = 0; x < p.w; x++) {
      for (let k = 0; k < ch; k++) s[k] = sample(raw, row, x * ch + k, h.bitDepth);
      const o = ((p.y0 + y * p.dy) * h.width + p.x0 + x * p.dx) * 4;
      if (h.colourType === 'palette') {
        const idx = s[0]!;
        // An index past the palette is a benign error in libpng (it reads black); do the same.
        const ok = palette !== null && idx * 3 < palette.length;
        out[o] = ok ? palette[idx * 3]! : 0;
        out[o + 1] = ok ? palette[idx * 3 + 1]! : 0;
        out[o + 2] = ok ? palette[idx * 3 + 2]! : 0;
        out[o + 3] = trns && idx < trns.length ? trns[idx]! : 255;
      } else if (ch <= 2) {
        const g = to8(s[0]!);
        out[o] = out[o + 1] = out[o + 2] = g;
        out[o + 3] = ch === 2 ? to8(s[1]!) : s[0] === greyKey ? 0 : 255;
      } else {
        out[o] = to8(s[0]!);
        out[o + 1] = to8(s[1]!);
        out[o + 2] = to8(s[2]!);
        const transparent = rgbKey !== null && s[0] === rgbKey[0] && s[1] === rgbKey[1] && s[2] === rgbKey[2];
        out[o + 3] = ch === 4 ? to8(s[3]!) : transparent ? 0 : 255;
      }
    }
  }
}

/** Decodes a whole PNG to RGBA. `name` labels the file in messages. */
export function decodePng(
  bytes: Uint8Array,
  name = 'PNG file',
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): RgbaImage {
  if (bytes.length > limits.maxFileBytes && isPng(bytes))
    throw tooLarge(name, `${bytes.length} bytes exceeds the ${limits.maxFileBytes}-byte limit`, {
      bytes: bytes.length,
    });
  const c = readChunks(bytes, name, limits);
  const h = c.header;
  const ps = passes(h);
  const expected = ps.reduce((n, p) => n + p.h * (rowBytes(h, p.w) + 1), 0);
  const raw = inflateBounded(c.idat, expected, name);
  const bpp = Math.max(1, (CHANNELS[h.colourType] * h.bitDepth) >> 3);
  const out = new Uint8Array(h.width * h.height * 4);
  let at = 0;
  for (const p of ps) {
    const rb = rowBytes(h, p.w);
    unfilter(raw, at, p.h, rb, bpp, name);
    expand(raw, at, p, c, out);
    at += p.h * (rb + 1);
  }
  return { width: h.width, height: h.height, data: out };
}
