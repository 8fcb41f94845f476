/**
 * Views of field values by field type (deb822(5)): folded (Depends, Uploaders, Binary), whitespace lists
 * (Architecture), multiline tables (Files, Checksums-*, MD5Sum/SHA256 in Release, Conffiles) and Description
 * (synopsis + extended text with ` .` for empty lines). They take the logical value `Paragraph.get()` returns, so
 * they never see comment lines or raw escaping.
 */
import { PkgmeError } from '../../errors.ts';

/** A folded field as one logical line: every run of whitespace, newlines included, becomes one space. */
export function foldValue(value: string): string {
  return value
    .split(/[ \t\r\n]+/)
    .filter((s) => s.length > 0)
    .join(' ');
}

/** A whitespace-separated list (Architecture, Checksums names…). */
export function splitWhitespace(value: string): string[] {
  return value.split(/[ \t\r\n]+/).filter((s) => s.length > 0);
}

/** A comma-separated folded list (Binary, Uploaders…), items trimmed, empty items dropped. */
export function splitCommas(value: string): string[] {
  return foldValue(value)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The lines of a multiline field after the first (the first line, often empty, is `value` up to the first `\n`). */
export function continuationLines(value: string): string[] {
  const nl = value.indexOf('\n');
  return nl < 0 ? [] : value.slice(nl + 1).split('\n');
}

export interface FileEntry {
  /** The hash (MD5, SHA1, SHA256…) in lower-case hex, as written. */
  hash: string;
  size: number;
  /** Only in .changes `Files`: the section and priority columns. */
  section?: string;
  priority?: string;
  /** The file name (or path, in Release). */
  name: string;
}

function tableError(field: string, lineNo: number, problem: string): PkgmeError {
  return new PkgmeError('DEB822_BAD_FILE_LIST', `field ${field}, line ${lineNo}: ${problem}`, 'input', {
    hint: 'each line of a Files/Checksums field is " <hash> <size> <name>" (.changes Files adds section and priority)',
    details: { field, line: lineNo },
  });
}

/**
 * Parses a Files / Checksums-* / MD5Sum / SHA256 field's lines into entries. Accepts the 3-column form (.dsc,
 * Checksums-*, Release) and the 5-column form of .changes `Files`. The first line of the value must be empty.
 */
export function parseFileList(value: string, field = 'Files'): FileEntry[] {
  const nl = value.indexOf('\n');
  const first = nl < 0 ? value : value.slice(0, nl);
  if (first.trim() !== '') throw tableError(field, 1, 'the first line must be empty');
  const out: FileEntry[] = [];
  const lines = continuationLines(value);
  for (let i = 0; i < lines.length; i++) {
    const cols = splitWhitespace(lines[i]!);
    if (cols.length === 0) continue;
    if (cols.length !== 3 && cols.length !== 5) {
      throw tableError(field, i + 2, `expected 3 or 5 columns, found ${cols.length}`);
    }
    const [hash, sizeText] = cols as [string, string];
    if (!/^[0-9a-fA-F]+$/.test(hash))
      throw tableError(field, i + 2, `hash ${JSON.stringify(hash)} is not hex`);
    if (!/^[0-9]{1,15}$/.test(sizeText))
      throw tableError(field, i + 2, `size ${JSON.stringify(sizeText)} is not a number`);
    const entry: FileEntry = { hash, size: Number(sizeText), name: cols[cols.length - 1]! };
    if (cols.length === 5) {
      entry.section = cols[2]!;
      entry.priority = cols[3]!;
    }
    out.push(entry);
  }
  return out;
}

/** The value of a Files / Checksums field for entries (first line empty, one ` hash size [section priority] name`). */
export function formatFileList(entries: readonly FileEntry[]): string {
  return entries
    .map((e) =>
      [
        e.hash,
        String(e.size),
        ...(e.section !== undefined ? [e.section, e.priority ?? 'optional'] : []),
        e.name,
      ].join(' '),
    )
    .reduce((acc, l) => acc + '\n' + l, '');
}

export interface Conffile {
  path: string;
  md5: string;
  /** Flags after the hash: `obsolete`, `remove-on-upgrade`. */
  flags: string[];
}

/** Parses a dpkg status `Conffiles` value (` /etc/path md5 [obsolete] [remove-on-upgrade]` lines). */
export function parseConffiles(value: string): Conffile[] {
  const out: Conffile[] = [];
  const lines = continuationLines(value);
  for (let i = 0; i < lines.length; i++) {
    const cols = splitWhitespace(lines[i]!);
    if (cols.length === 0) continue;
    if (cols.length < 2) {
      throw new PkgmeError(
        'DEB822_BAD_CONFFILES',
        `field Conffiles, line ${i + 2}: expected "path md5"`,
        'input',
        {
          hint: 'each Conffiles line is " <path> <md5> [obsolete] [remove-on-upgrade]"',
          details: { field: 'Conffiles', line: i + 2 },
        },
      );
    }
    out.push({ path: cols[0]!, md5: cols[1]!, flags: cols.slice(2) });
  }
  return out;
}

export interface Description {
  /** The first line: the one-line summary. */
  synopsis: string;
  /**
   * The extended description as lines, the escaping removed: ` .` lines are empty strings; lines keep any extra
   * leading space (a line starting with two spaces is displayed verbatim).
   */
  long: string[];
}

/** Splits a Description value into synopsis and extended lines. */
export function parseDescription(value: string): Description {
  const [synopsis, ...long] = value.split('\n');
  return { synopsis: synopsis!, long };
}

/** The logical Description value for a synopsis and extended lines (empty lines are written as ` .`). */
export function formatDescription(d: Description): string {
  return [d.synopsis, ...d.long].join('\n');
}
