/**
 * Reading ar archives from bytes in memory: the whole archive (`readAr`) or only a prefix of it (`parseArPrefix`).
 *
 * Why a prefix reader: the dependency importer fetches the first few KB of a .deb with an HTTP Range request. The
 * `debian-binary` and control members sit at the front, so a prefix usually holds them; when it does not, the
 * reader says exactly how many more bytes to fetch instead of failing. Both readers share one walk so they agree on
 * every rule; `readAr` is the prefix walk plus "the bytes ended exactly at a member boundary".
 *
 * Names: plain (dpkg style), GNU `name/`, System V/GNU long names through the `//` table and `/NN`, and BSD
 * `#1/NN` (name stored at the start of the data). Symbol tables (`/`, `/SYM64/`, `__.SYMDEF`) are skipped.
 */
import { PkgmeError } from '../../errors.ts';
import {
  AR_HEADER_SIZE,
  AR_MAGIC_BYTES,
  checkMagic,
  classifyName,
  decodeHeader,
  longName,
  padded,
  type ArRawHeader,
} from './header.ts';

/** A member's header with its name resolved and where its data sits. */
export interface ArMemberInfo extends Omit<ArRawHeader, 'rawName'> {
  /** The member's file name, long names resolved. */
  name: string;
  /** Where the member's data starts in the archive (for BSD names, after the embedded name). */
  dataOffset: number;
}

export interface ArMember extends ArMemberInfo {
  /** A view into the input bytes (no copy). */
  data: Uint8Array;
}

export interface ArPrefix {
  /** Members whose data is entirely inside the prefix, in archive order. */
  members: ArMember[];
  /** The next member, when its header is in the prefix but its data is not (complete). */
  partial?: ArMemberInfo;
  /** Offset where the first unread byte of the archive is needed. */
  nextOffset: number;
  /**
   * How many more bytes (beyond the prefix) are needed to finish the next member, or to read the next header when
   * the prefix ends on a member boundary. Never 0: a prefix cannot tell whether the archive ends there.
   */
  needBytes: number;
  /** `bytes.length + needBytes`: the prefix length to ask for next (HTTP `Range: bytes=0-(needLength-1)`). */
  needLength: number;
}

const decoder = new TextDecoder();

/** Resolves a raw header to a member name, reading BSD names and `/NN` refs; returns null for tables. */
function resolve(
  raw: ArRawHeader,
  bytes: Uint8Array,
  dataOffset: number,
  table: Uint8Array | undefined,
): { info: ArMemberInfo; skip: boolean } | { needName: number } {
  const base = {
    mtime: raw.mtime,
    uid: raw.uid,
    gid: raw.gid,
    mode: raw.mode,
    headerOffset: raw.headerOffset,
  };
  const k = classifyName(raw.rawName);
  switch (k.kind) {
    case 'plain':
      return { info: { ...base, name: k.name, size: raw.size, dataOffset }, skip: false };
    case 'symbols':
    case 'longTable':
      return { info: { ...base, name: raw.rawName, size: raw.size, dataOffset }, skip: true };
    case 'longRef':
      return {
        info: { ...base, name: longName(table, k.offset, raw.headerOffset), size: raw.size, dataOffset },
        skip: false,
      };
    case 'bsd': {
      if (k.length > raw.size) {
        throw new PkgmeError(
          'AR_BAD_HEADER',
          `ar member header at offset ${raw.headerOffset}: BSD name length ${k.length} exceeds the member size ${raw.size}`,
          'input',
          {
            hint: 'The archive is corrupt; rebuild it.',
            details: { offset: raw.headerOffset, field: 'name', value: raw.rawName },
          },
        );
      }
      if (dataOffset + k.length > bytes.length) return { needName: dataOffset + k.length };
      const name = decoder.decode(bytes.subarray(dataOffset, dataOffset + k.length)).replace(/\0+$/, '');
      return {
        info: { ...base, name, size: raw.size - k.length, dataOffset: dataOffset + k.length },
        skip: false,
      };
    }
  }
}

/** Walks as many members as `bytes` holds. */
export function parseArPrefix(bytes: Uint8Array): ArPrefix {
  const need = (
    members: ArMember[],
    nextOffset: number,
    needLength: number,
    partial?: ArMemberInfo,
  ): ArPrefix => ({
    members,
    ...(partial ? { partial } : {}),
    nextOffset,
    needBytes: needLength - bytes.length,
    needLength,
  });
  if (bytes.length < AR_MAGIC_BYTES.length) {
    // Check the bytes we have, so a prefix that cannot be ar fails now rather than after another fetch.
    for (let i = 0; i < bytes.length; i++) if (bytes[i] !== AR_MAGIC_BYTES[i]) checkMagic(bytes);
    return need([], 0, AR_MAGIC_BYTES.length + AR_HEADER_SIZE);
  }
  checkMagic(bytes);
  const members: ArMember[] = [];
  let table: Uint8Array | undefined;
  let off = AR_MAGIC_BYTES.length;
  while (true) {
    if (off + AR_HEADER_SIZE > bytes.length) return need(members, off, off + AR_HEADER_SIZE);
    const raw = decodeHeader(bytes.subarray(off, off + AR_HEADER_SIZE), off);
    const dataOffset = off + AR_HEADER_SIZE;
    const r = resolve(raw, bytes, dataOffset, table);
    if ('needName' in r) return need(members, off, r.needName);
    const end = dataOffset + raw.size;
    if (end > bytes.length) return need(members, off, end, r.skip ? undefined : r.info);
    if (classifyName(raw.rawName).kind === 'longTable') table = bytes.subarray(dataOffset, end);
    if (!r.skip) members.push({ ...r.info, data: bytes.subarray(r.info.dataOffset, end) });
    off = padded(end);
  }
}

/** Reads a complete archive held in memory. */
export function readAr(bytes: Uint8Array): ArMember[] {
  const p = parseArPrefix(bytes);
  // The archive may end at a member boundary, or one byte short of it when the last odd member lacks its pad.
  const atEnd =
    p.partial === undefined && (p.nextOffset === bytes.length || p.nextOffset === bytes.length + 1);
  if (!atEnd) {
    const what = p.partial ? `member "${p.partial.name}"` : `member header at offset ${p.nextOffset}`;
    throw new PkgmeError(
      'AR_TRUNCATED',
      `ar archive truncated: ${what} needs ${p.needBytes} more bytes (archive has ${bytes.length})`,
      'input',
      {
        hint: 'The file is cut short; download it again.',
        details: { offset: p.nextOffset, needBytes: p.needBytes, length: bytes.length },
      },
    );
  }
  return p.members;
}
