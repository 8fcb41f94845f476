/**
 * The 60-byte member header of the Unix `ar` archive, in the common (System V / GNU / BSD) layout that .deb uses.
 *
 * Why a separate module: the buffer reader, the prefix reader (HTTP Range fetches of a .deb's first KB) and the
 * file-handle reader all decode the same header and must agree on every rule, including what counts as malformed.
 * Each numeric field is ASCII padded with spaces; we accept exactly digits followed by spaces (an empty field reads
 * as 0, as GNU ar does for BSD archives), and reject anything else with the field and offset named.
 */
import { PkgmeError } from '../../errors.ts';

export const AR_MAGIC = '!<arch>\n';
export const AR_MAGIC_BYTES = new TextEncoder().encode(AR_MAGIC);
export const AR_HEADER_SIZE = 60;
/** Largest member size we accept: the size field has 10 decimal digits, so this is its natural bound. */
export const AR_MAX_MEMBER_SIZE = 9_999_999_999;

/** A decoded member header, before long-name resolution. */
export interface ArRawHeader {
  /** The 16-byte name field with trailing spaces removed (`debian-binary`, `foo/`, `/12`, `#1/20`, `//`). */
  rawName: string;
  mtime: number;
  uid: number;
  gid: number;
  mode: number;
  /** Size of the data that follows the header, as recorded (for BSD `#1/NN` names this includes the name). */
  size: number;
  /** Offset of this header in the archive. */
  headerOffset: number;
}

const FIELDS = [
  { name: 'mtime', at: 16, len: 12, radix: 10 },
  { name: 'uid', at: 28, len: 6, radix: 10 },
  { name: 'gid', at: 34, len: 6, radix: 10 },
  { name: 'mode', at: 40, len: 8, radix: 8 },
  { name: 'size', at: 48, len: 10, radix: 10 },
] as const;

export function checkMagic(bytes: Uint8Array): void {
  if (bytes.length < AR_MAGIC_BYTES.length) {
    throw new PkgmeError(
      'AR_TRUNCATED',
      `ar archive truncated: ${bytes.length} bytes, shorter than the 8-byte "!<arch>" magic`,
      'input',
      { hint: 'The file is cut short; download it again.', details: { offset: 0, length: bytes.length } },
    );
  }
  for (let i = 0; i < AR_MAGIC_BYTES.length; i++) {
    if (bytes[i] !== AR_MAGIC_BYTES[i]) {
      throw new PkgmeError(
        'AR_BAD_MAGIC',
        'not an ar archive: the file does not start with "!<arch>\\n"',
        'input',
        {
          hint: 'Pass a .deb or another ar archive (check the file with `file` or `ar t`).',
          details: { offset: 0, found: latin1(bytes.subarray(0, 8)) },
        },
      );
    }
  }
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += String.fromCharCode(c);
  return s;
}

function badHeader(offset: number, field: string, value: string): PkgmeError {
  return new PkgmeError(
    'AR_BAD_HEADER',
    `ar member header at offset ${offset}: bad ${field} field ${JSON.stringify(value)}`,
    'input',
    {
      hint: 'The archive is corrupt or not an ar archive; rebuild or download it again.',
      details: { offset, field, value },
    },
  );
}

/** Decodes the 60 bytes at `bytes[0..60)`; `offset` is where they sit in the archive, for messages. */
export function decodeHeader(bytes: Uint8Array, offset: number): ArRawHeader {
  if (bytes.length < AR_HEADER_SIZE) {
    throw new PkgmeError(
      'AR_TRUNCATED',
      `ar archive truncated: member header at offset ${offset} has ${bytes.length} of ${AR_HEADER_SIZE} bytes`,
      'input',
      { hint: 'The file is cut short; download it again.', details: { offset, have: bytes.length } },
    );
  }
  if (bytes[58] !== 0x60 || bytes[59] !== 0x0a) {
    throw badHeader(offset, 'terminator (expected "`\\n")', latin1(bytes.subarray(58, 60)));
  }
  const rawName = latin1(bytes.subarray(0, 16)).replace(/ +$/, '');
  if (rawName.length === 0) throw badHeader(offset, 'name', latin1(bytes.subarray(0, 16)));
  const values: Record<string, number> = {};
  for (const f of FIELDS) {
    const text = latin1(bytes.subarray(f.at, f.at + f.len));
    const m = f.radix === 10 ? /^([0-9]*) *$/.exec(text) : /^([0-7]*) *$/.exec(text);
    if (!m || (f.name === 'size' && m[1] === '')) throw badHeader(offset, f.name, text);
    values[f.name] = m[1] === '' ? 0 : parseInt(m[1]!, f.radix);
  }
  return {
    rawName,
    mtime: values.mtime!,
    uid: values.uid!,
    gid: values.gid!,
    mode: values.mode!,
    size: values.size!,
    headerOffset: offset,
  };
}

/** What a raw name field means. */
export type NameKind =
  | { kind: 'plain'; name: string }
  | { kind: 'symbols' }
  | { kind: 'longTable' }
  | { kind: 'longRef'; offset: number }
  | { kind: 'bsd'; length: number };

export function classifyName(rawName: string): NameKind {
  if (rawName === '/' || rawName === '/SYM64/' || rawName.startsWith('__.SYMDEF')) return { kind: 'symbols' };
  if (rawName === '//') return { kind: 'longTable' };
  let m = /^\/([0-9]+)$/.exec(rawName);
  if (m) return { kind: 'longRef', offset: Number(m[1]) };
  m = /^#1\/([0-9]+)$/.exec(rawName);
  if (m) return { kind: 'bsd', length: Number(m[1]) };
  // GNU terminates short names with '/', dpkg and BSD do not.
  return { kind: 'plain', name: rawName.endsWith('/') ? rawName.slice(0, -1) : rawName };
}

/** Looks a `/NN` reference up in the GNU/System V long-name table (names end with "/\n" or "\n"). */
export function longName(table: Uint8Array | undefined, ref: number, headerOffset: number): string {
  if (table === undefined || ref >= table.length) {
    throw new PkgmeError(
      'AR_BAD_HEADER',
      `ar member header at offset ${headerOffset}: long name reference /${ref} is outside the ` +
        `${table === undefined ? 'missing' : `${table.length}-byte`} "//" name table`,
      'input',
      {
        hint: 'The archive is corrupt; rebuild it with GNU ar or dpkg-deb.',
        details: { offset: headerOffset, field: 'name', ref },
      },
    );
  }
  let end = ref;
  while (end < table.length && table[end] !== 0x0a) end++;
  let name = new TextDecoder().decode(table.subarray(ref, end));
  if (name.endsWith('/')) name = name.slice(0, -1);
  return name;
}

/** Data is padded to an even offset with one "\n". */
export function padded(size: number): number {
  return size + (size & 1);
}
