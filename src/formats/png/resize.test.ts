/**
 * Resizing against netpbm: on opaque images our area average must equal `pamscale -filter=box` within 1 per sample
 * (down, up and non-uniform scales). With alpha, the result is encoded, decoded again by libpng (pngtopam), and its
 * alpha-weighted mean colour and mean alpha must equal the source's within 1/255 — the invariant area averaging
 * keeps. Premultiplication is checked directly: transparent pixels must not darken an edge.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requireTools } from '../../testing/env.ts';
import { decodePng } from './decode.ts';
import { encodePng } from './encode.ts';
import { meanColour, pngtopam, readPam } from './netpbm-testkit.ts';
import { machinePngs } from './testkit.ts';
import { fitSquare, resizeRgba } from './resize.ts';

/** Machine RGBA icons with alpha: the largest few and a few small ones (for upscaling), distinct sizes. */
function sources(): string[] {
  const bySide = new Map<number, string[]>();
  for (const p of machinePngs()) {
    const b = readFileSync(p).subarray(16, 26);
    if (b[9] !== 6 || b[8] !== 8) continue;
    const side = b.readUInt32BE(0);
    bySide.set(side, [...(bySide.get(side) ?? []), p]);
  }
  const pick = (side: number, n: number) =>
    (bySide.get(side) ?? []).filter((_, i) => i % 7 === 0).slice(0, n);
  const out = [
    ...pick(512, 4),
    ...pick(256, 1),
    ...pick(96, 2),
    ...pick(64, 2),
    ...pick(32, 2),
    ...pick(24, 1),
  ];
  assert.ok(out.length >= 6, 'too few machine RGBA icons');
  return out;
}

test('opaque resize equals pamscale -filter=box within 1', (t) => {
  if (!requireTools(t, ['pngtopam', 'pamscale'], 'netpbm')) return;
  let compared = 0;
  for (const p of sources()) {
    // pngtopam without -alphapam: the colour channels only, an opaque image.
    const src = readPam(execFileSync('pngtopam', [p], { stdio: ['ignore', 'pipe', 'ignore'] }));
    for (const [w, h] of [
      [48, 48],
      [61, 37],
      [100, 70],
    ] as const) {
      const ours = resizeRgba(src, w, h);
      const ref = readPam(
        execFileSync(
          'bash',
          ['-o', 'pipefail', '-c', `pngtopam "$0" | pamscale -filter=box -width ${w} -height ${h}`, p],
          {
            stdio: ['ignore', 'pipe', 'ignore'],
          },
        ),
      );
      const worst = ours.data.reduce((m, v, i) => Math.max(m, Math.abs(v - ref.data[i]!)), 0);
      assert.ok(worst <= 1, `${p} → ${w}x${h}: differs from pamscale by ${worst}`);
      compared++;
    }
  }
  console.log(`resize: ${compared} opaque resizes within 1 of pamscale -filter=box`);
});

test('with alpha: mean colour and alpha kept through encode and libpng decode', (t) => {
  if (!requireTools(t, ['pngtopam'], 'netpbm')) return;
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-resize-'));
  try {
    let worst = 0;
    for (const p of sources()) {
      const src = decodePng(readFileSync(p), p);
      const out = join(dir, 'out.png');
      writeFileSync(out, encodePng(resizeRgba(src, 48, 48)));
      const a = meanColour(pngtopam(p));
      const b = meanColour(pngtopam(out));
      const d = Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
      worst = Math.max(worst, d);
      assert.ok(d <= 1, `${p}: mean [${a.map((v) => v.toFixed(2))}] became [${b.map((v) => v.toFixed(2))}]`);
    }
    console.log(
      `resize: ${sources().length} icons to 48x48, worst mean difference ${worst.toFixed(3)} / 255`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('transparent pixels do not bleed into the edge (premultiplied averaging)', () => {
  // Left half: transparent black. Right half: opaque red. Each 48x48 output pixel at the edge covers both.
  const w = 96;
  const data = new Uint8Array(w * w * 4);
  for (let i = 0; i < w * w; i++) if (i % w >= 47) data.set([255, 0, 0, 255], i * 4);
  const out = resizeRgba({ width: w, height: w, data }, 48, 48);
  const edge = out.data.subarray(23 * 4, 24 * 4); // covers source columns 46 (transparent) and 47 (red)
  assert.deepEqual([...edge], [255, 0, 0, 128]);
});

test('fitSquare keeps the aspect ratio, centred on transparency', () => {
  const data = new Uint8Array(300 * 200 * 4).fill(255);
  const out = fitSquare({ width: 300, height: 200, data }, 48);
  assert.equal(out.width, 48);
  assert.equal(out.height, 48);
  const alphaAt = (x: number, y: number) => out.data[(y * 48 + x) * 4 + 3];
  assert.equal(alphaAt(24, 7), 0); // 48x32 content starts at row 8
  assert.equal(alphaAt(24, 8), 255);
  assert.equal(alphaAt(24, 39), 255);
  assert.equal(alphaAt(24, 40), 0);
  assert.equal(alphaAt(0, 24), 255);
});
