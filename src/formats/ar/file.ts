/**
 * Reading an ar archive from an open file by offsets, without loading member data.
 *
 * Why: a .deb's data member can be gigabytes; listing the members, or reading only the small control member, must
 * cost a few positional reads. Data is then read (or streamed) by offset on demand.
 */
import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { PkgmeError } from '../../errors.ts';
import {
  AR_HEADER_SIZE,
  AR_MAGIC_BYTES,
  checkMagic,
  classifyName,
  decodeHeader,
  longName,
  padded,
} from './header.ts';
import type { ArMemberInfo } from './read.ts';

/** Long-name tables and BSD names bigger than this are refused (real tables are a few KB). */
const MAX_NAME_TABLE = 16 * 1024 * 1024;
const MAX_BSD_NAME = 4096;

async function readAt(fh: FileHandle, offset: number, length: number): Promise<Uint8Array> {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

function truncated(what: string, offset: number, fileSize: number): PkgmeError {
  return new PkgmeError(
    'AR_TRUNCATED',
    `ar archive truncated: ${what} at offset ${offset} runs past the end of the ${fileSize}-byte file`,
    'input',
    { hint: 'The file is cut short; download it again.', details: { offset, length: fileSize } },
  );
}

export interface ListArOptions {
  /** Stop after this many members (e.g. 2 for a .deb's debian-binary + control). */
  maxMembers?: number;
}

/** Lists members (headers and data offsets) by positional reads. */
export async function listArFile(fh: FileHandle, opts: ListArOptions = {}): Promise<ArMemberInfo[]> {
  const fileSize = (await fh.stat()).size;
  checkMagic(await readAt(fh, 0, AR_MAGIC_BYTES.length));
  const out: ArMemberInfo[] = [];
  let table: Uint8Array | undefined;
  let off = AR_MAGIC_BYTES.length;
  const max = opts.maxMembers ?? Infinity;
  // A trailing pad byte may be missing after the last odd-sized member.
  while (out.length < max && off < fileSize) {
    const hdr = await readAt(fh, off, AR_HEADER_SIZE);
    if (hdr.length < AR_HEADER_SIZE) throw truncated('member header', off, fileSize);
    const raw = decodeHeader(hdr, off);
    let dataOffset = off + AR_HEADER_SIZE;
    const end = dataOffset + raw.size;
    if (end > fileSize) throw truncated(`member "${raw.rawName}"`, off, fileSize);
    const k = classifyName(raw.rawName);
    const base = { mtime: raw.mtime, uid: raw.uid, gid: raw.gid, mode: raw.mode, headerOffset: off };
    if (k.kind === 'longTable') {
      if (raw.size > MAX_NAME_TABLE) {
        throw new PkgmeError(
          'AR_LIMIT',
          `ar long-name table at offset ${off} is ${raw.size} bytes (limit ${MAX_NAME_TABLE})`,
          'limit',
          { hint: 'This is not a normal ar archive.', details: { offset: off, size: raw.size } },
        );
      }
      table = await readAt(fh, dataOffset, raw.size);
    } else if (k.kind === 'plain') {
      out.push({ ...base, name: k.name, size: raw.size, dataOffset });
    } else if (k.kind === 'longRef') {
      out.push({ ...base, name: longName(table, k.offset, off), size: raw.size, dataOffset });
    } else if (k.kind === 'bsd') {
      if (k.length > raw.size || k.length > MAX_BSD_NAME) {
        throw new PkgmeError(
          'AR_BAD_HEADER',
          `ar member header at offset ${off}: BSD name length ${k.length} is larger than the member (${raw.size}) or ${MAX_BSD_NAME}`,
          'input',
          { hint: 'The archive is corrupt; rebuild it.', details: { offset: off, field: 'name' } },
        );
      }
      const name = new TextDecoder().decode(await readAt(fh, dataOffset, k.length)).replace(/\0+$/, '');
      dataOffset += k.length;
      out.push({ ...base, name, size: raw.size - k.length, dataOffset });
    }
    off = padded(end);
  }
  return out;
}

/** Reads one member's data into memory, refusing members larger than `maxBytes`. */
export async function readArMemberData(
  fh: FileHandle,
  m: ArMemberInfo,
  maxBytes = 256 * 1024 * 1024,
): Promise<Uint8Array> {
  if (m.size > maxBytes) {
    throw new PkgmeError(
      'AR_LIMIT',
      `ar member "${m.name}" is ${m.size} bytes, more than the ${maxBytes}-byte limit for reading into memory`,
      'limit',
      { hint: 'Stream the member instead.', details: { member: m.name, size: m.size, limit: maxBytes } },
    );
  }
  const data = await readAt(fh, m.dataOffset, m.size);
  if (data.length < m.size) throw truncated(`member "${m.name}"`, m.headerOffset, m.dataOffset + data.length);
  return data;
}

/** Streams one member's data from a file path (for big members such as data.tar.xz). */
export function arMemberStream(path: string, m: ArMemberInfo): Readable {
  if (m.size === 0) return Readable.from([]);
  return createReadStream(path, { start: m.dataOffset, end: m.dataOffset + m.size - 1 });
}
