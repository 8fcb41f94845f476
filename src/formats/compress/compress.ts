/**
 * Compression writers for the files pkgme produces (.deb members, source tarballs, archive indices).
 *
 * Reproducibility is the point: the same input must give the same bytes, so a rebuilt package has the same hash.
 * - gzip: node:zlib at level 9. Node writes MTIME 0, no file name and OS 3 (Unix) in the header, so nothing of the
 *   moment or the machine leaks in (the same header `gzip -9n` writes; the deflate bytes differ from GNU gzip's own
 *   deflate, which is fine: determinism is per implementation).
 * - xz: node-liblzma, preset 6, CRC64 check, one thread: byte-identical to `xz -6` of the same liblzma version
 *   (checked in compress.test.ts).
 * - zstd, bzip2, lz4: the system tools (`zstd -3`, `bzip2 -9`, `lz4`), single-threaded and so deterministic.
 */
import { Duplex, PassThrough } from 'node:stream';
import { createGzip } from 'node:zlib';
import { check, createXz } from 'node-liblzma';
import { PkgmeError } from '../../errors.ts';
import type { CompressionFormat } from './detect.ts';
import { childEngine, EngineStream } from './engine-stream.ts';

export interface CompressOptions {
  /** gzip 1-9 (default 9), xz preset 0-9 (default 6), zstd 1-19 (default 3), bzip2 1-9 (default 9). */
  level?: number;
}

function failed(format: CompressionFormat, err: unknown): PkgmeError {
  const why = err instanceof Error ? err.message : String(err);
  return new PkgmeError('COMPRESS_FAILED', `${format} compression failed: ${why}`, 'internal', {
    details: { format },
  });
}

/** A compressing Duplex: write plain bytes, read compressed ones. */
export function createCompressor(format: CompressionFormat, opts: CompressOptions = {}): Duplex {
  const toError = (err: unknown) => failed(format, err);
  const level = opts.level;
  switch (format) {
    case 'none':
      return new PassThrough();
    case 'gzip': {
      const z = createGzip({ level: level ?? 9, chunkSize: 64 * 1024 });
      return new EngineStream({ sink: z, source: z, toError, dispose: () => z.destroy() });
    }
    case 'xz': {
      const x = createXz({ preset: level ?? 6, check: check.CRC64, threads: 1, chunkSize: 64 * 1024 });
      return new EngineStream({ sink: x, source: x, toError, dispose: () => x.destroy() });
    }
    case 'zstd':
      return childEngine('zstd', ['-cq', `-${level ?? 3}`, '--no-progress', '-T1'], toError);
    case 'bzip2':
      return childEngine('bzip2', ['-c', `-${level ?? 9}`], toError);
    case 'lz4':
      return childEngine('lz4', ['-cq', `-${level ?? 1}`], toError);
  }
}

/** Compresses a whole buffer. */
export function compressBuffer(
  format: CompressionFormat,
  input: Uint8Array,
  opts: CompressOptions = {},
): Promise<Buffer> {
  const c = createCompressor(format, opts);
  const chunks: Buffer[] = [];
  return new Promise<Buffer>((resolve, reject) => {
    c.on('data', (chunk: Buffer) => chunks.push(chunk));
    c.on('end', () => resolve(Buffer.concat(chunks)));
    c.on('error', reject);
    c.end(Buffer.from(input.buffer, input.byteOffset, input.byteLength));
  });
}
