/**
 * Icons: placement checked against the machine's icon themes (a theme packager put each PNG in its <W>x<H>
 * directory: our plan must put a copy in the same size directory), SVG sizes of every machine SVG, typed errors.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32 } from 'node:zlib';
import { isPkgmeError } from '../../errors.ts';
import { inventoryTree } from '../inventory.ts';
import { HICOLOR_SIZES, planIcons, readSvgSize, resizeSources, type IconCandidate } from './icons.ts';

const THEMES = '/usr/share/icons';

/** theme-relative PNG paths grouped by file name, from `<theme>/<W>x<H>/<context>/<name>.png`. */
function themePngs(): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  for (const theme of readdirSync(THEMES)) {
    let sizes: string[] = [];
    try {
      sizes = readdirSync(join(THEMES, theme)).filter((d) => /^\d+x\d+$/.test(d));
    } catch {
      continue;
    }
    for (const size of sizes)
      for (const ctx of readdirSync(join(THEMES, theme, size)))
        for (const f of readdirSync(join(THEMES, theme, size, ctx)))
          if (f.endsWith('.png')) byName.set(f, [...(byName.get(f) ?? []), join(theme, size, ctx, f)]);
  }
  return byName;
}

function upload(files: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'pkgme-icons-'));
  for (const rel of files) {
    const size = rel.split('/')[1]!;
    mkdirSync(join(root, 'myapp/share', size), { recursive: true });
    copyFileSync(join(THEMES, rel), join(root, 'myapp/share', size, 'myapp.png'));
  }
  mkdirSync(join(root, 'myapp/resources'), { recursive: true });
  copyFileSync(join(THEMES, files[0]!), join(root, 'myapp/resources/toolbar-button.png'));
  return root;
}

test('hicolor placement matches the size directories of the machine themes', () => {
  const byName = themePngs();
  // The icon shipped at the most sizes, one file per size directory.
  let best: string[] = [];
  for (const paths of byName.values()) {
    const perSize = new Map(paths.map((p) => [p.split('/')[1]!, p]));
    if (perSize.size > best.length) best = [...perSize.values()];
  }
  assert.ok(best.length >= 2, 'need an icon at two sizes or more in /usr/share/icons');
  const root = upload(best);
  const plan = planIcons(root, inventoryTree(root).entries, 'MyApp', 'myapp');
  const standard = best.filter((p) =>
    (HICOLOR_SIZES as readonly number[]).includes(Number(p.split('/')[1]!.split('x')[0])),
  );
  const want = standard.map((p) => `usr/share/icons/hicolor/${p.split('/')[1]}/apps/myapp.png`).sort();
  assert.deepEqual(plan.placements.map((p) => p.to).sort(), want);
  for (const p of plan.placements)
    assert.equal(p.to.split('/')[4], p.from.split('/')[2], 'source dir = target dir');
  assert.equal(plan.warnings.length, best.length - standard.length, plan.warnings.join('\n'));
  assert.equal(
    plan.placements.some((p) => p.from.includes('toolbar-button')),
    false,
  );
  assert.equal(plan.actions.length, standard.some((p) => p.includes('/48x48/')) ? 0 : 1);
  assert.equal(plan.name?.value, 'myapp');
  // Without the 48x48 file, the plan asks for a resize.
  const no48 = best.filter((p) => !p.includes('/48x48/'));
  const root2 = upload(no48);
  const plan2 = planIcons(root2, inventoryTree(root2).entries, 'MyApp', 'myapp');
  assert.equal(plan2.actions.length, 1);
  assert.match(plan2.actions[0]!, /48x48\/apps\/myapp\.png by resizing/);
  console.log(
    `icons: ${best.length} theme sizes of one icon, ${plan.placements.length} placed as the theme placed them, ${plan.warnings.length} non-standard warned`,
  );
});

function machineSvgs(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.isFile() && e.name.endsWith('.svg')) out.push(join(d, e.name));
    }
  };
  walk(THEMES);
  return out;
}

test('every machine SVG icon has a size', () => {
  const svgs = machineSvgs();
  let sized = 0;
  for (const p of svgs) {
    const s = readSvgSize(readFileSync(p), p);
    if ((s.width ?? s.viewBox?.[2] ?? 0) > 0 && (s.height ?? s.viewBox?.[3] ?? 0) > 0) sized++;
  }
  console.log(`icons: ${svgs.length} machine SVGs parsed, ${sized} with a size`);
  assert.equal(sized, svgs.length);
});

test('SVG reader: DOCTYPE entities ignored, prefixes, errors', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const dtd = `<?xml version="1.0"?>\n<!-- c -->\n<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<svg width="&x;" height="32px" viewBox="0 0 32 32">&x;</svg>`;
  assert.deepEqual(readSvgSize(enc(dtd)), { width: null, height: 32, viewBox: [0, 0, 32, 32] });
  assert.equal(readSvgSize(enc(`<svg:svg xmlns:svg="x" width='10' height='20'/>`)).height, 20);
  const code = (s: string) => {
    try {
      readSvgSize(enc(s));
      return 'ok';
    } catch (e) {
      assert.ok(isPkgmeError(e));
      return e.code;
    }
  };
  assert.equal(code('<html/>'), 'SVG_NOT_SVG');
  assert.equal(code('<!-- never ends'), 'SVG_CORRUPT');
  assert.equal(code('<svg width="1"'), 'SVG_CORRUPT');
});

test('no icon at all, and a damaged PNG, are reported', () => {
  const root = mkdtempSync(join(tmpdir(), 'pkgme-icons-none-'));
  writeFileSync(join(root, 'broken.png'), 'not a png');
  const plan = planIcons(root, inventoryTree(root).entries, 'x', 'x');
  assert.equal(plan.name, null);
  assert.equal(plan.candidates[0]?.error?.code, 'PNG_NOT_PNG');
  assert.equal(plan.actions.length, 1);
});

test('resizeSources: SVG, then the smallest PNG ≥ 48, then the largest smaller one; squares first; unreadable out', () => {
  const c = (path: string, width: number | null, height: number | null, extra: Partial<IconCandidate> = {}) =>
    ({
      path,
      format: path.endsWith('.svg') ? 'svg' : 'png',
      width,
      height,
      score: 0,
      ...extra,
    }) as IconCandidate;
  const order = resizeSources([
    c('a-16.png', 16, 16),
    c('a-32.png', 32, 32),
    c('a-300x200.png', 300, 200),
    c('a-512.png', 512, 512),
    c('a-64.png', 64, 64),
    c('a-40x20.png', 40, 20),
    c('a.svg', null, null),
    c('broken.png', null, null, { error: { code: 'PNG_CORRUPT', message: 'x' } }),
  ]).map((x) => x.path);
  assert.deepEqual(order, [
    'a.svg',
    'a-64.png',
    'a-512.png',
    'a-300x200.png',
    'a-32.png',
    'a-16.png',
    'a-40x20.png',
  ]);
});

test('issues: the warnings typed, same messages, each with a fix', () => {
  const root = mkdtempSync(join(tmpdir(), 'pkgme-icons-issues-'));
  const real = readFileSync('/usr/share/icons/hicolor/48x48/apps/openjdk-17.png');
  writeFileSync(join(root, 'broken.png'), real.subarray(0, 20));
  // A giant 5000x5000 header (CRC recomputed) and a 300x300 PNG: the first gets ICON_TOO_LARGE and ICON_SIZE.
  const giant = Uint8Array.prototype.slice.call(real) as Uint8Array;
  const view = new DataView(giant.buffer);
  view.setUint32(16, 5000);
  view.setUint32(20, 5000);
  view.setUint32(29, crc32(giant.subarray(12, 29)));
  writeFileSync(join(root, 'x.png'), giant);
  const plan = planIcons(root, inventoryTree(root).entries, 'x', 'x');
  assert.deepEqual(
    plan.issues?.map((i) => i.code),
    ['ICON_CORRUPT', 'ICON_TOO_LARGE', 'ICON_SIZE'],
  );
  assert.deepEqual(
    plan.issues?.map((i) => i.message),
    plan.warnings,
  );
  assert.match(plan.warnings[0]!, /^broken\.png: /);
  assert.ok(plan.issues?.every((i) => i.hint.length > 20));
});
