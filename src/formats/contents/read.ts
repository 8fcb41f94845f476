/**
 * Streamed reading of Contents indices. The full bookworm Contents-amd64 is 148 MB in 1.66 M lines: it is read
 * chunk by chunk (decompressed on the fly by src/formats/compress, whatever the compression), one line at a time,
 * so memory stays flat whatever the index's size; only a line longer than `maxLineBytes` is refused.
 *
 * Old indices (before 2019 or so) start with a free-text header ending in a `FILE  LOCATION` line. Up to
 * HEADER_LOOKAHEAD leading lines are held back: if that line comes, they were the header and are dropped; if not,
 * they are records like any other. Modern indices have no header.
 */
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { PkgmeError } from '../../errors.ts';
import { decompressStream } from '../compress/index.ts';
import { isHeaderEnd, parseContentsLine, splitColumns, type ContentsRecord } from './line.ts';

export interface ContentsReadOptions {
  /** Longest line accepted (characters). Default 64 Ki; the longest in bookworm's amd64 index has 253. */
  maxLineLength?: number;
  /**
   * Only lines whose path passes this test are parsed (and checked) in full; the others are only split into their
   * two columns. For callers that want a few paths out of millions (the library filter): about 3× faster.
   */
  pathFilter?: (path: string) => boolean;
}

/** Lines held back at the start in case they are an old index's header. */
export const HEADER_LOOKAHEAD = 64;
const DEFAULT_MAX_LINE = 64 * 1024;

/**
 * The lines of a text stream (any compression), a decompressed chunk's worth at a time: one await per chunk rather
 * than per line, which is most of the cost when a caller keeps few of 1.66 M lines. `first` numbers lines[0].
 */
export async function* readLineBatches(
  input: Readable,
  maxLineLength = DEFAULT_MAX_LINE,
): AsyncGenerator<{ lines: string[]; first: number }> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let lineNo = 0;
  for await (const chunk of decompressStream(input)) {
    const text = pending + decoder.write(chunk as Buffer);
    const lines: string[] = [];
    const first = lineNo + 1;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      if (nl - start > maxLineLength) throw tooLong(lineNo + 1, maxLineLength);
      lines.push(text.slice(start, nl));
      lineNo++;
      start = nl + 1;
    }
    pending = text.slice(start);
    if (pending.length > maxLineLength) throw tooLong(lineNo + 1, maxLineLength);
    if (lines.length > 0) yield { lines, first };
  }
  pending += decoder.end();
  if (pending.length > maxLineLength) throw tooLong(lineNo + 1, maxLineLength);
  if (pending !== '') yield { lines: [pending], first: lineNo + 1 };
}

/** The lines of a text stream (any compression), with their numbers. */
export async function* readLines(
  input: Readable,
  maxLineLength = DEFAULT_MAX_LINE,
): AsyncGenerator<[string, number]> {
  for await (const { lines, first } of readLineBatches(input, maxLineLength)) {
    for (let i = 0; i < lines.length; i++) yield [lines[i]!, first + i];
  }
}

function tooLong(line: number, max: number): PkgmeError {
  return new PkgmeError(
    'CONTENTS_LINE_TOO_LONG',
    `Contents index line ${line} is longer than ${max} characters`,
    'limit',
    {
      hint: 'a Contents line is a path and a package list; this index is corrupt, or raise maxLineLength',
      details: { line, limit: max },
    },
  );
}

/**
 * Holds back the first lines until it knows whether they are an old index's header: feed it every line, get back
 * the lines that are records (possibly several at once), and call end() for the rest.
 */
class HeaderSkipper {
  private held: Array<[string, number]> | undefined = [];

  /** True once the header question is settled: lines then go straight through. */
  get done(): boolean {
    return this.held === undefined;
  }

  feed(text: string, line: number): Array<[string, number]> {
    const held = this.held;
    if (held === undefined) return [[text, line]];
    if (isHeaderEnd(text)) {
      this.held = undefined;
      return [];
    }
    held.push([text, line]);
    if (held.length < HEADER_LOOKAHEAD) return [];
    this.held = undefined;
    return held;
  }

  end(): Array<[string, number]> {
    const held = this.held ?? [];
    this.held = undefined;
    return held;
  }
}

function lineParser(opts: ContentsReadOptions): (text: string, line: number) => ContentsRecord | undefined {
  const filter = opts.pathFilter;
  if (filter === undefined) return parseContentsLine;
  return (text, line) => {
    const cols = splitColumns(text);
    if (cols === undefined) return parseContentsLine(text, line); // blank, or the error
    let pathStart = 0;
    while (text.charCodeAt(pathStart) === 0x20 || text.charCodeAt(pathStart) === 0x09) pathStart++;
    return filter(text.slice(pathStart, cols[0])) ? parseContentsLine(text, line) : undefined;
  };
}

/** The records of a Contents index stream (any compression), in order. Throws CONTENTS_SYNTAX on a corrupt line. */
export async function* readContents(
  input: Readable,
  opts: ContentsReadOptions = {},
): AsyncGenerator<ContentsRecord> {
  const parse = lineParser(opts);
  const header = new HeaderSkipper();
  for await (const { lines, first } of readLineBatches(input, opts.maxLineLength)) {
    const records: ContentsRecord[] = [];
    for (let i = 0; i < lines.length; i++) {
      if (header.done) {
        const rec = parse(lines[i]!, first + i);
        if (rec !== undefined) records.push(rec);
        continue;
      }
      for (const [t, n] of header.feed(lines[i]!, first + i)) {
        const rec = parse(t, n);
        if (rec !== undefined) records.push(rec);
      }
    }
    yield* records;
  }
  for (const [t, n] of header.end()) {
    const rec = parse(t, n);
    if (rec !== undefined) yield rec;
  }
}

/** The same over an index already in memory (decompressed text). */
export function* parseContents(text: string, opts: ContentsReadOptions = {}): Generator<ContentsRecord> {
  const parse = lineParser(opts);
  const header = new HeaderSkipper();
  const maxLineLength = opts.maxLineLength ?? DEFAULT_MAX_LINE;
  let lineNo = 0;
  for (let start = 0; start < text.length;) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = text.length;
    const line = text.slice(start, nl);
    lineNo++;
    start = nl + 1;
    if (line.length > maxLineLength) throw tooLong(lineNo, maxLineLength);
    if (header.done) {
      const rec = parse(line, lineNo);
      if (rec !== undefined) yield rec;
      continue;
    }
    for (const [t, n] of header.feed(line, lineNo)) {
      const rec = parse(t, n);
      if (rec !== undefined) yield rec;
    }
  }
  for (const [t, n] of header.end()) {
    const rec = parse(t, n);
    if (rec !== undefined) yield rec;
  }
}
