/**
 * One line of a symbols file, classified in the order Dpkg::Shlibs::SymbolFile `parse` tests its patterns, with
 * perl's ASCII meanings of \s and `.` (JS's \s also matches Unicode spaces; its `.` stops at \r). Shared by the
 * parser and by splitSymbolsFile, so both agree on where a soname's section starts.
 */

export type SymbolsLine =
  /** ` spec` (leading whitespace), or `#MISSING: v# spec`: a symbol or pattern. */
  | { kind: 'symbol'; spec: string; deprecated?: string }
  /** `(tags)#include "file"`: only in source-package templates; the installed form has them expanded. */
  | { kind: 'include'; file: string; tags?: string }
  | { kind: 'comment' }
  /** `| template`: an alternative dependency. */
  | { kind: 'alternative'; template: string }
  /** `* Field: value`. The name is as written (see capitalizeField). */
  | { kind: 'field'; name: string; value: string }
  /** `soname template`: a new section. */
  | { kind: 'header'; soname: string; template: string }
  /** Anything else: dpkg warns and skips it. */
  | { kind: 'invalid' };

export function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

const S = '[ \\t\\n\\r\\f\\v]';
const INCLUDE = new RegExp(`^(\\([^\\n]*\\))?#include${S}+"([^"]+)"`);
const FIELD = new RegExp(`^\\*${S}*([^:]+):${S}*([^\\n]*[^ \\t\\n\\r\\f\\v])${S}*$`);
const DEPRECATED = ['#MISSING: ', '#DEPRECATED: '];

function skipSpace(line: string, at: number): number {
  while (at < line.length && isSpace(line.charCodeAt(at))) at++;
  return at;
}

/** Classifies one line (without its \n). */
export function classifyLine(line: string): SymbolsLine {
  const c = line.charCodeAt(0);
  if (isSpace(c)) return { kind: 'symbol', spec: line.slice(skipSpace(line, 1)) };
  if (c === 0x23 /* # */) {
    for (const prefix of DEPRECATED) {
      if (!line.startsWith(prefix)) continue;
      const hash = line.indexOf('#', prefix.length);
      if (hash > prefix.length) {
        return {
          kind: 'symbol',
          deprecated: line.slice(prefix.length, hash),
          spec: line.slice(skipSpace(line, hash + 1)),
        };
      }
    }
  }
  if (c === 0x23 || c === 0x28 /* ( */) {
    const m = INCLUDE.exec(line);
    if (m !== null)
      return m[1] === undefined
        ? { kind: 'include', file: m[2]! }
        : { kind: 'include', file: m[2]!, tags: m[1] };
  }
  if (c === 0x23 || line.length === 0) return { kind: 'comment' };
  if (c === 0x7c /* | */) return { kind: 'alternative', template: line.slice(skipSpace(line, 1)) };
  if (c === 0x2a /* * */) {
    const m = FIELD.exec(line);
    if (m !== null) return { kind: 'field', name: m[1]!, value: m[2]! };
  }
  // `^(\S+)\s+(.*)$`: the first character is not a space here.
  let end = 1;
  while (end < line.length && !isSpace(line.charCodeAt(end))) end++;
  if (end === line.length) return { kind: 'invalid' };
  return { kind: 'header', soname: line.slice(0, end), template: line.slice(skipSpace(line, end)) };
}

/** Field names whose canonical spelling is not the generic one (Dpkg::Control::FieldsCore's known fields). */
const KNOWN_FIELDS: Record<string, string> = {
  butautomaticupgrades: 'ButAutomaticUpgrades',
  md5sum: 'MD5sum',
  'no-support-for-architecture-all': 'No-Support-for-Architecture-all',
  notautomatic: 'NotAutomatic',
  sha1: 'SHA1',
  sha256: 'SHA256',
};

function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** dpkg's field_capitalize: lower-case, then upper-case each dash-separated word's first letter (ASCII only). */
export function capitalizeField(name: string): string {
  const lower = asciiLower(name);
  const known = Object.hasOwn(KNOWN_FIELDS, lower) ? KNOWN_FIELDS[lower] : undefined;
  if (known !== undefined) return known;
  const parts = lower.split('-');
  // perl's split drops trailing empty fields.
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.map((p) => (/^[a-z]/.test(p) ? p[0]!.toUpperCase() + p.slice(1) : p)).join('-');
}
