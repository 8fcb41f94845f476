/**
 * Splits a symbols file into one text per soname, the unit the store keeps (SymbolsSection in src/depdb/types.ts):
 * the resolver only ever needs the few sonames an upload links to, so it parses just those sections.
 *
 * A section runs from its `soname template` line to the next header of another soname; comments between sections
 * go with the section before. A soname that appears twice (dpkg merges them: the later header resets the
 * templates, symbols accumulate) gets one section with both parts, in order, so parsing the section gives what
 * dpkg gets from the whole file.
 */
import { PkgmeError } from '../../errors.ts';
import { classifyLine } from './line.ts';

/** Structurally the same as SymbolsSection in src/depdb/types.ts (the format layer does not import depdb). */
export interface SymbolsSectionText {
  soname: string;
  text: string;
}

export function splitSymbolsFile(text: string, opts: { file?: string } = {}): SymbolsSectionText[] {
  // Per soname, the [start, end) ranges of its runs: a run is contiguous until the next header.
  const runs = new Map<string, Array<[number, number]>>();
  let current: Array<[number, number]> | undefined;
  let runStart = 0;
  const close = (at: number) => {
    if (current !== undefined && at > runStart) current.push([runStart, at]);
  };
  let lineNo = 0;
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    const next = end < 0 ? text.length : end + 1;
    if (end < 0) end = text.length;
    lineNo++;
    const c = text.charCodeAt(start);
    // Symbol lines (leading space) are most of the file and never start a section: no need to classify them.
    if (c !== 0x20 && c !== 0x09) {
      const l = classifyLine(text.slice(start, end));
      if (l.kind === 'header') {
        close(start);
        current = runs.get(l.soname);
        if (current === undefined) runs.set(l.soname, (current = []));
        runStart = start;
      } else if (current === undefined && l.kind !== 'comment' && l.kind !== 'include') {
        throw beforeHeader(l.kind, lineNo, opts.file);
      }
    } else if (current === undefined) {
      throw beforeHeader('symbol', lineNo, opts.file);
    }
    start = next;
  }
  close(text.length);
  return [...runs].map(([soname, ranges]) => ({
    soname,
    text: ranges
      .map(([a, b]) => {
        const t = text.slice(a, b);
        return ranges.length > 1 && !t.endsWith('\n') ? `${t}\n` : t;
      })
      .join(''),
  }));
}

function beforeHeader(kind: string, line: number, file: string | undefined): PkgmeError {
  return new PkgmeError(
    'SYMBOLS_SYNTAX',
    `${file === undefined ? '' : `${file}: `}symbols line ${line}: a ${kind} line before the first "soname template" header`,
    'input',
    {
      hint: 'a symbols file starts with a "soname dependency-template" line',
      details: { line, ...(file === undefined ? {} : { file }) },
    },
  );
}
