/**
 * Oracle: `file -b` over every PNG under /usr/share/icons and /usr/share/pixmaps. file(1) prints
 * "PNG image data, W x H, D-bit/color RGBA, non-interlaced"; our header must agree on size, depth, colour type and
 * interlacing for every file.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requireTools } from '../../testing/env.ts';
import { readPngHeader, type PngHeader } from './png.ts';
import { machinePngs } from './testkit.ts';

const FILE_COLOUR: Record<string, PngHeader['colourType']> = {
  '/color RGBA': 'rgba',
  '/color RGB': 'rgb',
  ' colormap': 'palette',
  ' grayscale': 'grey',
  ' gray+alpha': 'grey-alpha',
};

function fromFile(desc: string): Omit<PngHeader, 'giant'> {
  const m =
    /^PNG image data, (\d+) x (\d+), (\d+)-bit(\/color RGBA|\/color RGB| colormap| grayscale| gray\+alpha), (non-interlaced|interlaced)/.exec(
      desc,
    );
  assert.ok(m, `unexpected file(1) output: ${desc}`);
  return {
    width: Number(m[1]),
    height: Number(m[2]),
    bitDepth: Number(m[3]),
    colourType: FILE_COLOUR[m[4]!]!,
    interlaced: m[5] === 'interlaced',
  };
}

test('PNG header agrees with file(1) on every machine icon', (t) => {
  if (!requireTools(t, ['file'], 'file')) return;
  const files = machinePngs();
  assert.ok(files.length > 0, 'no PNG under /usr/share/icons or /usr/share/pixmaps');
  let compared = 0;
  for (let i = 0; i < files.length; i += 500) {
    const batch = files.slice(i, i + 500);
    const out = execFileSync('file', ['-b', '--', ...batch], { encoding: 'utf8', maxBuffer: 1 << 26 })
      .trimEnd()
      .split('\n');
    assert.equal(out.length, batch.length);
    for (const [j, path] of batch.entries()) {
      const { giant, ...ours } = readPngHeader(readFileSync(path), path);
      assert.deepEqual(ours, fromFile(out[j]!), path);
      assert.equal(giant, ours.width > 4096 || ours.height > 4096);
      compared++;
    }
  }
  console.log(`png: ${compared} machine PNGs, header identical to file(1)`);
});
