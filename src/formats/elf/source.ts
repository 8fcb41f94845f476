/**
 * Where the parser's bytes come from. The parser only ever asks for the few regions the headers point at (headers,
 * .dynamic, .dynstr, .dynsym, version sections), so the same code serves an in-memory buffer (a slice, no copy) and
 * an open file (one pread per region): a 200 MB library is never read whole just to list its imports.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { truncated } from './errors.ts';

export interface ByteSource {
  /** Total size of the file in bytes. */
  readonly size: number;
  /** Exactly `length` bytes at `offset`; throws ELF_TRUNCATED naming `what` when they are not all in the file. */
  read(offset: number, length: number, what: string): Uint8Array;
  /**
   * A hint that the regions about to be read lie in [offset, offset + length): a file source reads the span with one
   * syscall and serves the following reads from it. Out-of-range hints are ignored (the reads then report).
   */
  prefetch(offset: number, length: number): void;
}

function checkRange(size: number, offset: number, length: number, what: string): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw truncated(what, offset, length, size);
  }
  if (offset > size || length > size - offset) throw truncated(what, offset, length, size);
}

export function bufferSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read(offset, length, what) {
      checkRange(bytes.length, offset, length, what);
      return bytes.subarray(offset, offset + length);
    },
    prefetch() {},
  };
}

/** Reads regions from an open file descriptor. The caller owns (and closes) the descriptor. */
export function fdSource(fd: number, size: number): ByteSource {
  let span: { offset: number; bytes: Buffer } | null = null;
  const readRaw = (offset: number, length: number, what: string): Buffer => {
    const out = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, out, done, length - done, offset + done);
      // The file shrank under us: report it like any other truncation.
      if (n === 0) throw truncated(what, offset, length, offset + done);
      done += n;
    }
    return out;
  };
  return {
    size,
    read(offset, length, what) {
      checkRange(size, offset, length, what);
      if (span !== null && offset >= span.offset && offset + length <= span.offset + span.bytes.length) {
        return span.bytes.subarray(offset - span.offset, offset - span.offset + length);
      }
      return readRaw(offset, length, what);
    },
    prefetch(offset, length) {
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length <= 0) return;
      if (offset > size || length > size - offset) return;
      span = { offset, bytes: readRaw(offset, length, 'prefetched span') };
    },
  };
}

/** Opens `path`, hands a source to `fn`, and always closes the descriptor. */
export function withFileSource<T>(path: string, fn: (src: ByteSource) => T): T {
  const fd = openSync(path, 'r');
  try {
    return fn(fdSource(fd, fstatSync(fd).size));
  } finally {
    closeSync(fd);
  }
}
