/**
 * One line of a Contents index (dists/<suite>/<component>/Contents-<arch>.gz):
 *
 *   usr/lib/x86_64-linux-gnu/libpng16.so.16    libs/libpng16-16
 *   usr/share/doc/a b/README                   doc/foo,non-free/doc/bar
 *
 * The LAST whitespace-separated column is the package list (paths may hold spaces, package names can't); each
 * item is a qualified name `[[area/]section/]name` (Debian's repository format), separated by commas.
 */
import { PkgmeError } from '../../errors.ts';

export interface ContentsRecord {
  /** The path as the index writes it: relative, usually without a leading `./` or `/`. */
  path: string;
  /** Package names, qualifiers dropped, in index order. */
  packages: string[];
  /** The qualifiers (`libs`, `non-free/games`), parallel to `packages`; '' when a name had none. */
  sections: string[];
  /** 1-based line number in the (decompressed) index. */
  line: number;
}

export function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0b || c === 0x0c;
}

const MAX_QUOTE = 80;

export function contentsSyntax(line: number, what: string, text: string): PkgmeError {
  const q = JSON.stringify(text.length > MAX_QUOTE ? `${text.slice(0, MAX_QUOTE)}…` : text);
  return new PkgmeError('CONTENTS_SYNTAX', `Contents index line ${line}: ${what}: ${q}`, 'input', {
    hint: 'each Contents line is "path  section/package[,section/package…]"; the index may be corrupt or truncated: fetch it again',
    details: { line },
  });
}

/**
 * Where the path column ends and the package column starts: [pathEnd, listStart], or undefined for a line with
 * one column. Trailing whitespace (a CR) is ignored.
 */
export function splitColumns(text: string): [number, number, number] | undefined {
  let end = text.length;
  while (end > 0 && isSpace(text.charCodeAt(end - 1))) end--;
  let listStart = end;
  while (listStart > 0 && !isSpace(text.charCodeAt(listStart - 1))) listStart--;
  let pathEnd = listStart;
  while (pathEnd > 0 && isSpace(text.charCodeAt(pathEnd - 1))) pathEnd--;
  if (pathEnd === 0 || listStart === end) return undefined;
  return [pathEnd, listStart, end];
}

/** Package names as policy §5.6.1 allows them (lower case, digits, + - .), starting alphanumeric. */
function isPackageName(s: string, from: number, to: number): boolean {
  if (to - from < 1) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    const alnum = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
    if (!alnum && (i === from || (c !== 0x2b && c !== 0x2d && c !== 0x2e))) return false;
  }
  return true;
}

/** Parses one line; `undefined` for a blank line. */
export function parseContentsLine(text: string, line: number): ContentsRecord | undefined {
  const cols = splitColumns(text);
  if (cols === undefined) {
    for (let i = 0; i < text.length; i++)
      if (!isSpace(text.charCodeAt(i))) throw contentsSyntax(line, 'no package column', text);
    return undefined;
  }
  const [pathEnd, listStart, end] = cols;
  let pathStart = 0;
  while (isSpace(text.charCodeAt(pathStart))) pathStart++;
  const rec: ContentsRecord = { path: text.slice(pathStart, pathEnd), packages: [], sections: [], line };
  for (let at = listStart; at <= end;) {
    let comma = text.indexOf(',', at);
    if (comma < 0 || comma > end) comma = end;
    const slash = text.lastIndexOf('/', comma - 1);
    const nameStart = slash >= at ? slash + 1 : at;
    if (!isPackageName(text, nameStart, comma) || (slash >= at && slash === at))
      throw contentsSyntax(line, `bad package "${text.slice(at, comma)}" in the package column`, text);
    rec.packages.push(text.slice(nameStart, comma));
    rec.sections.push(slash >= at ? text.slice(at, slash) : '');
    at = comma + 1;
  }
  return rec;
}

/** The old indices' header ends with this line (`FILE` and `LOCATION`, separated by spaces). */
export function isHeaderEnd(text: string): boolean {
  return /^FILE[ \t]+LOCATION[ \t\r]*$/.test(text);
}
