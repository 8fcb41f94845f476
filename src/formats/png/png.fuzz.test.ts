/** Fuzz the PNG header reader with real icons from the machine (different sizes and colour types). */
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzz } from '../../testing/fuzz.ts';
import { machinePngs } from './testkit.ts';
import { readPngHeader } from './png.ts';

test('fuzz PNG header', async () => {
  const all = machinePngs();
  assert.ok(all.length > 0, 'no PNG seeds on the machine');
  // One seed per distinct (size, type) prefix, at most 16: variety without thousands of near-identical seeds.
  const seen = new Set<string>();
  const seeds: Uint8Array[] = [];
  for (const p of all) {
    const b = readFileSync(p);
    const key = b.subarray(16, 26).toString('hex');
    if (seen.has(key)) continue;
    seen.add(key);
    seeds.push(b.subarray(0, 4096));
    if (seeds.length >= 16) break;
  }
  await fuzz({ name: 'png-header', seeds, run: (input) => readPngHeader(input) });
});
