/**
 * dpkg's version ordering (lib/dpkg/version.c), reimplemented for speed: the resolver compares many versions, so
 * this walks the strings with charCodeAt and allocates nothing on the common (ASCII) path.
 *
 * Ordering of one part (upstream or revision), alternating non-digit and digit runs:
 *  - non-digit runs compare character by character with the weights: `~` < end of string < letters (by ASCII) <
 *    everything else (by code + 256). So `1.0~rc1` < `1.0` < `1.0a` < `1.0+b1`.
 *  - digit runs compare as numbers of any length (leading zeros ignored), so numbers beyond 2^53 or 2^64 are exact.
 * Bytes above 0x7f (only in versions with warnings) weigh by their UTF-8 byte value, as dpkg's signed-char
 * arithmetic gives; that rare path converts the part to UTF-8.
 */
import { parseVersionLax, type DebVersion } from './parse.ts';

export type Ordering = -1 | 0 | 1;

function weight(c: number): number {
  if (c >= 0x30 && c <= 0x39) return 0;
  if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return c;
  if (c === 0x7e) return -1;
  if (c === 0) return 0;
  // Codes above 0x7f are handled by the byte path (see NEEDS_BYTES); there dpkg's (signed char) + 256 is the byte.
  return c + 256;
}

/** Returned by compareCodes when it meets a non-ASCII code unit: redo the comparison on UTF-8 bytes. */
const NEEDS_BYTES = Number.NaN;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * The dpkg walk. With `bytes` false it stops with NEEDS_BYTES at the first non-ASCII code unit; everything before
 * it is identical in UTF-8, so a result reached earlier is exact. With `bytes` true every code is a byte (< 0x100).
 */
function compareCodes(
  a: string,
  i: number,
  la: number,
  b: string,
  j: number,
  lb: number,
  bytes: boolean,
): number {
  while (i < la || j < lb) {
    // Non-digit run.
    while ((i < la && !isDigit(a.charCodeAt(i))) || (j < lb && !isDigit(b.charCodeAt(j)))) {
      const ca = i < la ? a.charCodeAt(i) : 0;
      const cb = j < lb ? b.charCodeAt(j) : 0;
      if ((ca | cb) > 0x7f && !bytes) return NEEDS_BYTES;
      const wa = ca > 0x7f ? ca : weight(ca);
      const wb = cb > 0x7f ? cb : weight(cb);
      if (wa !== wb) return wa - wb;
      i++;
      j++;
    }
    while (i < la && a.charCodeAt(i) === 0x30) i++;
    while (j < lb && b.charCodeAt(j) === 0x30) j++;
    let firstDiff = 0;
    while (i < la && j < lb && isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < la && isDigit(a.charCodeAt(i))) return 1;
    if (j < lb && isDigit(b.charCodeAt(j))) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

function toByteString(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

/** Compares one version part (upstream or revision) the dpkg way; returns <0, 0 or >0. */
export function comparePart(a: string, b: string): number {
  return compareRange(a, 0, a.length, b, 0, b.length);
}

/** comparePart on the slices a[i, la) and b[j, lb), without making them. */
function compareRange(a: string, i: number, la: number, b: string, j: number, lb: number): number {
  const r = compareCodes(a, i, la, b, j, lb, false);
  if (!Number.isNaN(r)) return r;
  const ba = toByteString(a.slice(i, la));
  const bb = toByteString(b.slice(j, lb));
  return compareCodes(ba, 0, ba.length, bb, 0, bb.length, true);
}

/**
 * Where the parts of a plain version lie: [epoch, upstream start, upstream end, revision start, revision end].
 * Plain means no blanks and an epoch of 1-9 bare digits, i.e. every version in a real archive. Anything else (and
 * every error) returns false and goes through the full parser, which knows dpkg's quirks and error messages.
 */
function locate(s: string, out: Float64Array): boolean {
  const n = s.length;
  let colon = -1;
  let hyphen = -1;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2d) hyphen = i;
    else if (c === 0x3a) {
      if (colon < 0) colon = i;
    } else if (c === 0x20 || c === 0x09) return false;
  }
  let epoch = 0;
  if (colon >= 0) {
    if (colon === 0 || colon > 9) return false;
    for (let i = 0; i < colon; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x30 || c > 0x39) return false;
      epoch = epoch * 10 + (c - 0x30);
    }
  }
  const us = colon + 1;
  if (us >= n) return false;
  let ue = n;
  let rs = n;
  if (hyphen >= us) {
    if (hyphen === n - 1 || hyphen === us) return false;
    ue = hyphen;
    rs = hyphen + 1;
  }
  out[0] = epoch;
  out[1] = us;
  out[2] = ue;
  out[3] = rs;
  out[4] = n;
  return true;
}

const LOC_A = new Float64Array(5);
const LOC_B = new Float64Array(5);

/** The allocation-free path for two plain version strings; undefined when either needs the full parser. */
function compareStrings(a: string, b: string): Ordering | undefined {
  if (!locate(a, LOC_A) || !locate(b, LOC_B)) return undefined;
  if (LOC_A[0] !== LOC_B[0]) return LOC_A[0]! < LOC_B[0]! ? -1 : 1;
  const u = compareRange(a, LOC_A[1]!, LOC_A[2]!, b, LOC_B[1]!, LOC_B[2]!);
  if (u !== 0) return sign(u);
  return sign(compareRange(a, LOC_A[3]!, LOC_A[4]!, b, LOC_B[3]!, LOC_B[4]!));
}

function sign(n: number): Ordering {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** Compares two parsed versions. */
export function compareParsed(a: DebVersion, b: DebVersion): Ordering {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  const u = comparePart(a.upstream, b.upstream);
  if (u !== 0) return sign(u);
  return sign(comparePart(a.revision, b.revision));
}

/**
 * Compares two versions like `dpkg --compare-versions`: strings are parsed laxly (dpkg's warnings are accepted,
 * its errors throw VERSION_INVALID).
 */
export function compareVersions(a: string | DebVersion, b: string | DebVersion): Ordering {
  if (typeof a === 'string' && typeof b === 'string') {
    const fast = compareStrings(a, b);
    if (fast !== undefined) return fast;
  }
  const va = typeof a === 'string' ? parseVersionLax(a).version : a;
  const vb = typeof b === 'string' ? parseVersionLax(b).version : b;
  return compareParsed(va, vb);
}

/** Relation operators of Depends-style fields; `<` and `>` are the obsolete spellings of `<=` and `>=`. */
export type RelationOp = '<<' | '<=' | '=' | '>=' | '>>' | '<' | '>';

/** The modern operator for a possibly obsolete one (`<` → `<=`, `>` → `>=`), as dpkg reads them. */
export function normalizeOp(op: RelationOp): Exclude<RelationOp, '<' | '>'> {
  return op === '<' ? '<=' : op === '>' ? '>=' : op;
}

/** Does `version` satisfy `op ref` (e.g. `satisfies('2.36-9', '>=', '2.34')`)? */
export function satisfies(version: string | DebVersion, op: RelationOp, ref: string | DebVersion): boolean {
  const c = compareVersions(version, ref);
  switch (normalizeOp(op)) {
    case '<<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '=':
      return c === 0;
    case '>=':
      return c >= 0;
    case '>>':
      return c > 0;
  }
}
