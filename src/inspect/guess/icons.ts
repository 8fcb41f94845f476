/**
 * Icons (issue 4, "Icons"): find the upload's icon candidates, read their sizes from the file headers (PNG IHDR,
 * SVG root attributes), score them against the app's name, and plan where each goes in the hicolor theme.
 *
 * Why headers and not names: developers ship `icon.png` at 300x300 or `icon-48.png` at 64x64; the theme directory
 * must match the real size or the desktop scales it wrongly. Nothing is decoded or executed: PNG needs 33 bytes,
 * SVG a bounded text scan of the root element (no DTD, no entity resolution, no external references).
 * A missing 48x48 PNG is planned here (which file to make it from, `resizeSources`) and produced by the packaging
 * (src/packaging/icons.ts), which decodes pixels under limits.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PkgmeError, isPkgmeError } from '../../errors.ts';
import { PNG_HEADER_BYTES, readPngHeader } from '../../formats/png/png.ts';
import type { InventoryEntry } from '../inventory.ts';
import { guess, type Guess } from './field.ts';

/** The hicolor sizes desktops look up (Icon Theme spec; the ones hicolor-icon-theme's index.theme lists). */
export const HICOLOR_SIZES = [16, 22, 24, 32, 48, 64, 128, 256, 512] as const;
/** The root element of real icons sits in the first few KiB (after the XML declaration and comments). */
export const SVG_SCAN_BYTES = 64 * 1024;

export interface SvgSize {
  width: number | null;
  height: number | null;
  viewBox: [number, number, number, number] | null;
}

export interface IconCandidate {
  path: string;
  format: 'png' | 'svg';
  width: number | null;
  height: number | null;
  score: number;
  /** Set when the header could not be read (typed error code and message). */
  error?: { code: string; message: string };
  giant?: boolean;
}

export interface IconPlacement {
  from: string;
  /** Path inside the package, e.g. usr/share/icons/hicolor/48x48/apps/foo.png. */
  to: string;
}

export interface IconPlan {
  /** Themed icon name for the desktop entry's Icon key. */
  name: Guess<string> | null;
  candidates: IconCandidate[];
  placements: IconPlacement[];
  /**
   * Upload paths of the best candidate's family (same stem, size suffixes aside), best first: the icons of the
   * app, whether or not their size has a hicolor directory. Optional so plans built by hand stay valid.
   */
  family?: string[];
  warnings: string[];
  /** The warnings again, typed (code and fix) for a problem list: same order, same messages. */
  issues?: IconIssue[];
  /** Work this module does not do itself, e.g. producing a 48x48 PNG by resizing. */
  actions: string[];
}

export interface IconIssue {
  code: 'ICON_CORRUPT' | 'ICON_TOO_LARGE' | 'ICON_SIZE' | 'ICON_MISSING';
  message: string;
  hint: string;
}

/** The fixes the icon warnings suggest, shared with the packaging (src/packaging/icons.ts). */
export const ICON_FIX = {
  corrupt: 'Re-export the icon from an image editor (or run `optipng` on it) and upload it again.',
  large: 'Ship icons of at most 1024x1024 pixels and a few MiB (hicolor sizes go up to 512x512), or an SVG.',
  size: `Ship square PNGs at hicolor sizes (${HICOLOR_SIZES.join(', ')}) or an SVG; other sizes are not installed.`,
  missing: 'Add an SVG or a PNG of at least 48x48 to the upload, named like the app.',
} as const;

function svgError(name: string, what: string): PkgmeError {
  return new PkgmeError('SVG_CORRUPT', `${name}: ${what}`, 'input', {
    hint: 'Save the icon as plain SVG (Inkscape: "Plain SVG") with width/height or viewBox on the <svg> element.',
    details: { file: name },
  });
}

/** A length attribute in user units: "48", "48px", "48.0". Other units and percentages give null. */
function svgLength(v: string | undefined): number | null {
  if (v === undefined) return null;
  const m = /^\s*([0-9]*\.?[0-9]+)\s*(px)?\s*$/.exec(v);
  return m ? Number(m[1]) : null;
}

/**
 * Reads width/height/viewBox of the root <svg> element. Skips the XML declaration, comments, processing
 * instructions and a DOCTYPE without interpreting it. Throws SVG_NOT_SVG or SVG_CORRUPT (PkgmeError) only.
 */
export function readSvgSize(bytes: Uint8Array, name = 'SVG file'): SvgSize {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, SVG_SCAN_BYTES));
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text.startsWith('<?', i) || text.startsWith('<!--', i)) {
      const close = text.startsWith('<?', i) ? '?>' : '-->';
      const end = text.indexOf(close, i + 2);
      if (end < 0) throw svgError(name, `unterminated declaration or comment at offset ${i}`);
      i = end + close.length;
      continue;
    }
    if (text.startsWith('<!DOCTYPE', i)) {
      // An internal subset ([...]) may declare entities; we skip it and never expand them.
      const bracket = text.indexOf('[', i);
      const close = text.indexOf('>', i);
      const subset = bracket >= 0 && bracket < close;
      const end = subset ? text.indexOf(']>', bracket) : close;
      if (end < 0) throw svgError(name, `unterminated DOCTYPE at offset ${i}`);
      i = end + (subset ? 2 : 1);
      continue;
    }
    break;
  }
  const m = /^<([A-Za-z_][\w.:-]*)/.exec(text.slice(i, i + 256));
  if (!m || (m[1] !== 'svg' && !m[1]!.endsWith(':svg')))
    throw new PkgmeError('SVG_NOT_SVG', `${name}: the root element is not <svg> (offset ${i})`, 'input', {
      hint: 'Icons named .svg must be SVG documents; convert the file or rename it to its real type.',
      details: { file: name, offset: i },
    });
  const end = text.indexOf('>', i);
  if (end < 0) throw svgError(name, `the <svg> start tag does not end within ${SVG_SCAN_BYTES} bytes`);
  const attrs = new Map<string, string>();
  for (const a of text.slice(i + m[0].length, end).matchAll(/([\w.:-]+)\s*=\s*("([^"]*)"|'([^']*)')/g))
    attrs.set(a[1]!, a[3] ?? a[4] ?? '');
  const vb = attrs
    .get('viewBox')
    ?.trim()
    .split(/[\s,]+/)
    .map(Number);
  const viewBox =
    vb && vb.length === 4 && vb.every(Number.isFinite) && vb[2]! > 0 && vb[3]! > 0
      ? (vb as [number, number, number, number])
      : null;
  return { width: svgLength(attrs.get('width')), height: svgLength(attrs.get('height')), viewBox };
}

function readHead(path: string, n: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(n);
    return b.subarray(0, readSync(fd, b, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

function stem(path: string): string {
  return basename(path).replace(/\.(png|svg)$/i, '');
}

/** Lower-case alphanumerics only: "My-App", "my_app" and "myapp" compare equal. */
function norm(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** 0..1: how much a file name looks like the app's icon. */
function nameScore(path: string, app: string): number {
  const s = norm(stem(path).replace(/[-_@]?\d+(x\d+)?$/, ''));
  const a = norm(app);
  if (s === a) return 1;
  if (a !== '' && (s.includes(a) || (s.length >= 3 && a.includes(s)))) return 0.7;
  if (/icon|logo/.test(s) || /(^|\/)(icons?|pixmaps)\//i.test(path)) return 0.5;
  return 0.1;
}

/** 0..1: bigger is better up to 512, SVG best; non-square is penalised. */
function sizeScore(c: Pick<IconCandidate, 'format' | 'width' | 'height'>): number {
  if (c.format === 'svg') return 1;
  if (c.width === null || c.height === null) return 0;
  const side = Math.min(c.width, c.height, 512);
  return (Math.log2(side) / 9) * (c.width === c.height ? 1 : 0.5);
}

/** Reads every PNG/SVG file of the inventory and scores it; unreadable ones are kept with their error. */
export function iconCandidates(root: string, entries: InventoryEntry[], appName: string): IconCandidate[] {
  const out: IconCandidate[] = [];
  for (const e of entries) {
    const format = /\.png$/i.test(e.path) ? 'png' : /\.svg$/i.test(e.path) ? 'svg' : null;
    if (e.type !== 'file' || format === null) continue;
    const c: IconCandidate = { path: e.path, format, width: null, height: null, score: 0 };
    try {
      const head = readHead(join(root, e.path), format === 'png' ? PNG_HEADER_BYTES : SVG_SCAN_BYTES);
      if (format === 'png') {
        const h = readPngHeader(head, e.path);
        Object.assign(c, { width: h.width, height: h.height, giant: h.giant });
      } else {
        const s = readSvgSize(head, e.path);
        c.width = s.width ?? s.viewBox?.[2] ?? null;
        c.height = s.height ?? s.viewBox?.[3] ?? null;
      }
      c.score = Math.round((0.7 * nameScore(e.path, appName) + 0.3 * sizeScore(c)) * 1000) / 1000;
    } catch (err) {
      if (!isPkgmeError(err)) throw err;
      c.error = { code: err.code, message: err.message };
    }
    out.push(c);
  }
  return out.sort((a, b) => b.score - a.score || a.path.localeCompare(b.path));
}

/** The icon size every desktop looks up first, which pkgme makes when the upload lacks it. */
export const RESIZE_TARGET = 48;

/**
 * The order in which to try making the 48x48 PNG: SVGs first (drawn for any size), then PNGs at least 48 wide or
 * high, smallest first (the least detail thrown away, the least memory to decode), then smaller ones, largest first
 * (upscaled); within each, squares before non-square ones (padded). Unreadable candidates are left out.
 */
export function resizeSources(candidates: IconCandidate[]): IconCandidate[] {
  const rank = (c: IconCandidate): number[] => {
    if (c.format === 'svg') return [0, 0, 0, 0];
    const side = Math.max(c.width ?? 0, c.height ?? 0);
    const big = side >= RESIZE_TARGET;
    return [1, big ? 0 : 1, c.width === c.height ? 0 : 1, big ? side : -side];
  };
  return candidates
    .filter((c) => !c.error && (c.format === 'svg' || (c.width !== null && c.height !== null)))
    .map((c) => ({ c, r: rank(c) }))
    .sort((a, b) => a.r.reduce((d, v, i) => d || v - b.r[i]!, 0) || a.c.path.localeCompare(b.c.path))
    .map((x) => x.c);
}

/** The hicolor directory a PNG of this size belongs to, or null when the size is not a standard square. */
export function hicolorDir(width: number, height: number): string | null {
  return width === height && (HICOLOR_SIZES as readonly number[]).includes(width)
    ? `${width}x${height}`
    : null;
}

/**
 * Plans the hicolor placement of the icons that belong to the best candidate's family (same stem, size suffixes
 * aside), installed under `iconName`. One file per size: the best-scored one wins.
 */
export function planIcons(
  root: string,
  entries: InventoryEntry[],
  appName: string,
  iconName: string,
): IconPlan {
  const candidates = iconCandidates(root, entries, appName);
  const usable = candidates.filter((c) => !c.error);
  const plan: IconPlan = { name: null, candidates, placements: [], warnings: [], issues: [], actions: [] };
  const warn = (code: IconIssue['code'], message: string, hint: string) => {
    plan.warnings.push(message);
    plan.issues!.push({ code, message, hint });
  };
  for (const c of candidates.filter((x) => x.error))
    warn(
      'ICON_CORRUPT',
      c.error!.message.startsWith(c.path) ? c.error!.message : `${c.path}: ${c.error!.message}`,
      ICON_FIX.corrupt,
    );
  const best = usable[0];
  if (!best) {
    warn('ICON_MISSING', 'no usable PNG or SVG icon in the upload', ICON_FIX.missing);
    plan.actions.push(`provide an icon (a 48x48 PNG or an SVG) named ${iconName}`);
    return plan;
  }
  const family = norm(stem(best.path).replace(/[-_@]?\d+(x\d+)?$/, ''));
  const members = usable.filter((c) => norm(stem(c.path).replace(/[-_@]?\d+(x\d+)?$/, '')) === family);
  const taken = new Set<string>();
  for (const c of members) {
    if (c.format === 'svg') {
      if (taken.has('scalable')) continue;
      taken.add('scalable');
      plan.placements.push({ from: c.path, to: `usr/share/icons/hicolor/scalable/apps/${iconName}.svg` });
      continue;
    }
    if (c.giant)
      warn(
        'ICON_TOO_LARGE',
        `${c.path}: ${c.width}x${c.height} is giant for an icon (> 4096)`,
        ICON_FIX.large,
      );
    const dir = hicolorDir(c.width!, c.height!);
    if (!dir) {
      warn(
        'ICON_SIZE',
        `${c.path}: ${c.width}x${c.height} is not a square hicolor size (${HICOLOR_SIZES.join(', ')})`,
        ICON_FIX.size,
      );
      continue;
    }
    if (taken.has(dir)) continue;
    taken.add(dir);
    plan.placements.push({ from: c.path, to: `usr/share/icons/hicolor/${dir}/apps/${iconName}.png` });
  }
  plan.family = members.map((c) => c.path);
  if (!taken.has('48x48')) {
    const source = resizeSources(members)[0];
    plan.actions.push(
      source
        ? `produce usr/share/icons/hicolor/48x48/apps/${iconName}.png by ${source.format === 'svg' ? 'rasterising' : 'resizing'} ${source.path}`
        : `provide a 48x48 PNG or an SVG icon named ${iconName}`,
    );
  }
  const confidence = plan.placements.length > 0 ? 0.5 + 0.5 * best.score : 0.3;
  plan.name = guess(iconName, `file:${best.path}`, confidence);
  return plan;
}
