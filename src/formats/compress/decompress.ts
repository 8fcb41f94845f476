/**
 * Streaming decompression of untrusted bytes, for every format `detectCompression` names.
 *
 * Engines, and why each:
 * - gzip: node:zlib (native, handles concatenated members, reports truncation itself).
 * - xz: node-liblzma (native liblzma). Its stream wrapper accepts a truncated stream as if it were complete, so we
 *   watch liblzma's own LZMA_STREAM_END status and fail at end of input when it never came.
 * - bzip2, zstd and lz4: the system `bzip2 -dc` / `zstd -dc` / `lz4 -dc` as a child process (a few milliseconds to
 *   start, bounded memory, and the reference implementations).
 *   - fzstd was measured at about 70 MB/s against about 900 MB/s for `zstd -dc` on 40 MB here (13x slower);
 *     `zstd` also enforces its default 128 MiB window limit against hostile frames.
 *   - unbzip2-stream collects each decoded block as a JS array of numbers: the fuzzer found a 14 KB input that grew
 *     the heap by 536 MiB (RLE runs let one 900 kB block expand ~50x), and it is 2.7x slower than `bzip2 -dc`.
 *
 * Nothing buffers the whole input: every engine is a stream with backpressure (see engine-stream.ts). Every failure
 * reaches the caller as a PkgmeError COMPRESS_CORRUPT naming the format.
 */
import { Duplex, PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { createUnxz, LZMA_STREAM_END } from 'node-liblzma';
import { PkgmeError } from '../../errors.ts';
import { detectCompression, MAGIC_BYTES, type CompressionFormat } from './detect.ts';
import { childEngine, EngineStream } from './engine-stream.ts';

const CHUNK = 64 * 1024;
/** Decompressed bytes buffered ahead of the consumer, so the engine keeps working while the consumer blocks. */
const READ_AHEAD = 1024 * 1024;

export function corrupt(format: CompressionFormat, err: unknown): PkgmeError {
  const why = err instanceof Error ? err.message : String(err);
  return new PkgmeError('COMPRESS_CORRUPT', `corrupt ${format} data: ${why}`, 'input', {
    hint: `the ${format} stream is damaged or truncated; check it with the ${format} tool and upload it again`,
    details: { format },
  });
}

/** A decompressing Duplex for a known format ('none' passes bytes through). */
export function createDecompressor(format: CompressionFormat): Duplex {
  const toError = (err: unknown) => corrupt(format, err);
  switch (format) {
    case 'none':
      return new PassThrough();
    case 'gzip': {
      const z = createGunzip({ chunkSize: CHUNK });
      return new EngineStream({ sink: z, source: z, toError, dispose: () => z.destroy() });
    }
    case 'xz':
      return xzDecoder(toError);
    case 'bzip2':
      return childEngine('bzip2', ['-dcq'], toError);
    case 'zstd':
      return childEngine('zstd', ['-dcq', '--no-progress'], toError);
    case 'lz4':
      return childEngine('lz4', ['-dcq'], toError);
  }
}

interface NativeLzma {
  code: (...args: unknown[]) => void;
  codeSync: (...args: unknown[]) => unknown;
  close: () => void;
}

function xzDecoder(toError: (err: unknown) => PkgmeError): EngineStream {
  const unxz = createUnxz({ chunkSize: CHUNK });
  // node-liblzma's wrapper hides liblzma's status codes; put a shim around the native handle to see
  // LZMA_STREAM_END, which (decoding with LZMA_CONCATENATED, as it does) comes only once the last stream was
  // complete. The native object's methods are read-only, so the shim replaces the handle, not the method.
  const holder = unxz as unknown as { lzma?: NativeLzma };
  const native = holder.lzma;
  if (!native || typeof native.code !== 'function') {
    throw new PkgmeError(
      'COMPRESS_ENGINE',
      'node-liblzma changed: no native lzma handle to watch',
      'internal',
    );
  }
  let sawEnd = false;
  holder.lzma = {
    code: (...args: unknown[]) => {
      const cb = args[6] as (errno: number, availIn: number, availOut: number) => boolean;
      args[6] = (errno: number, availIn: number, availOut: number) => {
        if (errno === LZMA_STREAM_END) sawEnd = true;
        return cb(errno, availIn, availOut);
      };
      native.code(...args);
    },
    codeSync: (...args: unknown[]) => native.codeSync(...args),
    close: () => native.close(),
  };
  return new EngineStream({
    sink: unxz,
    source: unxz,
    toError,
    verifyEnd: () => {
      if (!sawEnd) throw toError(new Error('unexpected end of input (truncated stream)'));
    },
    dispose: () => unxz.destroy(),
  });
}

/**
 * A Duplex that detects the format from the first bytes written to it, then decompresses. `format` is set (and a
 * 'format' event emitted) once known. Input shorter than a signature is passed through as `none`.
 */
export class AutoDecompressor extends Duplex {
  format: CompressionFormat | undefined;
  #inner: Duplex | undefined;
  #head: Buffer[] = [];
  #headLen = 0;

  constructor() {
    super({ readableHighWaterMark: READ_AHEAD });
  }

  #start(): Duplex {
    const head = Buffer.concat(this.#head);
    this.#head = [];
    this.format = detectCompression(head);
    const inner = createDecompressor(this.format);
    this.#inner = inner;
    inner.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) inner.pause();
    });
    inner.on('end', () => this.push(null));
    inner.on('error', (err: Error) => this.destroy(err));
    this.emit('format', this.format);
    return inner;
  }

  override _read(): void {
    this.#inner?.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    let inner = this.#inner;
    if (!inner) {
      this.#head.push(chunk);
      this.#headLen += chunk.length;
      if (this.#headLen < MAGIC_BYTES) return cb();
      chunk = Buffer.concat(this.#head);
      inner = this.#start();
    }
    if (inner.write(chunk)) cb();
    else inner.once('drain', () => cb());
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (!this.#inner) {
      const rest = Buffer.concat(this.#head);
      this.#start().end(rest);
    } else this.#inner.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.#inner?.destroy();
    cb(err);
  }
}

/**
 * Decompresses `input`, detecting the format from its first bytes. Errors of `input` itself (a failed file read)
 * are forwarded to the returned stream as they are.
 */
export function decompressStream(input: Readable): AutoDecompressor {
  const auto = new AutoDecompressor();
  input.on('error', (err) => auto.destroy(err));
  auto.on('close', () => {
    if (!input.destroyed && !input.readableEnded) input.destroy();
  });
  input.pipe(auto);
  return auto;
}

/**
 * Decompresses a whole buffer (format detected unless given), refusing to produce more than `maxBytes` so a small
 * hostile input cannot make a huge allocation. Meant for small members (a .deb's control.tar, an index).
 */
export async function decompressBuffer(
  input: Uint8Array,
  opts: { format?: CompressionFormat; maxBytes?: number } = {},
): Promise<Buffer> {
  const maxBytes = opts.maxBytes ?? 256 * 1024 * 1024;
  const dec = opts.format ? createDecompressor(opts.format) : new AutoDecompressor();
  const chunks: Buffer[] = [];
  let total = 0;
  return new Promise<Buffer>((resolve, reject) => {
    dec.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) {
        const format = opts.format ?? (dec as AutoDecompressor).format ?? 'none';
        dec.destroy(
          new PkgmeError(
            'COMPRESS_TOO_LARGE',
            `${format} data decompresses to more than ${maxBytes} bytes`,
            'limit',
            {
              hint: 'the compressed data is larger than this reader allows (possibly a decompression bomb)',
              details: { format, limit: maxBytes },
            },
          ),
        );
        return;
      }
      chunks.push(chunk);
    });
    dec.on('end', () => resolve(Buffer.concat(chunks, total)));
    dec.on('error', reject);
    dec.end(Buffer.from(input.buffer, input.byteOffset, input.byteLength));
  });
}
