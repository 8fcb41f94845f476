/**
 * The entry shape the archive readers (tar and zip) hand to their callers: what a member is, not what to do with it.
 * Policy (which names, links, modes and sizes are acceptable) lives in src/upload/, which reads both formats through
 * this one shape.
 */

export type ArchiveEntryType =
  'file' | 'directory' | 'symlink' | 'hardlink' | 'char-device' | 'block-device' | 'fifo';

export interface ArchiveEntry {
  /** The member name as stored (decoded as UTF-8), not normalized: may hold "./", "../", a leading "/". */
  name: string;
  type: ArchiveEntryType;
  /** Bytes of content that follow (files; symlink targets in zip are not counted here). */
  size: number;
  /** Permission bits, including setuid/setgid/sticky (mode & 0o7777). */
  mode: number;
  /** Modification time, seconds since the epoch (may be fractional, from pax). */
  mtime: number;
  /** Symlink target, or for a hardlink the name of the member it links to. */
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  /**
   * The owner as the archive records it. Optional because zip has no owner names (its entries omit all four); the
   * tar reader always fills them (see TarEntry), and the upload policy ignores them: files are owned by root.
   */
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
}

/** An entry from the tar reader: the owner fields are always there ('' for an empty name field). */
export type TarEntry = ArchiveEntry & Required<Pick<ArchiveEntry, 'uid' | 'gid' | 'uname' | 'gname'>>;

/**
 * Called once per member, in archive order. `body` yields the member's content; the handler must consume it fully
 * (or throw) before the reader moves on, which is what keeps reading streamed with backpressure.
 */
export type EntryHandler<E extends ArchiveEntry = ArchiveEntry> = (
  entry: E,
  body: AsyncIterable<Buffer>,
) => Promise<void>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes name bytes as UTF-8, or returns undefined when they are not valid UTF-8. */
export function decodeUtf8Name(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** A printable form of undecodable name bytes for messages: valid ASCII kept, other bytes as \xNN. */
export function escapeNameBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes)
    out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return out;
}

/**
 * Wraps a member's body so a failure while reading it (a corrupt deflate stream, a truncated archive) reaches the
 * handler as the reader's typed error, while failures of the handler itself stay what they are.
 */
export async function* typedBody(
  body: AsyncIterable<Buffer>,
  toError: (err: unknown) => Error,
): AsyncGenerator<Buffer, void, undefined> {
  const it = body[Symbol.asyncIterator]();
  for (;;) {
    let r: IteratorResult<Buffer>;
    try {
      r = await it.next();
    } catch (err) {
      throw toError(err);
    }
    if (r.done) return;
    yield r.value;
  }
}
