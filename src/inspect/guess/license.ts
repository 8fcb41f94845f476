/**
 * License (as an SPDX id) and copyright holder, from the upload's LICENSE/COPYING/LICENCE file (issue 4).
 *
 * Why hand-written: no maintained SPDX text matcher is installed (npm has expression parsers and id lists, not
 * matchers), and Debian already ships the long reference texts in /usr/share/common-licenses. So:
 *  1. long licenses (GPL, LGPL, Apache, MPL, CC0) are matched against those reference texts by word-bigram overlap
 *     after normalisation (case, punctuation, whitespace and line wrapping do not matter);
 *  2. short permissive licenses (MIT, ISC, Zlib, BSD, Unlicense) are recognised by the sentences that define them
 *     (MARKERS below; each is the license's operative clause, which no other license contains);
 *  3. license notices without the full text ("either version 2 of the License, or (at your option) any later
 *     version") give the GNU or Apache id.
 * Nothing matched → `LicenseRef-proprietary` with low confidence: proprietary uploads are allowed, and a reviewer
 * sees the low confidence.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { guess, type Guess } from './field.ts';

export const COMMON_LICENSES = '/usr/share/common-licenses';

/** Lowercase words only: wrapping, punctuation and markdown do not change a license. */
export function normaliseLicense(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

function bigrams(norm: string): Set<string> {
  const w = norm.split(' ');
  const out = new Set<string>();
  for (let i = 0; i + 1 < w.length; i++) out.add(`${w[i]} ${w[i + 1]}`);
  return out;
}

/** Dice coefficient of the two bigram sets: 1 for the same text, ~0 for unrelated texts. */
function similarity(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let common = 0;
  const [small, big] = a.size < b.size ? [a, b] : [b, a];
  for (const x of small) if (big.has(x)) common++;
  return (2 * common) / (a.size + b.size);
}

/** Reference file in /usr/share/common-licenses → SPDX id (GNU ids get -only/-or-later below). */
const REFERENCES: ReadonlyArray<[file: string, spdx: string]> = [
  ['GPL-2', 'GPL-2.0'],
  ['GPL-3', 'GPL-3.0'],
  ['LGPL-2.1', 'LGPL-2.1'],
  ['LGPL-3', 'LGPL-3.0'],
  ['Apache-2.0', 'Apache-2.0'],
  ['MPL-2.0', 'MPL-2.0'],
  ['CC0-1.0', 'CC0-1.0'],
];

/** Above this similarity the text is that license (with a preamble, an appendix or a different wrapping). */
const FULL_TEXT_MATCH = 0.8;

let refs: Array<{ spdx: string; grams: Set<string> }> | undefined;
function references(dir: string): Array<{ spdx: string; grams: Set<string> }> {
  if (refs !== undefined && dir === COMMON_LICENSES) return refs;
  const out: Array<{ spdx: string; grams: Set<string> }> = [];
  for (const [file, spdx] of REFERENCES) {
    try {
      out.push({ spdx, grams: bigrams(normaliseLicense(readFileSync(join(dir, file), 'utf8'))) });
    } catch {
      // Not on this machine (a non-Debian host): the markers and notices below still work.
    }
  }
  if (dir === COMMON_LICENSES) refs = out;
  return out;
}

/**
 * Operative sentences (normalised text), as regexes to allow the known wording variants (old ISC says "and
 * distribute", X11-style MIT adds "including the next paragraph"). All of an entry must match; first entry wins, so
 * the BSD variants go from most to fewest clauses.
 */
const BSD =
  /redistribution and use in source and binary forms( of \w+)? with or without modification are permitted/;
const MARKERS: ReadonlyArray<[spdx: string, patterns: RegExp[]]> = [
  ['Unlicense', [/this is free and unencumbered software released into the public domain/]],
  [
    'CC0-1.0',
    [
      /cc0 1 0 universal|dedicated all copyright and related and neighboring rights to this software to the public domain/,
    ],
  ],
  ['MPL-2.0', [/mozilla public license v(ersion)? 2 0/]],
  [
    'ISC',
    [
      /permission to use copy modify and (or )?distribute this software for any purpose with or without fee is hereby granted/,
    ],
  ],
  [
    'MIT',
    [
      /permission is hereby granted free of charge to any person obtaining a copy/,
      /the above copyright notice and this permission notice/,
    ],
  ],
  [
    'Zlib',
    [
      /altered source versions must be plainly marked as such/,
      /this notice may not be removed or altered from any source distribution/,
    ],
  ],
  [
    'BSD-4-Clause',
    [BSD, /all advertising materials mentioning features or use of this software must display/],
  ],
  ['BSD-3-Clause', [BSD, /used to endorse or promote products derived from this software/]],
  ['BSD-2-Clause', [BSD]],
  ['Apache-2.0', [/licensed under (the )?apache license version 2 0/]],
];

/**
 * GNU notices ("… under the terms of the GNU [Lesser] General Public License as published by the Free Software
 * Foundation; either version 2 of the License, or (at your option) any later version"): the wording varies, so the
 * version and "any later version" are looked for in the words that follow the license's name.
 */
const GNU_NAME = /gnu (lesser |library )?(general public license|gpl)/;
const GNU_WINDOW_CHARS = 200;

/** An explicit `SPDX-License-Identifier: X` (or DEP-5's "SPDX License Expression") line states the answer. */
const SPDX_LINE =
  /SPDX[- ]License[- ](?:Identifier|Expression):?\s*["']?([A-Za-z0-9][A-Za-z0-9.+-]*)(?![A-Za-z0-9.+-]|["']?\s+(?:AND|OR|WITH)\b)/i;

export interface LicenseDetection {
  spdx: string;
  confidence: number;
  /** How it was recognised, for the report: `text:GPL-2`, `marker`, `notice`, `none`. */
  how: string;
}

function gnuId(family: string, version: string, orLater: boolean): string {
  return `${family}-${version}-${orLater ? 'or-later' : 'only'}`;
}

/**
 * Detects the SPDX id of one license file's text. For a bare GNU license text the text alone cannot say "only" or
 * "or later" (that is in the source headers): a notice before the license's title decides; otherwise `-only`, the
 * reading that claims nothing the author did not write, with lower confidence.
 */
export function detectLicense(text: string, referenceDir = COMMON_LICENSES): LicenseDetection {
  const norm = normaliseLicense(text);
  const grams = bigrams(norm);
  let best = { spdx: '', score: 0 };
  for (const r of references(referenceDir)) {
    const s = similarity(grams, r.grams);
    if (s > best.score) best = { spdx: r.spdx, score: s };
  }
  if (best.score >= FULL_TEXT_MATCH) {
    if (/^L?GPL/.test(best.spdx)) {
      const [family = '', version = ''] = best.spdx.split('-');
      const title = norm.search(/gnu (lesser |library )?general public license version/);
      const before = title > 0 ? norm.slice(0, title) : '';
      const orLater = before.includes('or at your option any later version');
      return {
        spdx: gnuId(family, version, orLater),
        confidence: orLater ? 0.95 : 0.7,
        how: `text:${best.spdx}`,
      };
    }
    return { spdx: best.spdx, confidence: 0.95, how: `text:${best.spdx}` };
  }
  const stated = SPDX_LINE.exec(text);
  if (stated?.[1] !== undefined) return { spdx: stated[1], confidence: 0.95, how: 'spdx-line' };
  for (const [spdx, patterns] of MARKERS)
    if (patterns.every((p) => p.test(norm))) return { spdx, confidence: 0.9, how: 'marker' };
  const gnu = GNU_NAME.exec(norm);
  if (gnu !== null) {
    const window = norm.slice(gnu.index, gnu.index + GNU_WINDOW_CHARS);
    const v = /version (2 1|2|3)\b/.exec(window);
    if (v !== null) {
      const family = gnu[1] === undefined ? 'GPL' : 'LGPL';
      const version = v[1] === '2 1' ? '2.1' : `${v[1]}.0`;
      const orLater = /any later version|or later/.test(window);
      return { spdx: gnuId(family, version, orLater), confidence: 0.85, how: 'notice' };
    }
  }
  return { spdx: 'LicenseRef-proprietary', confidence: 0.2, how: 'none' };
}

const MAX_HOLDER_LINE = 300;

/**
 * `Copyright (c) 2019-2021 Jane Doe <jane@example.org>` → `Jane Doe <jane@example.org>`. Only lines that start
 * with Copyright/©/(c) and carry a year or a (c) sign: "the above copyright notice" is not a holder.
 */
export function copyrightHolder(text: string): string | undefined {
  const re =
    /^[\s#*/-]*(?:copyright\s*(?:\(c\)|©)?|\(c\)|©)\s*((?:\d{4}(?:\s*[-–]\s*(?:\d{4}|present))?[\s,]*)+)?(?:by\s+)?(.+)$/isu;
  // Each year group starts with 4 digits and only `[\s,]` may follow it, so the regex has one way to match a line
  // (no backtracking blow-up); long lines are not copyright lines anyway.
  for (const line of text.split(/\r?\n/, 200)) {
    if (line.length > MAX_HOLDER_LINE) continue;
    const m = re.exec(line);
    if (m === null) continue;
    const hasYearOrSign = m[1] !== undefined || /\(c\)|©/i.test(line);
    if (!hasYearOrSign) continue;
    const holder = (m[2] ?? '')
      .replace(/\s*all rights reserved\.?\s*$/i, '')
      .replace(/^(?:\(c\)|©)\s*/i, '')
      .replace(/[.,;\s]+$/, '')
      .trim();
    if (holder.length >= 2 && !/^(notice|holders?|owner)\b/i.test(holder)) return holder;
  }
  return undefined;
}

/**
 * LICENSE, COPYING (with .md/.txt/.rst), and `LICENSE-<id>` / `COPYING.<id>` files: one file per license, the
 * way dual-licensed projects ship them (zstd's LICENSE-BSD-3-clause + LICENSE-GPL-2, Rust's LICENSE-MIT +
 * LICENSE-APACHE). Group 2 is the id part of the name.
 */
export const LICENSE_FILE =
  /^(?:licen[cs]e|copying)(?:[-_.]([A-Za-z0-9][A-Za-z0-9.+_-]*?))?(?:\.(?:md|txt|rst))?$/i;
/** A license text is at most a few hundred KiB; more is not a license file. */
const MAX_LICENSE_BYTES = 512 * 1024;
/** Below this a detection is a guess; a `LICENSE-<id>` file's own name says more. */
const CONFIDENT = 0.5;
/** The id a developer wrote in the file name: taken as given (it names the license the file holds). */
const NAMED_CONFIDENCE = 0.6;

export interface LicenseGuess {
  license?: Guess<string>;
  copyright?: Guess<string>;
}

/** The id part of a `LICENSE-<id>` name, when it names a license (`LICENSE.md` has none, `COPYING.LIB` is LGPL). */
function nameId(name: string): string | undefined {
  const id = LICENSE_FILE.exec(name)?.[1];
  if (id === undefined || /^(?:md|txt|rst)$/i.test(id)) return undefined;
  return /^lib$/i.test(id) ? 'LGPL-2.1-only' : id;
}

/**
 * The license a `LICENSE-<id>` file holds, as guessLicense counts it among the alternatives: the recognised text's
 * id, else the id in the file name; undefined for a plain LICENSE/COPYING. Exported so the packaging can put each
 * file's text under the right License paragraph of debian/copyright.
 */
export function alternative(
  name: string,
  d: LicenseDetection,
): { spdx: string; confidence: number } | undefined {
  const id = nameId(name);
  if (id === undefined) return undefined;
  return d.confidence >= CONFIDENT
    ? { spdx: d.spdx, confidence: d.confidence }
    : { spdx: id, confidence: NAMED_CONFIDENCE };
}

/**
 * Looks for license files at the upload root and in its single top directory; the first recognised LICENSE or
 * COPYING wins. Without one, the `LICENSE-<id>` files together are the license: each file is one alternative
 * (`A OR B`), its id the recognised text's, else the file name's.
 */
export function guessLicense(root: string, referenceDir = COMMON_LICENSES): LicenseGuess {
  const dirs = [{ dir: root, prefix: '' }];
  const top = readdirSync(root, { withFileTypes: true });
  const only = top.length === 1 ? top[0] : undefined;
  if (only?.isDirectory() === true) dirs.push({ dir: join(root, only.name), prefix: `${only.name}/` });
  const out: LicenseGuess = {};
  const named: Array<{ spdx: string; confidence: number; source: string }> = [];
  for (const { dir, prefix } of dirs)
    for (const name of readdirSync(dir)
      .filter((n) => LICENSE_FILE.test(n))
      .sort()) {
      const p = join(dir, name);
      const st = statSync(p);
      if (!st.isFile() || st.size > MAX_LICENSE_BYTES) continue;
      const text = readFileSync(p, 'utf8');
      const d = detectLicense(text, referenceDir);
      const source = `file:${prefix}${name}`;
      const alt = alternative(name, d);
      if (alt !== undefined) named.push({ ...alt, source });
      else if (out.license === undefined || (out.license.confidence < CONFIDENT && d.confidence >= CONFIDENT))
        out.license = guess(d.spdx, source, d.confidence);
      const holder = copyrightHolder(text);
      // A GNU license text's own "Copyright (C) 1989, 1991 Free Software Foundation" is the license's, not the
      // software's (zstd's LICENSE-GPL-2 made the FSF zstd's copyright holder).
      const licensesOwn = d.how.startsWith('text:') && /free software foundation/i.test(holder ?? '');
      if (holder !== undefined && !licensesOwn && out.copyright === undefined)
        out.copyright = guess(holder, source, 0.8);
    }
  if (named.length > 0 && (out.license === undefined || out.license.confidence < CONFIDENT)) {
    const ids = [...new Set(named.map((n) => n.spdx))];
    out.license = guess(
      ids.join(' OR '),
      named.map((n) => n.source).join(','),
      Math.min(...named.map((n) => n.confidence)),
    );
  }
  return out;
}
