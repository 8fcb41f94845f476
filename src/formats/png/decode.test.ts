/**
 * The decoder against libpng (through netpbm's `pngtopam -alphapam`): machine icons of every colour type they have,
 * and netpbm-made variants of the forms they lack (16-bit, interlaced, 1/2/4-bit grey and palette, tRNS keys).
 * Every pixel must equal libpng's. Damaged files must give the typed error, and libpng must refuse them too.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32, deflateSync } from 'node:zlib';
import { isPkgmeError } from '../../errors.ts';
import { requireTools } from '../../testing/env.ts';
import { decodePng } from './decode.ts';
import { NETPBM_TOOLS, netpbmVariants, pngtopam } from './netpbm-testkit.ts';
import { machinePngs } from './testkit.ts';

/** One machine icon per colour type (and the first RGBA one), as sources of the netpbm variants. */
function machineSamples(): { picked: string[]; rgba: string; palette: string; greyAlpha: string } {
  const all = machinePngs();
  const type = (p: string) => readFileSync(p).subarray(24, 26).join(',');
  const byType = new Map<string, string[]>();
  for (const p of all) byType.set(type(p), [...(byType.get(type(p)) ?? []), p]);
  // Every non-RGBA icon, every 40th RGBA one.
  const picked = [...byType.entries()].flatMap(([t, ps]) =>
    t === '8,6' ? ps.filter((_, i) => i % 40 === 0) : ps,
  );
  const first = (t: string) => {
    const p = byType.get(t)?.[0];
    assert.ok(p, `no machine PNG of bit depth,colour type ${t}`);
    return p;
  };
  return {
    picked,
    rgba: first('8,6'),
    palette: byType.get('4,3')?.[0] ?? first('8,3'),
    greyAlpha: first('8,4'),
  };
}

function assertSamePixels(path: string): void {
  const ours = decodePng(readFileSync(path), path);
  const libpng = pngtopam(path);
  assert.equal(ours.width, libpng.width, path);
  assert.equal(ours.height, libpng.height, path);
  const diff = ours.data.findIndex((v, i) => v !== libpng.data[i]);
  assert.equal(diff, -1, `${path}: first differing byte ${diff} (pixel ${diff >> 2}, channel ${diff & 3})`);
}

test('decoded pixels equal libpng (pngtopam) on machine icons and netpbm variants', (t) => {
  if (!requireTools(t, NETPBM_TOOLS, 'netpbm')) return;
  const s = machineSamples();
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-png-'));
  try {
    const variants = netpbmVariants(s, dir);
    for (const p of s.picked) assertSamePixels(p);
    for (const p of variants.values()) assertSamePixels(p);
    console.log(
      `decode: ${s.picked.length} machine icons + ${variants.size} netpbm variants pixel-identical to libpng`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Rewrites a chunk list (type + data), recomputing CRCs: damage the structure, not the checksums. */
function buildPng(chunks: Array<[string, Uint8Array]>): Uint8Array {
  const parts: Buffer[] = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])];
  for (const [type, data] of chunks) {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    parts.push(head, Buffer.from(data), crc);
  }
  return Buffer.concat(parts);
}

function ihdr(w: number, h: number, depth = 8, colour = 6, interlace = 0): Uint8Array {
  const b = Buffer.alloc(13);
  b.writeUInt32BE(w, 0);
  b.writeUInt32BE(h, 4);
  b.set([depth, colour, 0, 0, interlace], 8);
  return b;
}

/** Splits a real PNG into its chunks (type, data). */
function chunksOf(bytes: Uint8Array): Array<[string, Uint8Array]> {
  const out: Array<[string, Uint8Array]> = [];
  const b = Buffer.from(bytes);
  for (let pos = 8; pos < b.length;) {
    const len = b.readUInt32BE(pos);
    out.push([b.toString('latin1', pos + 4, pos + 8), b.subarray(pos + 8, pos + 8 + len)]);
    pos += 12 + len;
  }
  return out;
}

function errorCode(bytes: Uint8Array): string {
  try {
    decodePng(bytes, 'icon.png', { maxFileBytes: 1 << 20, maxPixels: 1 << 20 });
    return 'ok';
  } catch (err) {
    assert.ok(isPkgmeError(err), String(err));
    assert.match(err.message, /^icon\.png: /);
    return err.code;
  }
}

test('damaged PNGs give typed errors, and libpng refuses each of them', (t) => {
  const real = readFileSync(machineSamples().rgba);
  const chunks = chunksOf(real);
  const idat = Buffer.concat(chunks.filter(([t]) => t === 'IDAT').map(([, d]) => d));
  const others = chunks.filter(([t]) => t !== 'IDAT' && t !== 'IEND');
  const w = real.readUInt32BE(16);
  const h = real.readUInt32BE(20);
  const withIdat = (data: Uint8Array, head = others) =>
    buildPng([...head, ['IDAT', data], ['IEND', new Uint8Array(0)]]);
  const badFilter = Buffer.alloc(h * (w * 4 + 1));
  badFilter[0] = 7;
  const flippedCrc = Buffer.from(real);
  flippedCrc[real.length - 13] = flippedCrc[real.length - 13]! ^ 0xff; // the last IDAT chunk's CRC
  const cases: Array<[string, Uint8Array, string]> = [
    ['valid re-chunked', withIdat(idat), 'ok'],
    ['CRC mismatch in IDAT', flippedCrc, 'PNG_CORRUPT'],
    ['cut inside IDAT', real.subarray(0, real.length - 40), 'PNG_TRUNCATED'],
    ['IDAT zlib stream cut short', withIdat(idat.subarray(0, idat.length >> 1)), 'PNG_CORRUPT'],
    ['IDAT not zlib', withIdat(Buffer.from('not a zlib stream at all')), 'PNG_CORRUPT'],
    [
      'zlib bomb: 64 MiB of zeros behind a small IHDR',
      withIdat(deflateSync(Buffer.alloc(64 << 20), { level: 9 })),
      'PNG_CORRUPT',
    ],
    ['too little image data', withIdat(deflateSync(Buffer.alloc(10))), 'PNG_CORRUPT'],
    ['unknown filter type', withIdat(deflateSync(badFilter)), 'PNG_CORRUPT'],
    ['no IDAT', buildPng([...others, ['IEND', new Uint8Array(0)]]), 'PNG_CORRUPT'],
    ['no IEND', real.subarray(0, real.length - 12), 'PNG_TRUNCATED'],
    ['unknown critical chunk', withIdat(idat, [...others, ['ABCD', new Uint8Array(4)]]), 'PNG_CORRUPT'],
    [
      'palette without PLTE',
      buildPng([
        ['IHDR', ihdr(4, 4, 8, 3)],
        ['IDAT', deflateSync(Buffer.alloc(20))],
        ['IEND', new Uint8Array(0)],
      ]),
      'PNG_CORRUPT',
    ],
    [
      'giant: 20000x20000 (tiny IDAT)',
      buildPng([
        ['IHDR', ihdr(20000, 20000)],
        ['IDAT', deflateSync(Buffer.alloc(1))],
        ['IEND', new Uint8Array(0)],
      ]),
      'PNG_TOO_LARGE',
    ],
    ['file over the byte limit', Buffer.concat([real, Buffer.alloc(1 << 20)]), 'PNG_TOO_LARGE'],
  ];
  const start = process.memoryUsage().rss;
  for (const [what, bytes, code] of cases) assert.equal(errorCode(bytes), code, what);
  assert.ok(
    process.memoryUsage().rss - start < 64 << 20,
    'bounded inflate: the bomb did not inflate in memory',
  );
  // libpng is the oracle: it must refuse each damaged file too, except that it only warns about a zlib stream that
  // inflates to more than the header implies (it decodes the first bytes); pkgme refuses that as a likely bomb.
  if (!requireTools(t, ['pngtopam'], 'netpbm')) return;
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-png-bad-'));
  try {
    for (const [what, bytes, code] of cases) {
      if (what === 'file over the byte limit') continue; // a size policy, not a format error
      const path = join(dir, 'x.png');
      writeFileSync(path, bytes);
      const r = spawnSync('pngtopam', [path], { encoding: 'latin1', maxBuffer: 1 << 28 });
      const refused = r.status !== 0 || /Too much image data/.test(r.stderr);
      assert.equal(refused, code !== 'ok', `${what}: libpng says ${r.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
