/**
 * deb822 parser: control, Packages, Sources, Release, .dsc, .changes, dpkg status.
 *
 * The syntax follows deb822(5) and the behaviour of Dpkg::Control::HashCore (the reference dpkg-source and
 * dpkg-genchanges use): paragraphs are separated by lines that are empty or hold only whitespace; a line starting with
 * a space or tab continues the previous field; a line starting with `#` is a comment (even between continuation
 * lines); a field appearing twice in a paragraph (names compared case-insensitively) is an error, as in dpkg.
 *
 * Nothing is normalised: each paragraph keeps the raw text between paragraphs (`leading`, `trailing`) and each field
 * its raw value text, so `formatDeb822(parseDeb822(text))` returns `text` exactly whenever it holds a field. The
 * parser is one pass of `indexOf('\n')` with slices of the input, so a 50 MB Packages file parses in a fraction of a
 * second; `Deb822StreamParser` does the same over chunks for indices that should not be held twice in memory.
 */
import { PkgmeError } from '../../errors.ts';
import { Paragraph, fieldNameProblem } from './paragraph.ts';

export interface Deb822ParseOptions {
  /**
   * Treat lines starting with `#` as comments (kept in the raw text, ignored by `get`). Default true: dpkg's perl
   * parser always does. With false, such a line is a syntax error, which is what dpkg's C parser does for status.
   */
  allowComments?: boolean;
  /** A name for the input (a path), used in error messages. */
  source?: string;
}

interface SegmentResult {
  paragraphs: Paragraph[];
  /** Offset of the text after the last paragraph (separators, comments), and its line number. */
  tailStart: number;
  tailLine: number;
}

function where(opts: Deb822ParseOptions, line: number): string {
  return opts.source === undefined ? `line ${line}` : `${opts.source}:${line}`;
}

function syntaxError(opts: Deb822ParseOptions, line: number, problem: string, hint: string): PkgmeError {
  return new PkgmeError('DEB822_SYNTAX', `${where(opts, line)}: ${problem}`, 'input', {
    hint,
    details: { line, ...(opts.source === undefined ? {} : { source: opts.source }) },
  });
}

/** True when text[from, to) holds only whitespace (an empty or whitespace-only line separates paragraphs). */
function blankRange(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 12 && c !== 11) return false;
  }
  return true;
}

/**
 * Parses `text` from offset 0, where line 1 of `text` is line `firstLine` of the input. Stops at the end of `text`.
 * The paragraphs returned are complete; the text after the last one is reported as the tail.
 */
function parseSegment(text: string, firstLine: number, opts: Deb822ParseOptions): SegmentResult {
  const allowComments = opts.allowComments !== false;
  const len = text.length;
  const paragraphs: Paragraph[] = [];
  let pos = 0;
  let line = firstLine;
  let sepStart = 0;
  let sepLine = firstLine;
  /** Start of the current paragraph's first field line, or -1 between paragraphs. */
  let paraStart = -1;
  let paraLine = 0;
  let paraLeading = '';
  let names: string[] = [];
  let offs: number[] = [];
  /** Blanks between name and colon, per field index; null until a paragraph has any (they are rare). */
  let gaps: string[] | null = null;
  // Duplicate detection in O(1) per field: every distinct name (case folded) gets an id, and `seenIn[id]` holds the
  // serial of the last paragraph that used it.
  const ids = new Map<string, number>();
  const seenIn: number[] = [];
  let serial = 0;
  let rawStart = 0;
  let fieldEnd = 0;

  // Field names repeat in every paragraph of an index (Package, Version, …): a per-parse cache keyed by the first
  // character finds them with startsWith, without slicing or re-validating a name per line. Bounded per key so
  // hostile input with many distinct names cannot make the lookup quadratic.
  const nameCache: Array<Array<{ name: string; id: number }>> = [];
  const cachedName = (c: number, lineEnd: number): { name: string; id: number } | undefined => {
    const list = nameCache[c & 127];
    if (list === undefined) return undefined;
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      const colon = pos + e.name.length;
      if (colon < lineEnd && text.charCodeAt(colon) === 58 && text.startsWith(e.name, pos)) return e;
    }
    return undefined;
  };
  const idOf = (name: string): number => {
    const key = name.toLowerCase();
    let id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      ids.set(key, id);
    }
    return id;
  };

  const startField = (lineEnd: number): void => {
    const hit = cachedName(text.charCodeAt(pos), lineEnd);
    if (hit !== undefined) {
      addName(hit.name, hit.id);
      rawStart = pos + hit.name.length + 1;
      fieldEnd = lineEnd;
      return;
    }
    let colon = -1;
    for (let i = pos; i < lineEnd; i++) {
      if (text.charCodeAt(i) === 58) {
        colon = i;
        break;
      }
    }
    if (colon < 0) {
      const armor = text.startsWith('-----BEGIN PGP', pos);
      throw syntaxError(
        opts,
        line,
        armor ? 'OpenPGP armor in a control file' : "line is not 'Field: value' (no colon)",
        armor
          ? 'this is an OpenPGP clearsigned file: read it with readClearsigned() and parse the signed text'
          : 'continuation lines must start with a space or tab; every other line needs "Name: value"',
      );
    }
    // dpkg (both its C and perl parsers) allows blanks between the name and the colon; they are kept for the round
    // trip as the field's gap.
    let nameEnd = colon;
    while (nameEnd > pos && (text.charCodeAt(nameEnd - 1) === 32 || text.charCodeAt(nameEnd - 1) === 9))
      nameEnd--;
    const name = text.slice(pos, nameEnd);
    const problem = fieldNameProblem(name);
    if (problem !== null) {
      throw syntaxError(
        opts,
        line,
        `invalid field name ${JSON.stringify(name.slice(0, 80))}: ${problem}`,
        'field names are printable ASCII without spaces, followed by a colon ("Name: value")',
      );
    }
    const id = idOf(name);
    if (nameEnd === colon) {
      const key = name.charCodeAt(0) & 127;
      const list = nameCache[key] ?? (nameCache[key] = []);
      if (list.length < 16) list.push({ name, id });
    } else {
      if (gaps === null) gaps = [];
      gaps[names.length] = text.slice(nameEnd, colon);
    }
    addName(name, id);
    rawStart = colon + 1;
    fieldEnd = lineEnd;
  };

  /** Records the current field's name, enforcing dpkg's rule: no field twice per paragraph (case-insensitive). */
  const addName = (name: string, id: number): void => {
    if (seenIn[id] === serial) throw duplicate(name);
    seenIn[id] = serial;
    names.push(name);
  };

  const duplicate = (name: string): PkgmeError =>
    new PkgmeError(
      'DEB822_DUPLICATE_FIELD',
      `${where(opts, line)}: duplicate field ${name} in one paragraph`,
      'input',
      {
        hint: 'a paragraph may hold each field once (names are case-insensitive); remove or merge the repeated one',
        details: { line, field: name, ...(opts.source === undefined ? {} : { source: opts.source }) },
      },
    );

  const finishField = (): void => {
    offs.push(rawStart, fieldEnd);
  };

  /** Closes the current paragraph, whose last line ends at `fieldEnd`. */
  const finishParagraph = (): Paragraph => {
    finishField();
    const spanEnd = fieldEnd < len ? fieldEnd + 1 : len;
    const p = Paragraph.fromParsed(text, names, offs, gaps, paraStart, spanEnd);
    p.leading = paraLeading;
    p.line = paraLine;
    paragraphs.push(p);
    paraStart = -1;
    return p;
  };

  while (pos < len) {
    let lineEnd = text.indexOf('\n', pos);
    const next = lineEnd < 0 ? len : lineEnd + 1;
    if (lineEnd < 0) lineEnd = len;
    const c = text.charCodeAt(pos);
    if (paraStart < 0) {
      if (c === 35 && allowComments) {
        // A comment between paragraphs: part of the next paragraph's leading text.
      } else if (blankRange(text, pos, lineEnd)) {
        // Separator line.
      } else if (c === 32 || c === 9) {
        throw syntaxError(
          opts,
          line,
          'continuation line before any field',
          'a line starting with a space or tab continues the field above it; remove the indentation',
        );
      } else {
        names = [];
        offs = [];
        gaps = null;
        serial++;
        paraStart = pos;
        paraLine = line;
        paraLeading = text.slice(sepStart, pos);
        startField(lineEnd);
      }
    } else if (c === 35 && allowComments) {
      fieldEnd = lineEnd;
    } else if (blankRange(text, pos, lineEnd)) {
      finishParagraph();
      sepStart = pos;
      sepLine = line;
    } else if (c === 32 || c === 9) {
      fieldEnd = lineEnd;
    } else {
      finishField();
      startField(lineEnd);
    }
    pos = next;
    line++;
  }
  if (paraStart >= 0) {
    const para = finishParagraph();
    // The paragraph ran to the end of the text: the tail is empty, and the last line may lack its newline.
    if (fieldEnd === len) para.finalNewline = false;
    sepStart = Math.min(fieldEnd + 1, len);
    sepLine = line;
  }
  return { paragraphs, tailStart: sepStart, tailLine: sepLine };
}

/**
 * Parses a whole deb822 text. Returns the paragraphs in order; text that holds no field at all (empty, only blank
 * lines or comments) gives `[]`. The last paragraph's `trailing` keeps whatever follows it.
 */
export function parseDeb822(text: string, opts: Deb822ParseOptions = {}): Paragraph[] {
  const { paragraphs, tailStart } = parseSegment(text, 1, opts);
  const last = paragraphs[paragraphs.length - 1];
  if (last !== undefined) last.trailing = text.slice(tailStart);
  return paragraphs;
}

/** Decodes bytes as strict UTF-8 (deb822(5): control files are UTF-8), throwing DEB822_ENCODING otherwise. */
export function decodeDeb822(bytes: Uint8Array, opts: Deb822ParseOptions = {}): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw encodingError(opts);
  }
}

function encodingError(opts: Deb822ParseOptions): PkgmeError {
  return new PkgmeError('DEB822_ENCODING', `${opts.source ?? 'control data'}: not valid UTF-8`, 'input', {
    hint: 'deb822 control files must be encoded in UTF-8; convert the file (iconv -t UTF-8)',
    details: opts.source === undefined ? {} : { source: opts.source },
  });
}

/** `parseDeb822` over bytes (strict UTF-8). */
export function parseDeb822Bytes(bytes: Uint8Array, opts: Deb822ParseOptions = {}): Paragraph[] {
  return parseDeb822(decodeDeb822(bytes, opts), opts);
}

/**
 * Chunked parser for large indices (a 50 MB Packages file arriving from a decompressor): push chunks, get back the
 * paragraphs completed so far. It cuts the buffered text after the last empty line, so memory stays around one
 * chunk plus one paragraph. The paragraphs are the same as `parseDeb822` gives for the concatenated text.
 */
export class Deb822StreamParser {
  private buffer = '';
  private line = 1;
  private last: Paragraph | undefined;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private ended = false;

  constructor(private readonly opts: Deb822ParseOptions = {}) {}

  /** Adds a chunk (text, or bytes decoded as strict UTF-8); returns the paragraphs it completed. */
  push(chunk: string | Uint8Array): Paragraph[] {
    if (this.ended) {
      throw new PkgmeError('DEB822_STREAM_ENDED', 'push() after end() on a deb822 stream parser', 'internal');
    }
    let text: string;
    if (typeof chunk === 'string') text = chunk;
    else {
      try {
        text = this.decoder.decode(chunk, { stream: true });
      } catch {
        throw encodingError(this.opts);
      }
    }
    const before = this.buffer.length;
    this.buffer += text;
    // The last empty line ("\n\n" or "\n\r\n") inside the new chunk closes every paragraph before it. Looking only
    // inside the chunk keeps a huge paragraph arriving in many chunks linear; an empty line split across two chunks
    // is merely found later, since any empty line is a valid place to cut.
    const lf = text.lastIndexOf('\n\n');
    const crlf = text.lastIndexOf('\n\r\n');
    const cut = Math.max(lf < 0 ? -1 : before + lf + 2, crlf < 0 ? -1 : before + crlf + 3);
    if (cut < 0) return [];
    return this.consume(this.buffer.slice(0, cut), this.buffer.slice(cut));
  }

  /** Signals the end of input; returns the remaining paragraphs. */
  end(): Paragraph[] {
    if (this.ended) return [];
    try {
      this.buffer += this.decoder.decode();
    } catch {
      throw encodingError(this.opts);
    }
    this.ended = true;
    const { paragraphs, tailStart } = parseSegment(this.buffer, this.line, this.opts);
    const tail = this.buffer.slice(tailStart);
    this.buffer = '';
    const last = paragraphs[paragraphs.length - 1] ?? this.last;
    if (last !== undefined) last.trailing = tail;
    return paragraphs;
  }

  private consume(segment: string, rest: string): Paragraph[] {
    const { paragraphs, tailStart, tailLine } = parseSegment(segment, this.line, this.opts);
    this.buffer = segment.slice(tailStart) + rest;
    this.line = tailLine;
    if (paragraphs.length > 0) this.last = paragraphs[paragraphs.length - 1];
    return paragraphs;
  }
}

/** Parses an async stream of chunks (e.g. a decompressor's output), yielding paragraphs as they complete. */
export async function* parseDeb822Stream(
  source: AsyncIterable<string | Uint8Array>,
  opts: Deb822ParseOptions = {},
): AsyncGenerator<Paragraph> {
  const parser = new Deb822StreamParser(opts);
  for await (const chunk of source) yield* parser.push(chunk);
  yield* parser.end();
}
