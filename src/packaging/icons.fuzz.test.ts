/**
 * Fuzz the SVG rasterising path (resvg in its child process, behind our reference check) with the machine's real
 * SVG icons as seeds: a mutated document must render or give a typed error (SVG_CORRUPT, SVG_TOO_LARGE, or a PNG
 * error from decoding resvg's output), never an untyped exception, a hang or runaway memory. This target found the
 * two resvg-js process aborts (a NUL in a parse error message, a tiny-skia panic) that made rendering move into a
 * child process. One input costs a node start (~0.1 s), so few inputs run in the default budget.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzz } from '../testing/fuzz.ts';
import { rasteriseSvg, svgExternalReference } from './icons.ts';

/** Up to 12 real SVG icons: hicolor's (full colour) and Adwaita's scalable ones (symbolic, CSS classes). */
function seeds(): Uint8Array[] {
  const svgs = (dir: string): string[] => {
    try {
      return readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.svg'))
        .sort()
        .map((f) => join(dir, f));
    } catch {
      return [];
    }
  };
  const paths = [...svgs('/usr/share/icons/hicolor'), ...svgs('/usr/share/icons/Adwaita/scalable')];
  return paths.filter((_, i) => i % Math.ceil(paths.length / 12) === 0).map((p) => readFileSync(p));
}

test('fuzz SVG rasterising', async () => {
  const all = seeds();
  assert.ok(all.length > 0, 'no SVG icons on the machine');
  await fuzz({
    name: 'svg-rasterise',
    seeds: all,
    maxLen: 256 * 1024,
    perInputMs: 25_000,
    run: (input) => {
      // As iconFiles does: documents that reference anything outside themselves are never rendered.
      if (svgExternalReference(new TextDecoder().decode(input)) !== null) return null;
      return rasteriseSvg(input, 'fuzz.svg', 48);
    },
  });
});
