/**
 * Iterating the entries of a .deb's tar members (tar-stream's extractor), with every failure turned into a
 * PkgmeError that names the member.
 *
 * Why tar-stream here and not our own reader: .deb members are GNU/ustar/pax tars written by dpkg-deb; tar-stream
 * decodes all three (GNU long names included). Its errors are plain Errors, so this wrapper is what makes the
 * .deb reader keep the "only PkgmeError" contract. (When src/formats/tar/read.ts lands it can replace this.)
 */
import type { Readable } from 'node:stream';
import { extract as tarExtract, type Header } from 'tar-stream';
import { isPkgmeError, PkgmeError } from '../../errors.ts';

export type DebEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo' | 'other';

export interface DebTarEntry {
  /** The name as stored, e.g. "./usr/bin/hello" or "./usr/" (dpkg-deb -c shows the same). */
  path: string;
  type: DebEntryType;
  /** Permission bits and setuid/setgid/sticky (& 07777). */
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  /** Symlink target or hard link target. */
  linkname?: string;
}

const TYPES: Record<string, DebEntryType> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'dir',
  symlink: 'symlink',
  link: 'hardlink',
  'character-device': 'char',
  'block-device': 'block',
  fifo: 'fifo',
};

export function entryFromHeader(h: Header): DebTarEntry {
  return {
    path: h.name,
    type: TYPES[h.type ?? 'file'] ?? 'other',
    mode: (h.mode ?? 0) & 0o7777,
    uid: h.uid ?? 0,
    gid: h.gid ?? 0,
    uname: h.uname ?? '',
    gname: h.gname ?? '',
    size: h.size ?? 0,
    mtime: h.mtime ? Math.floor(h.mtime.getTime() / 1000) : 0,
    ...(h.linkname ? { linkname: h.linkname } : {}),
  };
}

export function memberError(member: string, err: unknown): PkgmeError {
  if (isPkgmeError(err) && err.code.startsWith('DEB_')) return err;
  const why = err instanceof Error ? err.message : String(err);
  return new PkgmeError('DEB_CORRUPT_MEMBER', `.deb member "${member}" is corrupt: ${why}`, 'input', {
    hint: 'The package is damaged; download or build it again (check with `dpkg-deb --contents`).',
    details: { member, ...(isPkgmeError(err) ? { cause: err.code } : {}) },
    cause: err,
  });
}

/** An entry's data (a streamx stream from tar-stream): iterate it to read, or leave it to be skipped. */
export type EntryBody = AsyncIterable<Uint8Array>;

/**
 * Calls `onEntry` for each entry in order; `body` is the entry's data stream (consume it, or it is drained).
 * `input` is the decompressed tar.
 */
export async function forEachTarEntry(
  input: Readable,
  member: string,
  onEntry: (entry: DebTarEntry, body: EntryBody) => Promise<void> | void,
): Promise<void> {
  const ex = tarExtract();
  input.on('error', (err) => ex.destroy(err));
  input.pipe(ex as unknown as NodeJS.WritableStream);
  try {
    for await (const entry of ex) {
      const info = entryFromHeader(entry.header);
      await onEntry(info, entry as unknown as EntryBody);
      entry.resume();
    }
  } catch (err) {
    input.destroy();
    throw memberError(member, err);
  }
}

/** Reads a whole entry body into memory, refusing more than `max` bytes. */
export async function readBody(body: EntryBody, max: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const c of body) {
    total += c.length;
    if (total > max) {
      throw new PkgmeError('DEB_LIMIT', `${what} is larger than ${max} bytes`, 'limit', {
        hint: 'This control member is far larger than any real package has.',
        details: { member: what, limit: max },
      });
    }
    chunks.push(Buffer.from(c));
  }
  return Buffer.concat(chunks);
}
