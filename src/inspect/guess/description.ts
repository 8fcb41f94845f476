/**
 * Description and tagline (issue 4, "Description and tagline"), from the best source the upload has:
 *  1. the metadata file (the developer wrote them for this purpose: confidence 1);
 *  2. AppStream metainfo (`*.metainfo.xml`, `*.appdata.xml`): `<summary>` and the `<description>` paragraphs,
 *     written for software centres, so nearly as good (0.9);
 *  3. the README (README, README.md, README.txt, README.rst): the first heading or line as the tagline, the first
 *     paragraphs as the description, with Markdown/RST markup, badges and HTML removed (0.5 and 0.4: a README is
 *     written for another purpose, and often starts with installation notes);
 *  4. a man page's NAME line (section 1, 6 or 8), for the tagline alone (0.4).
 *
 * The metainfo reader is a bounded text scan, not an XML parser: it reads at most MAX_TEXT_BYTES, looks only for
 * the untranslated <summary>, <description>, <p> and <li> elements, decodes only XML's five predefined entities and
 * numeric character references, and never reads a DTD, so entity expansion ("billion laughs") and external
 * entities cannot happen. The fields it reads are flat text, which is all a scan must understand; the test
 * compares its output with `appstreamcli convert` on real metainfo files.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { guess, type Guess } from './field.ts';
import type { InventoryEntry } from '../inventory.ts';
import type { MetadataFields } from './metadata.ts';

/** Metainfo and README files are a few KiB; a larger one is read only up to this. */
export const MAX_TEXT_BYTES = 256 * 1024;
/** An extended description longer than this is cut at a paragraph: the package's Description is not a manual. */
export const MAX_DESCRIPTION_CHARS = 2000;

export interface DescriptionGuess {
  summary?: Guess<string>;
  description?: Guess<string>;
}

const METAINFO = /\.(metainfo|appdata)\.xml$/i;
const README = /^readme(\.(md|markdown|txt|rst))?$/i;

function readBytes(path: string, max = MAX_TEXT_BYTES): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(max);
    const n = readSync(fd, buf, 0, max, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML's predefined entities and character references; anything else stays as written (no DTD is read). */
function decodeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]+);/g, (m, e: string) => {
    if (e.startsWith('#')) {
      const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return ENTITIES[e] ?? m;
  });
}

function squash(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** The text of an element's content: inner markup (<em>, <code>) dropped, entities decoded, blanks collapsed. */
function textOf(inner: string): string {
  return squash(decodeXml(inner.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1').replace(/<[^>]*>/g, '')));
}

interface Element {
  at: number;
  /** Just past the closing tag. */
  end: number;
  attrs: string;
  inner: string;
}

/**
 * Elements named `tag`, in document order, found with indexOf (linear: a regex with a lazy body would rescan the
 * rest of the input for every unclosed open tag, quadratic on hostile input). Nesting of the same tag is not
 * understood, and need not be: summary, p, li and releases do not nest.
 */
function elements(xml: string, tag: string): Element[] {
  const out: Element[] = [];
  const open = `<${tag}`;
  const close = `</${tag}`;
  for (let i = xml.indexOf(open); i >= 0; i = xml.indexOf(open, i)) {
    const after = xml.charAt(i + open.length);
    if (!/[\s>/]/.test(after)) {
      i += open.length;
      continue;
    }
    const gt = xml.indexOf('>', i);
    if (gt < 0) break;
    const attrs = xml.slice(i + open.length, gt);
    if (attrs.endsWith('/')) {
      i = gt + 1;
      continue;
    }
    const c = xml.indexOf(close, gt);
    const cgt = c < 0 ? -1 : xml.indexOf('>', c);
    if (cgt < 0) break;
    out.push({ at: i, end: cgt + 1, attrs, inner: xml.slice(gt + 1, c) });
    i = cgt + 1;
  }
  return out;
}

const translated = (e: Element) => /\bxml:lang\s*=/.test(e.attrs);

/** Removes every `start`…`end` range (comments), linearly. An unterminated one runs to the end. */
function cutRanges(s: string, start: string, end: string): string {
  let out = '';
  let i = 0;
  for (let j = s.indexOf(start); j >= 0; j = s.indexOf(start, i)) {
    out += s.slice(i, j);
    const k = s.indexOf(end, j + start.length);
    if (k < 0) return out;
    i = k + end.length;
  }
  return out + s.slice(i);
}

export interface Metainfo {
  summary?: string;
  /** Paragraphs; list items become "- item" lines of one paragraph. */
  description: string[];
}

/** Reads the untranslated summary and description of an AppStream metainfo document (component level only). */
export function parseMetainfo(xml: string): Metainfo {
  // Comments may hold example markup; releases carry their own <description>s, which are not the application's.
  const uncommented = cutRanges(xml, '<!--', '-->');
  let body = '';
  let from = 0;
  for (const r of elements(uncommented, 'releases')) {
    body += uncommented.slice(from, r.at);
    from = r.end;
  }
  body += uncommented.slice(from);
  const summary = elements(body, 'summary')
    .filter((e) => !translated(e))
    .map((e) => textOf(e.inner))
    .find((t) => t !== '');
  const desc = elements(body, 'description').find((e) => !translated(e))?.inner ?? '';
  const blocks = [...elements(desc, 'p'), ...elements(desc, 'ul'), ...elements(desc, 'ol')]
    .filter((e) => !translated(e))
    .sort((a, b) => a.at - b.at);
  const paras: string[] = [];
  for (const b of blocks) {
    if (desc.startsWith('<p', b.at)) {
      const t = textOf(b.inner);
      if (t !== '') paras.push(t);
    } else {
      const items = elements(b.inner, 'li')
        .filter((e) => !translated(e))
        .map((e) => textOf(e.inner))
        .filter((t) => t !== '');
      if (items.length > 0) paras.push(items.map((i) => `- ${i}`).join('\n'));
    }
  }
  return { ...(summary !== undefined ? { summary } : {}), description: paras };
}

/** Inline Markdown/RST/HTML → plain text: images and badges go, links keep their text, emphasis marks go. */
export function plainInline(s: string): string {
  return squash(
    s
      .replace(/!\[[^\]]*\](\([^)]*\)|\[[^\]]*\])?/g, '') // image, inline or by reference: ![alt](img), ![alt][ref]
      .replace(/\[\s*\](\([^)]*\)|\[[^\]]*\])/g, '') // the link left around a badge: [![alt](img)](url)
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') // link
      .replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1') // reference link
      .replace(/:[a-z]+:`([^`]*)`/g, '$1') // RST role
      .replace(/`([^`<]*?)\s*(<[^>`]*>)?`_{0,2}/g, '$1') // code, RST link `text <url>`_
      .replace(/<[^>]+>/g, '') // HTML tags
      .replace(/(\*\*|__)(.+?)\1/g, '$2')
      .replace(/(^|\W)[*_](\S(?:.*?\S)?)[*_](?=\W|$)/g, '$1$2'),
  );
}

const HEADING = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/;
const UNDERLINE = /^\s*([=\-~^"'`#*+])\1+\s*$/;
const FENCE = /^\s*(```|~~~)/;

/**
 * The tagline and description come from the top of a README; the rest is not read. Enough for a "Description"
 * section after a table of contents and some news (btop's is the 40th block).
 */
const MAX_README_BLOCKS = 64;

interface ReadmeBlock {
  kind: 'heading' | 'para';
  text: string;
}

/** Splits a README into headings and paragraphs; code blocks, tables, link definitions and HTML-only blocks go. */
function readmeBlocks(text: string): ReadmeBlock[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const blocks: ReadmeBlock[] = [];
  let para: string[] = [];
  let fenced = false;
  const flush = () => {
    // Bounded: the inline clean-up's lazy patterns are quadratic in the worst case, and only the first paragraphs
    // are used anyway.
    const raw = para.join(' ').slice(0, MAX_DESCRIPTION_CHARS);
    const lines = para.length;
    para = [];
    const t = plainInline(raw);
    if (t !== '' && /[A-Za-z]{2}/.test(t))
      blocks.push({ kind: lines === 1 && plainHeading(t) ? 'heading' : 'para', text: t });
  };
  for (let i = 0; i < lines.length && blocks.length < MAX_README_BLOCKS; i++) {
    const line = lines[i]!;
    if (FENCE.test(line)) {
      flush();
      fenced = !fenced;
      continue;
    }
    if (fenced) continue;
    const h = HEADING.exec(line);
    const next = lines[i + 1];
    if (
      h !== null ||
      (line.trim() !== '' && next !== undefined && UNDERLINE.test(next) && para.length === 0)
    ) {
      flush();
      blocks.push({ kind: 'heading', text: plainInline(h !== null ? h[1]! : line) });
      if (h === null) i++;
      continue;
    }
    if (UNDERLINE.test(line) || line.trim() === '') {
      flush();
      continue;
    }
    // Indented code, tables, link definitions, RST directives and their options (":target: url"), list items and
    // block quotes are not prose.
    if (
      /^( {4}|\t)|^\s*\||^\s*\[[^\]]+\]:\s|^\s*\.\.\s|^\s*:[\w-]+:(\s|$)|^\s*>|^\s*([-*+]|\d{1,3}[.)])\s/.test(
        line,
      )
    ) {
      flush();
      continue;
    }
    para.push(line.trim());
  }
  flush();
  return blocks;
}

/**
 * Words whose period does not end a sentence. Without them "e.g. a GUI" or "Dr. Smith" would cut a tagline short;
 * file names ("README.rst"), URLs and versions ("1.07") need no list: their period is not followed by a blank.
 */
const ABBREVIATION =
  /(?:^|[\s("'])(?:e\.g|i\.e|etc|vs|cf|viz|approx|incl|esp|resp|al|ca|no|nr|fig|vol|ver|mr|mrs|ms|dr|prof|st|jr|sr|inc|ltd|co|corp|[A-Z])$/i;

/**
 * Splits off the first sentence: it ends at ".", "!" or "?" followed by a blank (or the end), unless the period
 * closes an abbreviation or the next word starts in lower case (a sentence does not). Returns the sentence without
 * its final period(s) and the trimmed rest ("" when the text is one sentence).
 */
export function splitSentence(text: string): [string, string] {
  const s = text.trim();
  for (const m of s.matchAll(/[.!?]+(?=\s|$)/g)) {
    const before = s.slice(0, m.index);
    const after = s.slice(m.index + m[0].length).trimStart();
    // "1.1. Overall documentation" is a numbered heading, not a sentence "1.1".
    if (m[0] === '.' && (ABBREVIATION.test(before) || /^\d[\d.]*$/.test(before))) continue;
    if (/^[a-z]/.test(after)) continue;
    const end = m[0].startsWith('.') ? m.index : m.index + m[0].length;
    return [s.slice(0, end).trim(), after];
  }
  return [s.replace(/\.+$/, ''), ''];
}

/** The first sentence of a paragraph (for a tagline), without its final period. */
function firstSentence(s: string): string {
  return splitSentence(s)[0];
}

/**
 * Text that only sends the reader elsewhere ("See README.rst", "For more information, see …", "Please read the
 * manual"), only names a link or file ("Homepage: https://…", "codership.com") or is boilerplate (a copyright line,
 * an editor mode line): it says nothing about what the program does, so it is never a tagline or a description.
 */
export function isPointer(text: string): boolean {
  const s = text.trim();
  if (
    /^(?:(?:please|for (?:more|further|full|detailed|the latest)\b[^,.]*?,?|more (?:info|information|details)\b[^,.]*?,?)\s+)?(?:see|read|refer to|visit|check out|consult|go to)\b/i.test(
      s,
    ) ||
    /^(?:copyright\b|\(c\)|©|copying and distribution of this file|this file is part of|permission is (?:hereby )?granted)|-\*-.*-\*-/i.test(
      s,
    )
  )
    return true;
  // What is left once URLs, mail addresses, paths and file names are gone: fewer than two words is a link line.
  const words = s
    .replace(/\S*(?::\/\/|@|\/)\S*|\S+\.[A-Za-z0-9]{1,5}\b\S*/g, ' ')
    .split(/\s+/)
    .filter((w) => /[A-Za-z]{2}/.test(w) && !/:$/.test(w));
  return words.length < 2;
}

/**
 * Sections of a README that do not describe the program, skipped when looking for the description (btop's README
 * starts with "Index" and "News"; aria2's with "Disclaimer").
 */
const NOT_DESCRIPTIVE =
  /^(?:index|contents|table of contents|toc|news|what'?s new|changes|change ?log|release notes|disclaimer|warning|notice|note|status|badges|build status|installation|install(?:ing)?|build(?:ing)?|compil(?:ing|ation)\b.*|download(?:s|ing)?|requirements|prerequisites|dependencies|license|licen[cs]ing|copyright|authors?|credits|contributing|support|sponsors?|donat(?:e|ions?)|screenshots?|usage|quick ?start|getting started|faq|version\b.*)$/i;

/** Headings that announce the description itself: preferred when the README has one. */
const DESCRIPTIVE = /^(?:description|about(?: .*)?|introduction|overview|what is .*|summary|synopsis|name)$/i;

/** A plain-text README's section title ("Description", "NAME", "INSTALLATION"): one short line, no sentence. */
function plainHeading(text: string): boolean {
  return (
    text.length <= 40 &&
    !/[.,;:!?]$/.test(text) &&
    (DESCRIPTIVE.test(text) || NOT_DESCRIPTIVE.test(text) || /^[A-Z][A-Z ]+$/.test(text))
  );
}

export interface ReadmeText {
  tagline?: string;
  description: string[];
}

/**
 * Tagline: the first heading when it says more than the project's name and version ("htop - an interactive process
 * viewer", not "FreeType 2.12.1"), else the first sentence of the first description paragraph. Description: the
 * paragraphs of the "Description"/"About"/"Introduction" section when there is one, else of the first section that
 * is not news, an index, installation notes or the like; pointers and link lines are left out (isPointer).
 */
export function parseReadme(text: string, name?: string): ReadmeText {
  const blocks = readmeBlocks(text);
  const sections: Array<{ heading?: string; paras: string[] }> = [{ paras: [] }];
  for (const b of blocks)
    if (b.kind === 'heading') sections.push({ heading: b.text, paras: [] });
    else if (!isPointer(b.text)) sections.at(-1)!.paras.push(b.text);
  const titled = sections.filter((s) => s.heading !== undefined);
  // The title is a heading with no prose before it (copyright lines and pointers do not count).
  const title = sections[0]!.paras.length === 0 ? titled[0]?.heading : undefined;
  const prose = (s: { heading?: string; paras: string[] }) =>
    s.paras.length > 0 && (s.heading === undefined || !NOT_DESCRIPTIVE.test(s.heading));
  const chosen =
    titled.slice(1).find((s) => DESCRIPTIVE.test(s.heading!) && s.paras.length > 0) ?? sections.find(prose);
  const paras = chosen?.paras ?? [];
  const bare = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '');
  const words =
    title
      ?.split(/\s+/)
      .filter((w) => !/^v?\d[\w.+~-]*$/i.test(w) && (name === undefined || bare(w) !== bare(name))) ?? [];
  const headSaysMore =
    title !== undefined &&
    words.length >= 2 &&
    (name === undefined || bare(title) !== bare(name)) &&
    title.length <= 100 &&
    !isPointer(title);
  // A sentence with a URL makes a poor tagline (appstreamcli's summary-has-url): the next paragraph's may do;
  // none at all is better, the plan then tries its other sources.
  const tagline = headSaysMore ? title : paras.map(firstSentence).find((t) => !/:\/\//.test(t));
  return { ...(tagline !== undefined && tagline !== '' ? { tagline } : {}), description: paras };
}

/** roff escapes a NAME line uses, as plain text; any other escape goes. */
function unroff(line: string): string {
  return line
    .replace(/\\".*$/, '') // comment
    .replace(/\\f(\[[^\]\s]{0,32}\]|\(..|.)/g, '') // font changes
    .replace(/\\\((em|en|mi|hy)/g, '-')
    .replace(/\\\((aq|cq)/g, "'")
    .replace(/\\\(lq|\\\(rq|\\\(dq/g, '"')
    .replace(/\\[-_]/g, '-')
    .replace(/\\[e\\]/g, '\\')
    .replace(/\\[ ~0]/g, ' ')
    .replace(/\\[&|^%:)]/g, '')
    .replace(/\\\*(\(Aq|\[Aq\])/g, "'") // pod2man's apostrophe string
    .replace(/\\\*(\(L"|\(R"|\[L"\]|\[R"\])/g, '"')
    .replace(/\\(\*|n)(\[[^\]\s]{0,32}\]|\(..|.)/g, '')
    .replace(/\\\(../g, '')
    .replace(/\\\[[^\]\s]{0,32}\]/g, '')
    .replace(/\\(.)/g, '$1');
}

/**
 * The one-line description of a man page's NAME section ("ls \- list directory contents" gives "list directory
 * contents"), as man-db's lexgrog reads it for whatis (the test compares the two on the machine's pages): the text
 * lines after `.SH NAME` up to the next request, or mdoc's `.Nd`. Written by the developer as a synopsis of the
 * program, so it is a good tagline when no README or metainfo gives one (aria2's tarball: README says only
 * "See README.rst", aria2c.1 says "The ultra fast download utility").
 */
export function parseManName(text: string): string | undefined {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const start = lines.findIndex((l) => /^\.S[Hh]\s+"?NAME"?\s*$/i.test(l.trim()));
  if (start < 0) return undefined;
  const got: string[] = [];
  // Long enough for a NAME that lists many commands (openssl's pages list ~50, one per line).
  for (const raw of lines.slice(start + 1, start + 200)) {
    let l = raw.trim();
    if (/^\.Nd\s/.test(l)) return squash(unroff(l.slice(3))) || undefined;
    // A font macro's argument is text: ".B gpgtar" then "\- Encrypt or sign files".
    const font = /^\.(B|I|BR|RB|IR|RI|BI|IB|SM)\s+(.*)$/.exec(l);
    if (font) l = font[2]!.replace(/"/g, '');
    if (/^[.']/.test(l)) {
      if (/^[.']\s*(S[HhSs])\b/.test(l) || got.length > 0) break;
      continue;
    }
    if (l === '') {
      if (got.length > 0) break;
      continue;
    }
    // A NAME line is short; a hostile page's one long line is cut before the escapes are read.
    got.push(unroff(l.slice(0, 1000)));
  }
  const line = squash(got.join(' '));
  const m = /\s-+\s+(.*)$/.exec(line);
  const desc = m ? m[1]!.trim() : undefined;
  return desc !== undefined && desc !== '' ? desc : undefined;
}

const MAN_PAGE = /(^|\/)man[168]\/[^/]+\.[168][a-z]*(\.gz)?$/;

/** A text file, gunzipped when it is .gz (man pages usually are); at most MAX_TEXT_BYTES either way. */
function readText(path: string): string {
  const bytes = readBytes(path);
  if (!path.endsWith('.gz')) return bytes.toString('utf8');
  // A larger page (or a truncated read) throws, and the file is skipped like any unreadable one.
  return gunzipSync(bytes, { maxOutputLength: MAX_TEXT_BYTES }).toString('utf8');
}

function cap(paras: string[]): string {
  const out: string[] = [];
  let total = 0;
  for (const p of paras) {
    if (out.length > 0 && total + p.length > MAX_DESCRIPTION_CHARS) break;
    out.push(p.length > MAX_DESCRIPTION_CHARS ? `${p.slice(0, MAX_DESCRIPTION_CHARS)}…` : p);
    total += p.length;
  }
  return out.join('\n\n');
}

/** Shallow files first (the application's own README, not a bundled library's), then by path. */
function byDepth(a: InventoryEntry, b: InventoryEntry): number {
  const d = a.path.split('/').length - b.path.split('/').length;
  return d !== 0 ? d : a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/**
 * The summary and description guesses for an unpacked upload. `name` (the package name) helps tell a README's
 * title from a real tagline. Unreadable files are skipped: a description is never worth failing an upload for.
 */
export function guessDescription(
  root: string,
  entries: readonly InventoryEntry[],
  metadata: MetadataFields = {},
  name?: string,
): DescriptionGuess {
  const out: DescriptionGuess = {};
  if (metadata.summary) out.summary = metadata.summary;
  if (metadata.description) out.description = metadata.description;
  const files = entries.filter((e) => e.type === 'file').sort(byDepth);
  const sources: Array<{
    match: (path: string) => boolean;
    read: (text: string) => ReadmeText;
    conf: [number, number];
    /** Files this says are better come first (then by depth and path). */
    better?: (path: string) => boolean;
  }> = [
    {
      match: (p) => METAINFO.test(p),
      read: (text) => {
        const m = parseMetainfo(text);
        return { ...(m.summary !== undefined ? { tagline: m.summary } : {}), description: m.description };
      },
      conf: [0.9, 0.9],
    },
    { match: (p) => README.test(basename(p)), read: (text) => parseReadme(text, name), conf: [0.4, 0.5] },
    {
      // A tagline only: the man page of the program named like the package first (aria2c.1 for aria2).
      match: (p) => MAN_PAGE.test(p),
      read: (text) => {
        const t = parseManName(text);
        return { ...(t !== undefined ? { tagline: t } : {}), description: [] };
      },
      conf: [0.4, 0],
      better: (p) => name !== undefined && basename(p).toLowerCase().startsWith(name.toLowerCase()),
    },
  ];
  for (const { match, read, conf, better } of sources)
    for (const e of files
      .filter((f) => match(f.path))
      .sort((a, b) => (better ? Number(better(b.path)) - Number(better(a.path)) : 0))) {
      if (out.summary && out.description) return out;
      let r: ReadmeText;
      try {
        r = read(readText(join(root, e.path)));
      } catch {
        continue;
      }
      const source = `file:${e.path}`;
      if (!out.summary && r.tagline) out.summary = guess(r.tagline, source, conf[0]);
      if (!out.description && r.description.length > 0)
        out.description = guess(cap(r.description), source, conf[1]);
    }
  return out;
}
