/**
 * Writing ar archives deterministically.
 *
 * Why our own writer: it is 60 bytes of ASCII per member, and .deb needs exact control over it (dpkg-deb writes
 * names without GNU's trailing "/", mtime from SOURCE_DATE_EPOCH, uid/gid 0, mode 100644). Same input, same bytes.
 * Names that do not fit the 16-byte field (or contain a space or "/") go to a GNU `//` long-name table, which GNU ar,
 * binutils and our reader all understand; .deb members never need it.
 */
import { PkgmeError } from '../../errors.ts';
import { AR_MAGIC_BYTES, AR_MAX_MEMBER_SIZE } from './header.ts';

export interface ArWriteMember {
  name: string;
  /** The data; or give `size` and write the data yourself right after the header (see `encodeArHeader`). */
  data: Uint8Array;
  /** Defaults: mtime from the options (0), uid/gid 0, mode 0o100644. */
  mode?: number;
}

export interface ArWriteOptions {
  /** Member modification time in seconds since the epoch; default 0 (for reproducible output). */
  mtime?: number;
}

const enc = new TextEncoder();

function field(value: string, width: number, what: string): string {
  if (value.length > width) {
    throw new PkgmeError(
      'AR_FIELD_TOO_LONG',
      `ar header ${what} ${value} does not fit in ${width} bytes`,
      'input',
      {
        hint: 'Use a smaller value.',
        details: { field: what, value },
      },
    );
  }
  return value.padEnd(width, ' ');
}

/**
 * Encodes one 60-byte member header. `nameField` is the already-chosen name text ("debian-binary" or "/0").
 * Exposed so a caller can stream a big member: write the header, then `size` bytes, then `arPad(size)`.
 */
export function encodeArHeader(
  nameField: string,
  size: number,
  opts: ArWriteOptions & { mode?: number } = {},
): Buffer {
  if (!Number.isInteger(size) || size < 0 || size > AR_MAX_MEMBER_SIZE) {
    throw new PkgmeError('AR_FIELD_TOO_LONG', `ar member size ${size} is out of range`, 'input', {
      hint: `ar members are limited to ${AR_MAX_MEMBER_SIZE} bytes.`,
      details: { field: 'size', value: size },
    });
  }
  const text =
    field(nameField, 16, 'name') +
    field(String(opts.mtime ?? 0), 12, 'mtime') +
    field('0', 6, 'uid') +
    field('0', 6, 'gid') +
    field((opts.mode ?? 0o100644).toString(8), 8, 'mode') +
    field(String(size), 10, 'size') +
    '`\n';
  return Buffer.from(text, 'latin1');
}

/** The pad byte after odd-sized data, or nothing. */
export function arPad(size: number): Buffer {
  return size & 1 ? Buffer.from('\n') : Buffer.alloc(0);
}

/**
 * True when a name can sit in the header's 16-byte field as is (dpkg style, no trailing "/"). 15 bytes, not 16:
 * binutils reads a name filling all 16 bytes without a "/" as 15 characters (it expects GNU's terminator).
 */
export function fitsShortName(name: string): boolean {
  return (
    name.length > 0 && enc.encode(name).length <= 15 && !/[ /]/.test(name) && /^[\x21-\x7e]+$/.test(name)
  );
}

/** The global header. */
export function arMagic(): Buffer {
  return Buffer.from(AR_MAGIC_BYTES);
}

/** Builds a whole archive in memory. */
export function writeAr(members: ArWriteMember[], opts: ArWriteOptions = {}): Buffer {
  const parts: Buffer[] = [arMagic()];
  // GNU long-name table: "name/\n" entries, referenced as "/offset".
  const longRefs = new Map<ArWriteMember, string>();
  let table = '';
  for (const m of members) {
    if (m.name.length === 0 || m.name.includes('\n') || m.name.includes('/')) {
      throw new PkgmeError(
        'AR_BAD_NAME',
        `ar member name ${JSON.stringify(m.name)} is empty or has "/" or a newline`,
        'input',
        {
          hint: 'Use a plain file name.',
          details: { name: m.name },
        },
      );
    }
    if (!fitsShortName(m.name)) {
      longRefs.set(m, `/${Buffer.byteLength(table)}`);
      table += `${m.name}/\n`;
    }
  }
  if (table.length > 0) {
    const t = Buffer.from(table);
    parts.push(encodeArHeader('//', t.length, { mtime: 0, mode: 0 }).fill(' ', 16, 48), t, arPad(t.length));
  }
  for (const m of members) {
    const header = encodeArHeader(longRefs.get(m) ?? m.name, m.data.length, { ...opts, mode: m.mode });
    parts.push(
      header,
      Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength),
      arPad(m.data.length),
    );
  }
  return Buffer.concat(parts);
}
