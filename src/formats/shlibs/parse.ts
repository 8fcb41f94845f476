/**
 * Parser for shlibs files (deb-shlibs(5)): DEBIAN/shlibs in a .deb, /var/lib/dpkg/info/<pkg>.shlibs when installed.
 *
 *   # comment
 *   libpng16 16 libpng16-16 (>= 1.6.2-1)
 *   udeb: libpng16 16 libpng-udeb (>= 1.6.2-1)
 *
 * Each line is `[type:] library soversion [dependency]`, read with the same pattern dpkg-shlibdeps'
 * `extract_from_shlibs` uses (so a line it can't read is one we can't read, and vice versa); the type (`udeb`, or
 * any other word) is kept so callers can select the package type they build for, as dpkg-shlibdeps does.
 *
 * Untrusted text, read the way dpkg reads it: a bad line is skipped and reported as a problem (dpkg-shlibdeps warns
 * and goes on), so one broken line doesn't hide a package's other libraries. `strict: true` throws the first
 * problem instead. Either way every failure is a PkgmeError SHLIBS_SYNTAX / SHLIBS_DEPENDENCY with its line number.
 */
import { PkgmeError } from '../../errors.ts';
import { parseRelations } from '../relation/parse.ts';
import type { RelationList } from '../relation/model.ts';
import { splitSoname } from './soname.ts';

export interface ShlibsEntry {
  /** 1-based line number in the file. */
  line: number;
  /** The `type:` prefix (`udeb`…); undefined for the default (deb) lines. */
  type?: string;
  library: string;
  soversion: string;
  /** The dependency template as written (may be empty: dpkg then adds no dependency). */
  dependency: string;
  /** The dependency parsed as a Depends field; undefined when empty or when it does not parse (see problems). */
  relations?: RelationList;
}

export interface ShlibsParseResult {
  entries: ShlibsEntry[];
  /** Lines skipped (SHLIBS_SYNTAX) or whose dependency did not parse (SHLIBS_DEPENDENCY). */
  problems: PkgmeError[];
}

export interface ShlibsParseOptions {
  /** Throw the first problem instead of collecting it. */
  strict?: boolean;
  /** Name of the file, for messages. */
  file?: string;
}

// dpkg-shlibdeps' line pattern, with perl's ASCII \s / \S / `.` spelled out (JS's \s also matches Unicode spaces,
// and its `.` excludes \r, which perl's does not).
const S = '[ \\t\\n\\r\\f\\v]';
const N = '[^ \\t\\n\\r\\f\\v]';
const LINE = new RegExp(`^${S}*(?:(${N}+):${S}+)?(${N}+)${S}+(${N}+)(?:${S}+(${N}[^\\n]*${N}))?${S}*$`);
const BLANK = new RegExp(`^${S}*$`);
const MAX_QUOTE = 80;

function quote(text: string): string {
  return JSON.stringify(text.length > MAX_QUOTE ? `${text.slice(0, MAX_QUOTE)}…` : text);
}

/** Parses a whole shlibs file. */
export function parseShlibs(text: string, opts: ShlibsParseOptions = {}): ShlibsParseResult {
  const entries: ShlibsEntry[] = [];
  const problems: PkgmeError[] = [];
  const where = opts.file === undefined ? '' : `${opts.file}: `;
  const report = (err: PkgmeError) => {
    if (opts.strict) throw err;
    problems.push(err);
  };
  let lineNo = 0;
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    lineNo++;
    if (line.charCodeAt(0) === 0x23 || BLANK.test(line)) continue;
    const m = LINE.exec(line);
    if (m === null) {
      report(
        new PkgmeError(
          'SHLIBS_SYNTAX',
          `${where}shlibs line ${lineNo} is not "[type:] library soversion dependency": ${quote(line)}`,
          'input',
          {
            hint: 'each shlibs line names a library, its soversion and the dependency to use, e.g. "libpng16 16 libpng16-16 (>= 1.6.2-1)"; see deb-shlibs(5)',
            details: { line: lineNo, ...(opts.file === undefined ? {} : { file: opts.file }) },
          },
        ),
      );
      continue;
    }
    const entry: ShlibsEntry = { line: lineNo, library: m[2]!, soversion: m[3]!, dependency: m[4] ?? '' };
    if (m[1] !== undefined) entry.type = m[1];
    if (entry.dependency !== '') {
      try {
        entry.relations = parseRelations(entry.dependency, { field: 'Depends' });
      } catch (err) {
        if (!(err instanceof PkgmeError)) throw err;
        report(
          new PkgmeError(
            'SHLIBS_DEPENDENCY',
            `${where}shlibs line ${lineNo}: the dependency of ${entry.library} ${entry.soversion} does not parse: ${err.message}`,
            'input',
            {
              hint: 'the third column of a shlibs line is a Depends-style relation, e.g. "libfoo1 (>= 1.2)"',
              details: { line: lineNo, ...(opts.file === undefined ? {} : { file: opts.file }) },
              cause: err,
            },
          ),
        );
      }
    }
    entries.push(entry);
  }
  return { entries, problems };
}

/**
 * The dependency template dpkg-shlibdeps takes from one shlibs file for a soname: the first line whose type equals
 * `packageType`, else the first untyped line (`deb` is the default package type, so `udeb:` lines only count when
 * building udebs). Undefined when no line matches or the soname can't be split (dpkg then tries the next source).
 */
export function shlibsDependency(
  entries: readonly ShlibsEntry[],
  soname: string,
  packageType = 'deb',
): ShlibsEntry | undefined {
  const parts = splitSoname(soname);
  if (parts === undefined) return undefined;
  let fallback: ShlibsEntry | undefined;
  for (const e of entries) {
    if (e.library !== parts.library || e.soversion !== parts.soversion) continue;
    if (e.type === undefined) fallback ??= e;
    else if (e.type === packageType) return e;
  }
  return fallback;
}
