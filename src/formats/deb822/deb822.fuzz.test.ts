/**
 * Fuzz the deb822 parsers with real excerpts: the start of dpkg's status and of each apt Packages index, a
 * debian/control with comments, a .dsc body. Contract: return or throw a PkgmeError; and when the bytes parse, the
 * writer must give them back byte for byte, the chunked parser must agree, and the field views must not crash.
 */
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { isPkgmeError, type PkgmeError } from '../../errors.ts';
import { fuzz, prng } from '../../testing/fuzz.ts';
import { requireTools } from '../../testing/env.ts';
import {
  Deb822StreamParser,
  type Paragraph,
  decodeDeb822,
  formatDeb822,
  parseConffiles,
  parseDeb822,
  parseDescription,
  parseFileList,
  splitCommas,
} from './index.ts';
import { corpusFiles } from './testdata/corpus.ts';

/** The first `n` paragraphs of a text (cut at an empty line), so seeds stay small and mutations land everywhere. */
function excerpt(text: string, n: number): string {
  let at = 0;
  for (let i = 0; i < n; i++) {
    const next = text.indexOf('\n\n', at);
    if (next < 0) return text;
    at = next + 2;
  }
  return text.slice(0, at);
}

const CONTROL = `# debian/control with comments
Source: pkgme-fuzz
Section: misc
# Priority: optional
Maintainer: A <a@example.org>
Build-Depends: debhelper-compat (= 13),
# libfoo-dev,
 libbar-dev
Standards-Version: 4.6.2

Package: pkgme-fuzz
Architecture: any
Depends: \${shlibs:Depends}, \${misc:Depends}
Description: fuzz seed
 Long text.
 .
 More.
`;

const DSC = `Format: 3.0 (quilt)
Source: hello
Binary: hello
Architecture: any
Version: 2.10-3
Checksums-Sha256:
 5a0fa7ff8d6b5ffb5b4c5fb9c7b2f2ba4bb1b0d6e7b8c3f3a8c7d8a1f8b7c6d5 725946 hello_2.10.orig.tar.gz
Files:
 6cd0ffea3884a4e79330338dcc2987d6 725946 hello_2.10.orig.tar.gz
`;

function seeds(): Uint8Array[] {
  const enc = new TextEncoder();
  const out = [enc.encode(CONTROL), enc.encode(DSC)];
  for (const f of corpusFiles()) out.push(enc.encode(excerpt(f.text, 12)));
  return out;
}

/**
 * Strict UTF-8 when the bytes are UTF-8 (the decoder's own error path gets fuzzed), else latin1, so that mutated
 * bytes still reach the text parser instead of stopping at the encoding check.
 */
function decode(input: Uint8Array): string {
  try {
    return decodeDeb822(input);
  } catch (err) {
    if (!isPkgmeError(err)) throw err;
    return Buffer.from(input).toString('latin1');
  }
}

/** The text through the chunked parser, cut at random places. */
function streamParse(text: string, rnd: () => number): Paragraph[] {
  const sp = new Deb822StreamParser();
  const got: Paragraph[] = [];
  for (let i = 0; i < text.length;) {
    const n = 1 + Math.floor(rnd() * 300);
    got.push(...sp.push(text.slice(i, i + n)));
    i += n;
  }
  got.push(...sp.end());
  return got;
}

/** Every view over every field of the parsed paragraphs; field-level errors must be typed too. */
function exercise(text: string, rnd: () => number): void {
  let ps;
  try {
    ps = parseDeb822(text);
  } catch (err) {
    // The chunked parser must fail the same way, on the same line.
    const e = err as PkgmeError;
    let same = false;
    try {
      streamParse(text, rnd);
    } catch (err2) {
      const e2 = err2 as PkgmeError;
      same = isPkgmeError(e2) && e2.code === e.code && e2.details.line === e.details.line;
    }
    if (!same)
      throw new Error(
        `stream parser does not fail like the whole-text parser (${e.code} line ${String(e.details?.line)})`,
      );
    throw err;
  }
  const back = formatDeb822(ps);
  // Text without any field gives no paragraph (documented); everything else must come back byte for byte.
  if (ps.length > 0 && back !== text)
    throw new Error(`round trip differs (${text.length} → ${back.length} chars)`);
  for (const p of ps) {
    for (const [name, value] of p.entries()) {
      const views = [
        () => parseFileList(value, name),
        () => parseConffiles(value),
        () => parseDescription(value),
        () => splitCommas(value),
      ];
      for (const v of views) {
        try {
          v();
        } catch (err) {
          if (!isPkgmeError(err)) throw err;
        }
      }
    }
  }
  // The chunked parser on random chunk boundaries must see the same paragraphs.
  const got = streamParse(text, rnd);
  if (got.length !== ps.length || formatDeb822(got) !== back) throw new Error('stream parser disagrees');
}

test('fuzz deb822 parser, writer and field views', async (t) => {
  if (!requireTools(t, ['lz4'], 'lz4')) return;
  const rnd = prng(1);
  await fuzz({
    name: 'deb822',
    seeds: seeds(),
    run: (input) => exercise(decode(input), rnd),
  });
});

test('fuzz deb822 with the whole status file as seed', async () => {
  // A larger input than the excerpts: mutations far from the start, paragraph counts in the hundreds.
  const status = readFileSync('/var/lib/dpkg/status');
  const rnd = prng(2);
  await fuzz({
    name: 'deb822-status',
    seeds: [status],
    run: (input) => exercise(decode(input), rnd),
  });
});
