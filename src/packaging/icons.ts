/**
 * The icon files of the package (issue 4 "Icons", "Bad input"): the upload's icons at their real hicolor sizes, and
 * the 48x48 PNG every desktop looks up, made when the upload lacks it.
 *
 * Why every placed PNG is decoded: a header can be valid while the pixels are not (bad CRC, truncated or bombed
 * IDAT); shipping such a file gives a broken icon on the user's desktop, so it is left out with a warning
 * (ICON_CORRUPT, ICON_TOO_LARGE) that names the file and the fix, and packaging goes on. Decoding is bounded
 * (src/formats/png/decode.ts limits).
 *
 * The 48x48 PNG comes from the first source in `resizeSources` order that works: the SVG rasterised by resvg, else a
 * PNG scaled by area averaging (src/formats/png/resize.ts). Both are re-encoded by our reproducible encoder, so a
 * rebuild gives the same bytes. SVG rasterising is sandboxed by refusing documents that reference anything outside
 * themselves (resvg would read an `<image href="/abs/path">` from the build machine's disk), by not loading
 * system fonts (text would depend on the machine's fonts; icons draw text as paths), and by running resvg in a
 * child process with a time limit (some malformed documents abort resvg-js's whole process).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { isPkgmeError, PkgmeError } from '../errors.ts';
import type { Problem } from '../backends/types.ts';
import {
  DEFAULT_DECODE_LIMITS,
  decodePng,
  type DecodeLimits,
  type RgbaImage,
} from '../formats/png/decode.ts';
import { encodePng } from '../formats/png/encode.ts';
import { fitSquare } from '../formats/png/resize.ts';
import {
  ICON_FIX,
  RESIZE_TARGET,
  resizeSources,
  type IconCandidate,
  type IconPlan,
} from '../inspect/guess/icons.ts';

export type IconFile = { to: string; data: Uint8Array } | { from: string; to: string };

/** An SVG larger than this is not rasterised or shipped: real icons are tens of KiB, rarely 1 MiB. */
export const MAX_SVG_BYTES = 8 << 20;

export interface IconLimits extends DecodeLimits {
  maxSvgBytes: number;
}

const DEFAULT_LIMITS: IconLimits = { ...DEFAULT_DECODE_LIMITS, maxSvgBytes: MAX_SVG_BYTES };

function problem(
  code: 'ICON_TOO_LARGE' | 'ICON_CORRUPT' | 'ICON_SVG_EXTERNAL' | 'ICON_MISSING' | 'ICON_RENDERER',
  message: string,
  hint: string,
): Problem {
  return { severity: 'warning', code, message, hint };
}

/** A typed decode/rasterise failure as the warning the report shows. */
function asProblem(path: string, err: PkgmeError): Problem {
  return err.code === 'PNG_TOO_LARGE' || err.code === 'SVG_TOO_LARGE'
    ? problem(
        'ICON_TOO_LARGE',
        `${path}: icon not used: ${err.message.replace(`${path}: `, '')}`,
        ICON_FIX.large,
      )
    : problem(
        'ICON_CORRUPT',
        `${path}: icon not used: ${err.message.replace(`${path}: `, '')}`,
        ICON_FIX.corrupt,
      );
}

/** The hicolor target renamed to the package's icon name (the plan may have been made under another name). */
function retarget(to: string, iconName: string): string {
  return to.replace(/\/apps\/[^/]+\.(png|svg)$/, `/apps/${iconName}.$1`);
}

/** Reads an upload file after checking its size, so a giant file is refused before it is read. */
function readBounded(root: string, path: string, max: number, code: string): Uint8Array {
  const size = statSync(join(root, path)).size;
  if (size > max)
    throw new PkgmeError(code, `${path}: ${size} bytes exceeds the ${max}-byte limit`, 'input', {
      details: { file: path, bytes: size },
    });
  return readFileSync(join(root, path));
}

/**
 * Why refuse rather than strip: an SVG's references can hide behind entities, character references or a nested
 * SVG in a data: URL, and a stripping rewriter would have to parse XML exactly as resvg does. Accepting only
 * same-document references (`#id`) and embedded raster images (data:image/png|jpeg|gif|webp) is simple to check
 * on the raw text, and real icons rarely need more.
 */
export function svgExternalReference(text: string): string | null {
  for (const m of text.matchAll(/\bhref\s*=\s*(["'])([^"']*)\1/gi)) {
    const v = m[2]!.trim();
    if (!v.startsWith('#') && !/^data:image\/(png|jpeg|jpg|gif|webp)[;,]/i.test(v)) return v.slice(0, 80);
  }
  for (const m of text.matchAll(/url\(\s*(["']?)([^)"']*)/gi))
    if (!m[2]!.trim().startsWith('#')) return m[2]!.slice(0, 80);
  if (/<!ENTITY[^>]*\bSYSTEM\b|<!ENTITY[^>]*\bPUBLIC\b|<xi:include|<\?xml-stylesheet/i.test(text))
    return 'external entity';
  return null;
}

/**
 * The renderer's child process: resvg in a plain node, the SVG on stdin, the PNG on stdout, a parse error on stderr
 * with exit code 3. Why a child: resvg-js turns some Rust panics into a process abort, not an exception (tiny-skia
 * alpha_runs.rs and napi's NUL handling, both found by icons.fuzz.test.ts); in a child that kills only the child.
 * The time and memory limits bound a document that is merely slow or big to draw.
 */
const RENDER_CHILD = `
let Resvg;
try {
  ({ Resvg } = require(process.argv[1]));
} catch (err) {
  process.stderr.write(String(err && err.message ? err.message : err));
  process.exit(4);
}
const input = require('node:fs').readFileSync(0);
const font = { loadSystemFonts: false };
try {
  const natural = new Resvg(input, { font });
  const mode = natural.width >= natural.height ? 'width' : 'height';
  process.stdout.write(new Resvg(input, { font, fitTo: { mode, value: Number(process.argv[2]) } }).render().asPng());
} catch (err) {
  process.stderr.write(String(err && err.message ? err.message : err));
  process.exit(3);
}`;

/** Wall-clock limit of one rasterisation; real icons take milliseconds. */
export const SVG_RENDER_TIMEOUT_MS = 20_000;
/**
 * Address-space limit of the renderer child (KiB). resvg decodes an embedded data: image at its full size before
 * scaling it: an 11 KiB SVG embedding a 20000x20000 PNG asks for 1.2 GB. Node itself starts in well under this.
 */
export const SVG_RENDER_MEMORY_KIB = 1 << 20;

const resvgModule = createRequire(import.meta.url).resolve('@resvg/resvg-js');

/** Renders the SVG to fit size × size (aspect kept, centred on transparency), in a child process. */
export function rasteriseSvg(bytes: Uint8Array, path: string, size: number): RgbaImage {
  // XML forbids U+0000, and resvg-js aborts the whole process (a Rust panic, not an exception) when its parse
  // error message quotes a NUL byte (napi-rs 2.16 unwraps CString::new on the message, napi-rs/napi-rs#2313).
  // The child would survive it, but the check is free and gives the better message.
  const nul = bytes.indexOf(0);
  if (nul >= 0)
    throw new PkgmeError('SVG_CORRUPT', `${path}: NUL byte at offset ${nul} (not allowed in XML)`, 'input', {
      details: { file: path, offset: nul },
    });
  // The shell sets the address-space limit, then becomes node (exec): the limit applies to node and resvg only.
  const limit = `ulimit -v ${SVG_RENDER_MEMORY_KIB} && exec "$0" "$@"`;
  const r = spawnSync(
    '/bin/sh',
    ['-c', limit, process.execPath, '-e', RENDER_CHILD, resvgModule, String(size)],
    {
      input: bytes,
      maxBuffer: 16 << 20,
      timeout: SVG_RENDER_TIMEOUT_MS,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT')
    throw new PkgmeError(
      'SVG_TOO_LARGE',
      `${path}: rendering took over ${SVG_RENDER_TIMEOUT_MS / 1000} s`,
      'input',
      {
        details: { file: path },
      },
    );
  if (r.error) throw r.error; // node itself could not be started: an environment problem, not the SVG's
  if (r.status === 4)
    throw new PkgmeError(
      'SVG_RENDERER_MISSING',
      `resvg cannot be loaded: ${r.stderr.toString('utf8').slice(0, 300)}`,
      'environment',
      {
        hint: 'Reinstall the dependencies (`npm ci`): @resvg/resvg-js needs its prebuilt binary for this platform.',
      },
    );
  if (
    r.status !== 3 &&
    r.status !== 0 &&
    /memory allocation of \d+ bytes failed/.test(r.stderr.toString('utf8'))
  )
    // Over the memory limit: the desktop's renderer would have to allocate as much; not shipped.
    throw new PkgmeError(
      'SVG_TOO_LARGE',
      `${path}: rendering needs more than ${SVG_RENDER_MEMORY_KIB >> 10} MiB (an embedded image too large?)`,
      'input',
      { details: { file: path } },
    );
  if (r.status !== 3 && r.status !== 0)
    throw new PkgmeError(
      'SVG_RENDERER_CRASH',
      `${path}: not rasterised: the renderer crashed (${r.signal ?? `exit ${r.status}`}) on this document`,
      'input',
      {
        hint: 'Simplify the SVG (Inkscape: Save As Plain SVG, Path > Simplify) or also ship a 48x48 PNG.',
        details: { file: path },
      },
    );
  if (r.status === 3) {
    const why = r.stderr.toString('utf8').slice(0, 300);
    throw new PkgmeError(
      'SVG_CORRUPT',
      `${path}: cannot be rendered (${why.replace(/^Error: /, '')})`,
      'input',
      {
        details: { file: path },
      },
    );
  }
  const png = new Uint8Array(r.stdout);
  return fitSquare(decodePng(png, `${path} (rendered)`), size);
}

interface Check {
  ok: boolean;
}

/**
 * The package's icon files (`to` without a leading slash, as the plan's placements). Warnings go to `problems`.
 * `limits` is for tests.
 */
export function iconFiles(
  root: string,
  plan: IconPlan,
  iconName: string,
  problems: Problem[] = [],
  limits: IconLimits = DEFAULT_LIMITS,
): Promise<IconFile[]> {
  try {
    return Promise.resolve(iconFilesSync(root, plan, iconName, problems, limits));
  } catch (err) {
    return Promise.reject(err as Error);
  }
}

function iconFilesSync(
  root: string,
  plan: IconPlan,
  iconName: string,
  problems: Problem[],
  limits: IconLimits,
): IconFile[] {
  const checked = new Map<string, Check>();
  const fail = (path: string, err: unknown): Check => {
    if (!isPkgmeError(err)) throw err;
    problems.push(asProblem(path, err));
    return { ok: false };
  };
  /** Decodes (PNG) or rasterises (SVG) once per path; a failure is warned about once. */
  const load = (path: string, format: 'png' | 'svg'): RgbaImage | null => {
    if (checked.get(path)?.ok === false) return null;
    try {
      if (format === 'png') {
        const img = decodePng(readBounded(root, path, limits.maxFileBytes, 'PNG_TOO_LARGE'), path, limits);
        checked.set(path, { ok: true });
        return img;
      }
      const bytes = readBounded(root, path, limits.maxSvgBytes, 'SVG_TOO_LARGE');
      const external = svgExternalReference(new TextDecoder().decode(bytes));
      if (external !== null) {
        problems.push(
          problem(
            'ICON_SVG_EXTERNAL',
            `${path}: not rasterised: it references ${JSON.stringify(external)} outside the document`,
            'Embed images as data: URLs and convert text to paths (Inkscape: Object to Path), or ship a 48x48 PNG.',
          ),
        );
        checked.set(path, { ok: true }); // shipped as it is; only the 48x48 PNG cannot come from it
        return null;
      }
      const img = rasteriseSvg(bytes, path, RESIZE_TARGET);
      checked.set(path, { ok: true });
      return img;
    } catch (err) {
      if (isPkgmeError(err) && (err.kind === 'environment' || err.code === 'SVG_RENDERER_CRASH')) {
        // Not (surely) the icon's fault — resvg missing, or a resvg bug on a document librsvg may well draw: ship
        // the SVG as it is, make the 48x48 from a PNG if there is one.
        problems.push(problem('ICON_RENDERER', err.message, err.hint ?? ''));
        checked.set(path, { ok: true });
        return null;
      }
      checked.set(path, fail(path, err));
      return null;
    }
  };

  // Header-level verdicts of planIcons (unreadable or giant files) as typed warnings; such files are never used.
  for (const c of plan.candidates) {
    const pixels = (c.width ?? 0) * (c.height ?? 0);
    if (c.error) checked.set(c.path, fail(c.path, new PkgmeError(c.error.code, c.error.message, 'input')));
    else if (c.format === 'png' && pixels > limits.maxPixels)
      checked.set(
        c.path,
        fail(
          c.path,
          new PkgmeError(
            'PNG_TOO_LARGE',
            `${c.width}x${c.height} exceeds the ${limits.maxPixels}-pixel limit`,
            'input',
          ),
        ),
      );
  }

  const out: IconFile[] = [];
  let made48: IconFile | null = null;
  const target48 = `usr/share/icons/hicolor/${RESIZE_TARGET}x${RESIZE_TARGET}/apps/${iconName}.png`;
  for (const p of plan.placements) {
    const to = retarget(p.to, iconName);
    const svg = to.endsWith('.svg');
    const img = load(p.from, svg ? 'svg' : 'png');
    if (checked.get(p.from)?.ok !== true) continue;
    out.push({ from: p.from, to });
    if (svg && img) made48 = { to: target48, data: encodePng(img) };
  }
  if (out.some((f) => f.to === target48)) return out;
  if (made48) return [...out, made48];

  const family = new Set(plan.family ?? plan.placements.map((p) => p.from));
  const members: IconCandidate[] = plan.candidates.filter((c) => family.has(c.path));
  for (const c of resizeSources(members)) {
    if (c.format === 'svg') continue; // tried above when placed; an unplaced SVG is a second scalable icon
    const img = load(c.path, 'png');
    if (img) return [...out, { to: target48, data: encodePng(fitSquare(img, RESIZE_TARGET)) }];
  }
  problems.push(
    problem(
      'ICON_MISSING',
      `no usable icon to make ${target48} from`,
      `${ICON_FIX.missing} (e.g. icons/${iconName}.svg)`,
    ),
  );
  return out;
}
