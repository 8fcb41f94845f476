/**
 * One deb822 paragraph (stanza): an ordered list of fields that keeps every byte it was parsed from.
 *
 * Why raw text: pkgme rewrites real control files (debian/control, .dsc, Release) and must not reformat what it did
 * not change, so the model stores, per field, the name as spelled and the exact text after the colon (leading
 * space, continuation lines, embedded `#` comment lines, trailing blanks, even `\r`). Writing it back is then plain
 * concatenation, and a parse → write round trip is byte-identical by construction. The logical value that dpkg sees
 * is computed on demand by `get()` with exactly the rules of Dpkg::Control::HashCore, so callers never deal with the
 * escaping.
 */
import { PkgmeError } from '../../errors.ts';

/** True for the characters Perl's `\s` strips at the end of a control line (dpkg trims them from values). */
function isTrimSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 12 || c === 11;
}

/** `s` without trailing whitespace (space, tab, CR, FF, VT), like Perl's `s/\s+$//`. */
export function trimEnd(s: string): string {
  let e = s.length;
  while (e > 0 && isTrimSpace(s.charCodeAt(e - 1))) e--;
  return e === s.length ? s : s.slice(0, e);
}

function trimBoth(s: string): string {
  let b = 0;
  while (b < s.length && isTrimSpace(s.charCodeAt(b))) b++;
  return trimEnd(b === 0 ? s : s.slice(b));
}

/** True when every character of `s` is whitespace (an empty or whitespace-only line ends a paragraph). */
export function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isTrimSpace(s.charCodeAt(i))) return false;
  return true;
}

/**
 * Case-insensitive equality of two field names without allocating (the parser calls it for every field of a 50 MB
 * index to enforce the duplicate rule). Only ASCII letters fold, which is all a valid field name can hold.
 */
export function sameFieldName(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const lx = x | 0x20;
    if (lx !== (y | 0x20) || lx < 0x61 || lx > 0x7a) return false;
  }
  return true;
}

const FIELD_NAME = /^[!-9;-~]+$/;

/** Null when `name` is a valid deb822 field name, else the reason (deb822(5): printable ASCII, no colon, no space). */
export function fieldNameProblem(name: string): string | null {
  if (name.length === 0) return 'the field name is empty';
  if (!FIELD_NAME.test(name)) return 'a field name may only hold printable ASCII without space or colon';
  const c = name.charCodeAt(0);
  if (c === 0x23) return "a field name must not begin with '#'";
  if (c === 0x2d) return "a field name must not begin with '-'";
  return null;
}

/**
 * The logical value of a raw field text, as Dpkg::Control::HashCore computes it: the first line trimmed; each
 * continuation line with its trailing whitespace and its one leading space or tab removed, a line of only dots
 * losing one dot (` .` → empty line); `#` comment lines skipped. Lines are joined with `\n`.
 */
export function rawToValue(raw: string): string {
  let nl = raw.indexOf('\n');
  if (nl < 0) return trimBoth(raw);
  let value = trimBoth(raw.slice(0, nl));
  while (nl >= 0) {
    const start = nl + 1;
    nl = raw.indexOf('\n', start);
    const line = raw.slice(start, nl < 0 ? raw.length : nl);
    if (line.charCodeAt(0) === 0x23) continue;
    let text = trimEnd(line).slice(1);
    if (/^\.+$/.test(text)) text = text.slice(1);
    value += '\n' + text;
  }
  return value;
}

/**
 * The raw text for a logical value, as Dpkg::Control::HashCore writes it: ` first line`, then one continuation line
 * per further line, ` .` for an empty one. `rawToValue(valueToRaw(v))` gives `v` back for any value whose lines
 * carry no leading or trailing whitespace on the first line or trailing whitespace on the others.
 */
export function valueToRaw(value: string): string {
  if (value.indexOf('\n') < 0 && value.indexOf('\r') < 0) return value.length > 0 ? ' ' + value : '';
  const [first, ...rest] = value.replace(/\r\n?/g, '\n').split('\n');
  let raw = first!.length > 0 ? ' ' + trimBoth(first!) : '';
  for (const l of rest) {
    const line = trimEnd(l);
    raw += line.length === 0 || /^\.+$/.test(line) ? '\n .' + line : '\n ' + line;
  }
  return raw;
}

/** Checks that `raw` is a valid field body (so writing it keeps the file parseable); throws DEB822_BAD_VALUE. */
export function checkRaw(name: string, raw: string): void {
  const lines = raw.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const c = line.charCodeAt(0);
    const ok = c === 0x23 || ((c === 32 || c === 9) && !isBlank(line));
    if (!ok) {
      throw new PkgmeError(
        'DEB822_BAD_VALUE',
        `field ${name}: raw line ${i + 1} is not a continuation line`,
        'input',
        {
          hint: 'continuation lines start with a space or tab and are not blank (write an empty line as " .")',
          details: { field: name, line: i + 1 },
        },
      );
    }
  }
}

function checkName(name: string): void {
  const problem = fieldNameProblem(name);
  if (problem !== null) {
    throw new PkgmeError(
      'DEB822_BAD_FIELD_NAME',
      `invalid field name ${JSON.stringify(name)}: ${problem}`,
      'input',
      {
        hint: 'use a name of printable ASCII letters, digits and dashes, such as "Depends" or "X-Custom"',
        details: { field: name },
      },
    );
  }
}

export class Paragraph {
  /**
   * Raw text before the paragraph's first field: blank lines, whitespace-only lines, and `#` comment lines.
   * `undefined` for a paragraph built in code: the writer then uses one empty line between paragraphs.
   */
  leading: string | undefined = undefined;
  /** Raw text after the paragraph's last field line (blank lines, comments). Only written for the last paragraph. */
  trailing = '';
  /** False when the input ended without a newline after this paragraph's last line. Only honoured for the last. */
  finalNewline = true;
  /** 1-based line number of the first field in the parsed input (0 for a paragraph built in code). */
  line = 0;

  private names: string[] = [];
  /**
   * Field bodies. A parsed paragraph keeps them as offsets into the source text (`offs`: start, end per field) and
   * slices on demand: a 50 MB index then costs no string per field at parse time, only when a field is read. The
   * first change materializes them into `raws`.
   */
  private raws: string[] | null = [];
  private src = '';
  private offs: number[] | null = null;
  /** For an unchanged parsed paragraph, the range of its field lines in `src`: writing it back is one slice. */
  private spanStart = -1;
  private spanEnd = -1;
  /**
   * Blanks written between a field's name and its colon (`Foo : bar`, which dpkg accepts), by field index; sparse,
   * and null for the usual paragraph that has none.
   */
  private gaps: string[] | null = null;

  /** A paragraph from [name, value] pairs (logical values, as `set` takes them). */
  static from(entries: Iterable<readonly [string, string]> | Record<string, string>): Paragraph {
    const p = new Paragraph();
    const list = Symbol.iterator in entries ? entries : Object.entries(entries);
    for (const [name, value] of list as Iterable<readonly [string, string]>) p.set(name, value);
    return p;
  }

  /**
   * A paragraph over the parser's arrays, without validation or copying. For the parser only: it has checked the
   * names and the duplicate rule. `offs` holds start/end offsets of each field body in `src`, and
   * [spanStart, spanEnd) the paragraph's field lines.
   */
  static fromParsed(
    src: string,
    names: string[],
    offs: number[],
    gaps: string[] | null,
    spanStart: number,
    spanEnd: number,
  ): Paragraph {
    const p = new Paragraph();
    p.src = src;
    p.names = names;
    p.offs = offs;
    p.raws = null;
    p.gaps = gaps;
    p.spanStart = spanStart;
    p.spanEnd = spanEnd;
    return p;
  }

  private raw(i: number): string {
    if (this.raws !== null) return this.raws[i]!;
    const offs = this.offs!;
    return this.src.slice(offs[2 * i]!, offs[2 * i + 1]!);
  }

  /** Before a change: field bodies become strings and the source span no longer describes the paragraph. */
  private materialize(): string[] {
    if (this.raws === null) {
      const raws: string[] = [];
      for (let i = 0; i < this.names.length; i++) raws.push(this.raw(i));
      this.raws = raws;
      this.offs = null;
      this.src = '';
    }
    this.spanStart = -1;
    return this.raws;
  }

  /** Index of a field, case-insensitively (field names are not case-sensitive), or -1. */
  indexOf(name: string): number {
    const names = this.names;
    for (let i = 0; i < names.length; i++) if (names[i] === name) return i;
    for (let i = 0; i < names.length; i++) if (sameFieldName(names[i]!, name)) return i;
    return -1;
  }

  has(name: string): boolean {
    return this.indexOf(name) >= 0;
  }

  /** The logical value (see `rawToValue`), or undefined when the field is absent. */
  get(name: string): string | undefined {
    const i = this.indexOf(name);
    return i < 0 ? undefined : rawToValue(this.raw(i));
  }

  /** The exact text after the colon, continuation lines included (without the final newline). */
  getRaw(name: string): string | undefined {
    const i = this.indexOf(name);
    return i < 0 ? undefined : this.raw(i);
  }

  /**
   * Sets a field from a logical value (multiline values use `\n`; empty lines become ` .`). An existing field keeps
   * its position and its spelling; a new one is appended at the end.
   */
  set(name: string, value: string): this {
    return this.setRaw(name, valueToRaw(value));
  }

  /** Sets a field's exact text after the colon (checked to be valid continuation syntax). */
  setRaw(name: string, raw: string): this {
    checkName(name);
    checkRaw(name, raw);
    const raws = this.materialize();
    const i = this.indexOf(name);
    if (i >= 0) raws[i] = raw;
    else {
      this.names.push(name);
      raws.push(raw);
    }
    return this;
  }

  /** Removes a field; returns whether it was present. */
  delete(name: string): boolean {
    const i = this.indexOf(name);
    if (i < 0) return false;
    const raws = this.materialize();
    this.names.splice(i, 1);
    raws.splice(i, 1);
    if (this.gaps !== null) this.gaps.splice(i, 1);
    return true;
  }

  /** Field names in file order, spelled as in the input. */
  fields(): string[] {
    return this.names.slice();
  }

  /** Number of fields. */
  get size(): number {
    return this.names.length;
  }

  /** [name, logical value] pairs in file order. */
  entries(): Array<[string, string]> {
    return this.names.map((n, i) => [n, rawToValue(this.raw(i))]);
  }

  /** [name, raw text] pairs in file order. */
  rawEntries(): Array<[string, string]> {
    return this.names.map((n, i) => [n, this.raw(i)]);
  }

  /** A plain object of logical values keyed by the spelled names (for --json output). */
  toJSON(): Record<string, string> {
    const out: Record<string, string> = {};
    for (let i = 0; i < this.names.length; i++) out[this.names[i]!] = rawToValue(this.raw(i));
    return out;
  }

  /** The paragraph's own lines (`Name:raw\n` per field), without leading/trailing text. */
  formatFields(): string {
    if (this.spanStart >= 0) {
      const text = this.src.slice(this.spanStart, this.spanEnd);
      return text.endsWith('\n') ? text : text + '\n';
    }
    let out = '';
    const gaps = this.gaps;
    for (let i = 0; i < this.names.length; i++) {
      out += this.names[i] + (gaps === null ? '' : (gaps[i] ?? '')) + ':' + this.raw(i) + '\n';
    }
    return out;
  }
}
