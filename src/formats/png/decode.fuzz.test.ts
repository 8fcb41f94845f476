/**
 * Fuzz the PNG decoder with real icons of every form as seeds (machine icons of each colour type, plus netpbm-made
 * 16-bit, interlaced, low-bit grey/palette and tRNS variants when netpbm is installed). Two targets: the raw mutated
 * bytes (mostly stopped by a CRC), and the same with every chunk CRC recomputed after mutation, so the damage
 * reaches IHDR fields, PLTE/tRNS, the zlib stream, filters and Adam7 passes. Only typed errors, bounded memory.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { fuzz } from '../../testing/fuzz.ts';
import { decodePng, type DecodeLimits } from './decode.ts';
import { netpbmVariants } from './netpbm-testkit.ts';
import { machinePngs } from './testkit.ts';

/** Small limits keep each input's cost low: 1 Mpx is already far more than any seed. */
const LIMITS: DecodeLimits = { maxFileBytes: 1 << 20, maxPixels: 1 << 20 };

function seeds(): Uint8Array[] {
  const byType = new Map<string, string>();
  for (const p of machinePngs()) {
    const b = readFileSync(p);
    const key = `${b.subarray(24, 26).join(',')},${b.readUInt32BE(16) > 64 ? 'big' : 'small'}`;
    if (!byType.has(key)) byType.set(key, p);
  }
  const paths = [...byType.values()];
  assert.ok(paths.length > 0, 'no PNG seeds on the machine');
  const out = paths.map((p) => new Uint8Array(readFileSync(p)));
  if (spawnSync('pngtopam', ['-version']).error) return out; // variants are extra seeds, not an oracle here
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-png-fuzz-'));
  try {
    const small = paths.filter((p) => readFileSync(p).readUInt32BE(16) <= 64);
    const find = (t: string) => small.find((p) => readFileSync(p).subarray(24, 26).join(',') === t);
    const rgba = find('8,6');
    const palette = find('4,3') ?? find('8,3');
    const greyAlpha = find('8,4');
    if (rgba && palette && greyAlpha)
      for (const v of netpbmVariants({ rgba, palette, greyAlpha }, dir).values()) out.push(readFileSync(v));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/** Recomputes each chunk's CRC where the chunk structure still holds (lengths within the file). */
function fixCrcs(input: Uint8Array): Uint8Array {
  const b = Buffer.from(input);
  for (let pos = 8; pos + 12 <= b.length;) {
    const len = b.readUInt32BE(pos);
    if (pos + 12 + len > b.length) break;
    b.writeUInt32BE(crc32(b.subarray(pos + 4, pos + 8 + len)), pos + 8 + len);
    pos += 12 + len;
  }
  return b;
}

const all = seeds();

test('fuzz PNG decoder (raw mutations)', async () => {
  await fuzz({ name: 'png-decode', seeds: all, run: (input) => decodePng(input, 'fuzz.png', LIMITS) });
});

test('fuzz PNG decoder (CRCs fixed after mutation)', async () => {
  await fuzz({
    name: 'png-decode-crc-fixed',
    seeds: all,
    run: (input) => decodePng(fixCrcs(input), 'fuzz.png', LIMITS),
  });
});
