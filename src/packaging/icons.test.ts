/**
 * iconFiles on uploads made of the machine's real icons. Oracles: netpbm (libpng) decodes every PNG we write,
 * pngcheck validates it, a 48x48 made from a 512x512 theme icon keeps its mean colour and matches pamscale's alpha
 * plane, librsvg (`rsvg-convert`, what GNOME draws icons with) is the reference for rasterised SVGs. Bad input
 * (corrupt, giant, bombed, external-referencing icons) must give the typed warning naming the file, never a crash.
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { crc32, deflateSync } from 'node:zlib';
import type { Problem } from '../backends/types.ts';
import { decodePng, type RgbaImage } from '../formats/png/decode.ts';
import { meanColour, pngtopam, readPam } from '../formats/png/netpbm-testkit.ts';
import { planIcons } from '../inspect/guess/icons.ts';
import { inventoryTree } from '../inspect/inventory.ts';
import { requireTools } from '../testing/env.ts';
import { iconFiles, svgExternalReference, type IconFile } from './icons.ts';

const ADWAITA = '/usr/share/icons/Adwaita';
const GVIM_SVG = '/usr/share/icons/hicolor/scalable/apps/gvim.svg';
const tmp = mkdtempSync(join(tmpdir(), 'pkgme-iconfiles-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** An upload dir: upload path → bytes or a machine file to copy. */
function upload(files: Record<string, string | Uint8Array>): string {
  const root = mkdtempSync(join(tmp, 'up-'));
  for (const [rel, src] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    if (typeof src === 'string') copyFileSync(src, join(root, rel));
    else writeFileSync(join(root, rel), src);
  }
  return root;
}

async function run(root: string, iconName = 'myapp', limits?: Parameters<typeof iconFiles>[4]) {
  const plan = planIcons(root, inventoryTree(root).entries, 'myapp', 'myapp');
  const problems: Problem[] = [];
  const files = await iconFiles(root, plan, iconName, problems, limits);
  return { plan, files, problems, codes: problems.map((p) => p.code) };
}

function generated(files: IconFile[], to: string): Uint8Array {
  const f = files.find((x) => x.to === to);
  assert.ok(f && 'data' in f, `no generated ${to} in ${JSON.stringify(files.map((x) => x.to))}`);
  return f.data;
}

/** Mean absolute difference per sample of premultiplied pixels, 0..255. */
function pixelDistance(a: RgbaImage, b: RgbaImage): number {
  let d = 0;
  for (let i = 0; i < a.data.length; i++) {
    const pa = (i & 3) === 3 ? a.data[i]! : (a.data[i]! * a.data[i | 3]!) / 255;
    const pb = (i & 3) === 3 ? b.data[i]! : (b.data[i]! * b.data[i | 3]!) / 255;
    d += Math.abs(pa - pb);
  }
  return d / a.data.length;
}

/** Writes our PNG to disk and checks it with pngcheck and libpng; returns libpng's pixels. */
function libpngView(png: Uint8Array, name: string): RgbaImage {
  const path = join(tmp, name);
  writeFileSync(path, png);
  assert.match(execFileSync('pngcheck', [path], { encoding: 'utf8' }), /^OK: /);
  return pngtopam(path);
}

const H48 = 'usr/share/icons/hicolor/48x48/apps/myapp.png';

test('48x48 made from the smallest size above it: libpng reads it, mean colour and alpha kept', async (t) => {
  if (!requireTools(t, ['pngcheck', 'pngtopam', 'pamscale'], 'pngcheck netpbm')) return;
  const names = readdirSync(join(ADWAITA, '512x512/places'))
    .filter((f) => !f.includes('symbolic'))
    .filter((_, i) => i % 3 === 0);
  for (const name of names) {
    const big = join(ADWAITA, '512x512/places', name);
    const root = upload({
      'myapp/icons/16/myapp.png': join(ADWAITA, '16x16/places', name),
      'myapp/icons/32/myapp.png': join(ADWAITA, '32x32/places', name),
      'myapp/icons/512/myapp.png': big,
    });
    const { files, problems } = await run(root);
    assert.deepEqual(problems, []);
    assert.deepEqual(files.map((f) => f.to).sort(), [
      'usr/share/icons/hicolor/16x16/apps/myapp.png',
      'usr/share/icons/hicolor/32x32/apps/myapp.png',
      H48,
      'usr/share/icons/hicolor/512x512/apps/myapp.png',
    ]);
    const ours = libpngView(generated(files, H48), `${name}-48.png`);
    const [m1, m2] = [meanColour(ours), meanColour(pngtopam(big))];
    const meanDiff = Math.max(...m1.map((v, i) => Math.abs(v - m2[i]!)));
    assert.ok(
      meanDiff <= 1,
      `${name}: mean ${m1.map((v) => v.toFixed(1))} vs source ${m2.map((v) => v.toFixed(1))}`,
    );
    // Alpha is averaged as it is by any area filter: pamscale's alpha plane must agree within 1.
    const ref = readPam(
      execFileSync('bash', [
        '-o',
        'pipefail',
        '-c',
        'pngtopam -alphapam "$0" | pamscale -filter=box -width 48 -height 48',
        big,
      ]),
    );
    const alphaOff = ours.data.reduce(
      (m, v, i) => ((i & 3) === 3 ? Math.max(m, Math.abs(v - ref.data[i]!)) : m),
      0,
    );
    assert.ok(alphaOff <= 1, `${name}: alpha differs from pamscale by ${alphaOff}`);
    // Reproducible: a second run gives the same bytes.
    assert.deepEqual(generated((await run(root)).files, H48), generated(files, H48));
  }
  assert.ok(names.length >= 3, `only ${names.length} Adwaita places icons`);
  console.log(
    `iconFiles: ${names.length} Adwaita icons 512→48: mean kept within 1/255, alpha = pamscale ±1, reproducible`,
  );
});

test('SVG-only upload: 48x48 rasterised, close to librsvg', async (t) => {
  if (!requireTools(t, ['rsvg-convert', 'pngcheck', 'pngtopam'], 'librsvg2-bin pngcheck netpbm')) return;
  const svgs = [
    GVIM_SVG,
    ...readdirSync(join(ADWAITA, 'scalable/places'))
      .filter((_, i) => i % 4 === 0)
      .map((f) => join(ADWAITA, 'scalable/places', f)),
  ];
  let worst = 0;
  for (const [i, svg] of svgs.entries()) {
    const root = upload({ 'share/myapp.svg': svg });
    const { files, problems } = await run(root);
    assert.deepEqual(problems, [], svg);
    assert.deepEqual(files.map((f) => f.to).sort(), [H48, 'usr/share/icons/hicolor/scalable/apps/myapp.svg']);
    const ours = libpngView(generated(files, H48), `svg-${i}.png`);
    const ref = join(tmp, `rsvg-${i}.png`);
    execFileSync('rsvg-convert', ['-w', '48', '-h', '48', '-o', ref, svg]);
    const d = pixelDistance(ours, pngtopam(ref));
    worst = Math.max(worst, d);
    assert.ok(d < 3, `${svg}: mean pixel distance ${d.toFixed(2)} from rsvg-convert`);
  }
  console.log(
    `iconFiles: ${svgs.length} SVGs rasterised, worst mean distance from librsvg ${worst.toFixed(3)}/255`,
  );
});

test('a non-square PNG is fitted, centred on transparency', async () => {
  const src = decodePng(readFileSync(join(ADWAITA, '512x512/places/folder.png')));
  // 512x256: the top half of a real icon, cut by our own tools is fine here: the oracle is the geometry.
  const half = { width: 512, height: 256, data: src.data.subarray(0, 512 * 256 * 4) };
  const { encodePng } = await import('../formats/png/encode.ts');
  const root = upload({ 'myapp.png': encodePng(half) });
  const { files, codes } = await run(root);
  assert.ok(
    codes.every((c) => c === 'ICON'),
    codes.join(),
  );
  const out = decodePng(generated(files, H48));
  const rowAlpha = (y: number) => out.data.subarray(y * 192, (y + 1) * 192).filter((_, i) => i % 4 === 3);
  assert.ok(
    rowAlpha(11).every((a) => a === 0),
    'rows above the 48x24 content are transparent',
  );
  assert.ok(
    rowAlpha(36).every((a) => a === 0),
    'rows below are transparent',
  );
  assert.ok(rowAlpha(30).some((a) => a > 0));
});

/** A PNG from chunks, CRCs computed: for structurally valid files with hostile content. */
function png(w: number, h: number, idat: Uint8Array, extra: Array<[string, Uint8Array]> = []): Buffer {
  const chunk = (type: string, data: Uint8Array) => {
    const b = Buffer.alloc(12 + data.length);
    b.writeUInt32BE(data.length, 0);
    b.write(type, 4, 'latin1');
    b.set(data, 8);
    b.writeUInt32BE(crc32(b.subarray(4, 8 + data.length)), 8 + data.length);
    return b;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...extra.map(([t, d]) => chunk(t, d)),
    chunk('IDAT', idat),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** An SVG whose data: image is a PNG claiming 20000x20000 (RGB): small, but resvg allocates all of it. */
function embeddedBomb(): Uint8Array {
  const inner = png(20000, 20000, deflateSync(Buffer.alloc(60001 * 100)));
  inner[25] = 2; // colour type RGB (IHDR byte 9), CRC fixed below
  inner.writeUInt32BE(crc32(inner.subarray(12, 29)), 29);
  const href = `data:image/png;base64,${inner.toString('base64')}`;
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48"><image width="48" height="48" href="${href}"/></svg>`,
  );
}

test('corrupt, giant and bombed icons: typed warnings naming the file, the rest still packaged', async () => {
  const real48 = readFileSync(join(ADWAITA, '48x48/places/folder.png'));
  const badCrc = Buffer.from(real48);
  badCrc[badCrc.length - 13] = badCrc[badCrc.length - 13]! ^ 0xff; // the last IDAT's CRC
  const cases: Array<{
    what: string;
    files: Record<string, string | Uint8Array>;
    codes: string[];
    to: string[];
    message?: RegExp;
  }> = [
    {
      what: 'corrupt 48x48 beside a good 512x512: dropped, and a fresh 48x48 made from the 512',
      files: {
        'icons/48/myapp.png': badCrc,
        'icons/512/myapp.png': join(ADWAITA, '512x512/places/folder.png'),
      },
      codes: ['ICON_CORRUPT'],
      to: [H48, 'usr/share/icons/hicolor/512x512/apps/myapp.png'],
    },
    {
      what: 'giant 20000x20000 header (tiny file)',
      files: { 'myapp.png': png(20000, 20000, deflateSync(Buffer.alloc(10))) },
      codes: ['ICON_TOO_LARGE', 'ICON_MISSING'],
      to: [],
    },
    {
      what: 'zlib bomb: a 512x512 header, IDAT inflating to 64 MiB (64 times what IHDR implies)',
      files: { 'myapp.png': png(512, 512, deflateSync(Buffer.alloc(64 << 20), { level: 9 })) },
      codes: ['ICON_CORRUPT', 'ICON_MISSING'],
      to: [],
    },
    {
      what: 'truncated file (header intact)',
      files: { 'myapp.png': real48.subarray(0, 200) },
      codes: ['ICON_CORRUPT', 'ICON_MISSING'],
      to: [],
    },
    {
      what: 'not a PNG at all, named .png, beside a good SVG',
      files: { 'myapp.png': Buffer.from('GIF89a...'), 'myapp.svg': GVIM_SVG },
      codes: ['ICON_CORRUPT'],
      to: [H48, 'usr/share/icons/hicolor/scalable/apps/myapp.svg'],
    },
    {
      what: 'SVG reading a file from the build machine: shipped, not rasterised; 48x48 from the PNG',
      files: {
        'myapp.svg': Buffer.from(
          '<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48"><image width="48" height="48" href="/usr/share/icons/Adwaita/48x48/places/folder.png"/></svg>',
        ),
        'myapp-512.png': join(ADWAITA, '512x512/places/folder.png'),
      },
      codes: ['ICON_SVG_EXTERNAL'],
      to: [
        H48,
        'usr/share/icons/hicolor/512x512/apps/myapp.png',
        'usr/share/icons/hicolor/scalable/apps/myapp.svg',
      ],
    },
    {
      what: 'SVG with a NUL byte (resvg-js would abort the process on its error message)',
      files: {
        'myapp.svg': Buffer.from(
          '<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48"><g a\u0000="1"/></svg>',
        ),
      },
      codes: ['ICON_CORRUPT', 'ICON_MISSING'],
      to: [],
    },
    {
      what: 'SVG that makes resvg-js abort (tiny-skia panic on a far-away vertex; librsvg draws it): shipped, 48 from PNG',
      files: {
        'myapp.svg': Buffer.from(
          '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><path d="M 7 0 L -17449219 0 L 0 16 Z"/></svg>',
        ),
        'myapp-512.png': join(ADWAITA, '512x512/places/folder.png'),
      },
      codes: ['ICON_RENDERER'],
      to: [
        H48,
        'usr/share/icons/hicolor/512x512/apps/myapp.png',
        'usr/share/icons/hicolor/scalable/apps/myapp.svg',
      ],
      message: /^myapp\.svg: not rasterised: the renderer crashed \(SIGABRT\)/,
    },
    {
      what: 'SVG embedding a 20000x20000 PNG (11 KiB, 1.2 GB to decode): renderer memory limit, SVG not shipped',
      files: { 'myapp.svg': embeddedBomb(), 'myapp-512.png': join(ADWAITA, '512x512/places/folder.png') },
      codes: ['ICON_TOO_LARGE'],
      to: [H48, 'usr/share/icons/hicolor/512x512/apps/myapp.png'],
      message: /^myapp\.svg: icon not used: rendering needs more than 1024 MiB/,
    },
    {
      what: 'SVG that resvg cannot parse',
      files: {
        'myapp.svg': Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48"><g>'),
      },
      codes: ['ICON_CORRUPT', 'ICON_MISSING'],
      to: [],
    },
  ];
  const rss = process.memoryUsage().rss;
  for (const c of cases) {
    const root = upload(c.files);
    const { files, problems, codes } = await run(root);
    assert.deepEqual(codes, c.codes, `${c.what}: ${JSON.stringify(problems)}`);
    assert.deepEqual(files.map((f) => f.to).sort(), c.to.sort(), c.what);
    if (c.message) assert.match(problems[0]!.message, c.message, c.what);
    for (const p of problems.filter((x) => x.code !== 'ICON_MISSING')) {
      assert.ok(
        Object.keys(c.files).some((f) => p.message.startsWith(`${f}: `)),
        `names the file: ${p.message}`,
      );
      assert.ok(p.hint && p.hint.length > 20, 'says how to fix it');
    }
  }
  assert.ok(process.memoryUsage().rss - rss < 128 << 20, 'the bombs did not inflate in memory');
});

test('a file over the byte limit is refused before it is read', async () => {
  const big = png(512, 512, deflateSync(Buffer.alloc(512 * 513 * 4)), [['zzZz', Buffer.alloc(300_000)]]);
  const root = upload({ 'icons/512/myapp.png': big });
  const limits = { maxFileBytes: 256 << 10, maxPixels: 1 << 20, maxSvgBytes: 1 << 20 };
  const { files, codes } = await run(root, 'myapp', limits);
  assert.deepEqual(codes, ['ICON_TOO_LARGE', 'ICON_MISSING']);
  assert.deepEqual(files, []);
});

test('icon name from the caller: placements renamed', async () => {
  const root = upload({ 'myapp.svg': GVIM_SVG, 'myapp-48.png': join(ADWAITA, '48x48/places/folder.png') });
  const { files } = await run(root, 'org.example.App');
  assert.deepEqual(files.map((f) => f.to).sort(), [
    'usr/share/icons/hicolor/48x48/apps/org.example.App.png',
    'usr/share/icons/hicolor/scalable/apps/org.example.App.svg',
  ]);
  assert.ok(
    files.every((f) => 'from' in f),
    'the upload had a 48x48: nothing generated',
  );
});

test('svgExternalReference accepts only same-document references and embedded rasters', () => {
  const ok = [
    '<svg><use href="#a"/><rect fill="url(#g)"/><image href="data:image/png;base64,AAAA"/></svg>',
    '<svg xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href=" #b"/></svg>',
  ];
  const bad = [
    '<svg><image href="/etc/icon.png"/></svg>',
    "<svg><image xlink:href='file:///x.png'/></svg>",
    '<svg><image HREF="x.png"/></svg>',
    '<svg><image href="&ent;"/></svg>',
    '<svg><image href="data:image/svg+xml;base64,AAAA"/></svg>',
    '<svg><rect style="fill:url(/x.svg#p)"/></svg>',
    '<!DOCTYPE svg [<!ENTITY e SYSTEM "file:///etc/passwd">]><svg/>',
  ];
  for (const s of ok) assert.equal(svgExternalReference(s), null, s);
  for (const s of bad) assert.notEqual(svgExternalReference(s), null, s);
});
