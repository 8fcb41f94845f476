/**
 * Resizing RGBA icons: area averaging to shrink (each output pixel is the exact mean of the source area it covers,
 * fractional pixels weighted by coverage — what netpbm's pamscale calls pixel mixing), linear interpolation to grow.
 *
 * Why premultiplied: averaging straight-alpha colours lets the colour of fully transparent pixels (often black or
 * garbage) bleed into the edges as a dark fringe. Colours are weighted by their alpha before averaging and divided
 * by the averaged alpha after, so a transparent pixel contributes nothing. Separable (rows, then columns), in
 * Float32: scratch memory is 16 bytes per pixel of an (output width × input height) image, 3 MiB for a 4096-high
 * icon resized to 48.
 */
import type { RgbaImage } from './decode.ts';

interface Taps {
  /** For output index i: source indices and weights (summing to 1). */
  index: number[][];
  weight: number[][];
}

/** Weights along one axis, n source pixels → m output pixels. */
function taps(n: number, m: number): Taps {
  const index: number[][] = [];
  const weight: number[][] = [];
  for (let i = 0; i < m; i++) {
    const idx: number[] = [];
    const w: number[] = [];
    if (m <= n) {
      const lo = (i * n) / m;
      const hi = ((i + 1) * n) / m;
      for (let s = Math.floor(lo); s < Math.min(n, Math.ceil(hi)); s++) {
        const cover = Math.min(hi, s + 1) - Math.max(lo, s);
        if (cover > 0) {
          idx.push(s);
          w.push(cover / (hi - lo));
        }
      }
    } else {
      const centre = Math.min(n - 1, Math.max(0, ((i + 0.5) * n) / m - 0.5));
      const s = Math.floor(centre);
      const f = centre - s;
      idx.push(s);
      w.push(1 - f);
      if (f > 0) {
        idx.push(s + 1);
        w.push(f);
      }
    }
    index.push(idx);
    weight.push(w);
  }
  return { index, weight };
}

/**
 * Resamples `src` (w×h, 4 samples per pixel) along x when `alongX`, else along y. With `premultiply`, `src` is the
 * 8-bit straight-alpha image and colours are weighted by alpha as they are read, so no premultiplied full-size copy
 * is ever made: the first pass's output is already `size` wide.
 */
function pass(
  src: Float32Array | Uint8Array,
  w: number,
  h: number,
  t: Taps,
  alongX: boolean,
  premultiply: boolean,
): Float32Array {
  const ow = alongX ? t.index.length : w;
  const oh = alongX ? h : t.index.length;
  const out = new Float32Array(ow * oh * 4);
  for (let y = 0; y < oh; y++)
    for (let x = 0; x < ow; x++) {
      const idx = t.index[alongX ? x : y]!;
      const wt = t.weight[alongX ? x : y]!;
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let k = 0; k < idx.length; k++) {
        const s = (alongX ? y * w + idx[k]! : idx[k]! * w + x) * 4;
        const alpha = src[s + 3]!;
        const f = premultiply ? (wt[k]! * alpha) / 255 : wt[k]!;
        r += src[s]! * f;
        g += src[s + 1]! * f;
        b += src[s + 2]! * f;
        a += alpha * wt[k]!;
      }
      const o = (y * ow + x) * 4;
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
      out[o + 3] = a;
    }
  return out;
}

/** Resizes to exactly width × height (the aspect ratio may change). */
export function resizeRgba(img: RgbaImage, width: number, height: number): RgbaImage {
  const rows = pass(img.data, img.width, img.height, taps(img.width, width), true, true);
  const all = pass(rows, width, img.height, taps(img.height, height), false, false);
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) {
    const a = all[i + 3]!;
    const alpha = Math.min(255, Math.max(0, Math.round(a)));
    data[i + 3] = alpha;
    if (alpha === 0) continue;
    for (let k = 0; k < 3; k++) data[i + k] = Math.min(255, Math.max(0, Math.round((all[i + k]! * 255) / a)));
  }
  return { width, height, data };
}

/**
 * Fits the image into a size × size square: scaled so its longer side is `size`, centred, the rest transparent.
 * A square image is simply resized.
 */
export function fitSquare(img: RgbaImage, size: number): RgbaImage {
  if (img.width === img.height) return resizeRgba(img, size, size);
  const scale = size / Math.max(img.width, img.height);
  const w = Math.max(1, Math.round(img.width * scale));
  const h = Math.max(1, Math.round(img.height * scale));
  const inner = resizeRgba(img, w, h);
  const data = new Uint8Array(size * size * 4);
  const x0 = (size - w) >> 1;
  const y0 = (size - h) >> 1;
  for (let y = 0; y < h; y++)
    data.set(inner.data.subarray(y * w * 4, (y + 1) * w * 4), ((y0 + y) * size + x0) * 4);
  return { width: size, height: size, data };
}
