/**
 * Test helper: netpbm (Debian package netpbm) as an independent PNG decoder and encoder. `pngtopam -alphapam`
 * decodes a PNG with libpng to PAM; `pamtopng`/`pnmtopng` write the PNG variants the machine's icons lack (16-bit,
 * interlaced, low-bit grey, tRNS colour keys), so the decoder is checked against libpng on every PNG form.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RgbaImage } from './decode.ts';

export const NETPBM_TOOLS = [
  'pngtopam',
  'pamtopng',
  'pnmtopng',
  'pamdepth',
  'ppmtopgm',
  'pamthreshold',
  'pamcut',
  'pnmquant',
  'pamfunc',
];

/** Parses PAM (P7) or binary PGM/PPM (P5/P6) into 8-bit RGBA, scaling samples as the decoder does. */
export function readPam(bytes: Uint8Array): RgbaImage {
  const text = Buffer.from(bytes.subarray(0, 512)).toString('latin1');
  let width: number;
  let height: number;
  let depth: number;
  let maxval: number;
  let at: number;
  if (text.startsWith('P7')) {
    const end = text.indexOf('ENDHDR\n');
    const field = (k: string) => Number(new RegExp(`\\n${k} (\\d+)`).exec(text.slice(0, end))![1]);
    [width, height, depth, maxval] = [field('WIDTH'), field('HEIGHT'), field('DEPTH'), field('MAXVAL')];
    at = end + 7;
  } else {
    const m = /^P([56])\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(text)!;
    [width, height, maxval] = [Number(m[2]), Number(m[3]), Number(m[4])];
    depth = m[1] === '5' ? 1 : 3;
    at = m[0].length;
  }
  const wide = maxval > 255;
  const to8 = (v: number) => (wide ? (v * 255 + 32767) / 65535 : (v * 255) / maxval) | 0;
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const s: number[] = [];
    for (let k = 0; k < depth; k++) {
      const o = at + (p * depth + k) * (wide ? 2 : 1);
      s.push(to8(wide ? (bytes[o]! << 8) | bytes[o + 1]! : bytes[o]!));
    }
    const rgb = depth >= 3 ? s.slice(0, 3) : [s[0]!, s[0]!, s[0]!];
    const alpha = depth === 2 || depth === 4 ? s[depth - 1]! : 255;
    data.set([...rgb, alpha], p * 4);
  }
  return { width, height, data };
}

/** Alpha-weighted mean colour (r, g, b) and mean alpha, 0..255: what area averaging must keep when resizing. */
export function meanColour(img: RgbaImage): number[] {
  const sum = [0, 0, 0, 0];
  for (let i = 0; i < img.data.length; i++) {
    const a = img.data[i | 3]!;
    sum[i & 3] = sum[i & 3]! + ((i & 3) === 3 ? a : (img.data[i]! * a) / 255);
  }
  return sum.map((s) => s / (img.width * img.height));
}

/** libpng's decoding of a PNG file, through netpbm. */
export function pngtopam(path: string): RgbaImage {
  return readPam(execFileSync('pngtopam', ['-alphapam', path], { maxBuffer: 1 << 28 }));
}

/** Runs a shell pipeline with pipefail and returns its stdout. */
function sh(script: string): Buffer {
  return execFileSync('bash', ['-o', 'pipefail', '-c', script], {
    maxBuffer: 1 << 28,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
}

/**
 * PNG variants of real RGBA, palette and grey+alpha icons, written into `dir` by netpbm:
 * every colour type × bit depth the machine's icons lack, interlaced and not. Returns name → path.
 */
export function netpbmVariants(
  src: { rgba: string; palette: string; greyAlpha: string },
  dir: string,
): Map<string, string> {
  const q = (p: string) => `'${p.replace(/'/g, `'\\''`)}'`;
  const [rgba, palette, greyAlpha] = [src.rgba, src.palette, src.greyAlpha];
  const recipes: Record<string, string> = {
    'rgba16-interlaced': `pngtopam -alphapam ${q(rgba)} | pamdepth 65535 | pamfunc -multiplier 0.9973 | pamtopng -interlace`,
    'rgba8-interlaced': `pngtopam -alphapam ${q(rgba)} | pamtopng -interlace`,
    rgb8: `pngtopam ${q(rgba)} | pnmtopng -force`,
    'rgb16-interlaced': `pngtopam ${q(rgba)} | pamdepth 65535 | pamfunc -multiplier 0.9973 | pnmtopng -force -interlace`,
    'rgb8-trns': `pngtopam ${q(rgba)} | pnmtopng -force -transparent =rgb:00/00/00`,
    grey1: `pngtopam ${q(rgba)} | ppmtopgm | pamthreshold | pnmtopng`,
    grey2: `pngtopam ${q(rgba)} | ppmtopgm | pamdepth 3 | pnmtopng`,
    'grey4-interlaced': `pngtopam ${q(rgba)} | ppmtopgm | pamdepth 15 | pnmtopng -interlace`,
    'grey8-trns': `pngtopam ${q(rgba)} | ppmtopgm | pnmtopng -transparent =rgb:00/00/00`,
    grey16: `pngtopam ${q(rgba)} | ppmtopgm | pamdepth 65535 | pamfunc -multiplier 0.9973 | pamtopng`,
    'grey-alpha16-interlaced': `pngtopam -alphapam ${q(greyAlpha)} | pamdepth 65535 | pamfunc -multiplier 0.9973 | pamtopng -interlace`,
    'palette4-interlaced': `pngtopam ${q(palette)} | pnmtopng -interlace`,
    'palette2-interlaced': `pngtopam ${q(palette)} | pnmquant 4 2>/dev/null | pnmtopng -interlace`,
    palette1: `pngtopam ${q(palette)} | pnmquant 2 2>/dev/null | pnmtopng`,
    // Adam7 with images smaller than a pass: some passes are empty.
    'rgba8-interlaced-3x5': `pngtopam -alphapam ${q(rgba)} | pamcut -width 3 -height 5 | pamtopng -interlace`,
    'rgba8-interlaced-1x1': `pngtopam -alphapam ${q(rgba)} | pamcut -width 1 -height 1 | pamtopng -interlace`,
  };
  const out = new Map<string, string>();
  for (const [name, script] of Object.entries(recipes)) {
    const path = join(dir, `${name}.png`);
    writeFileSync(path, sh(script));
    out.set(name, path);
  }
  return out;
}
