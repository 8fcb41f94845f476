/**
 * Compression format detection by magic bytes.
 *
 * Why magic bytes and not file names: uploads and .deb members come with names the uploader chose, and a
 * `foo.tar.gz` that really holds xz must still be read (or rejected) for what it is. Every format here starts with
 * a fixed signature of at most 6 bytes, so callers peek that many bytes and no more.
 */

/** The formats pkgme reads. `none` means "not a compressed stream we know": the bytes are taken as they are. */
export type CompressionFormat = 'gzip' | 'xz' | 'bzip2' | 'zstd' | 'lz4' | 'none';

/** How many leading bytes `detectCompression` needs to tell every format apart. */
export const MAGIC_BYTES = 6;

const SIGNATURES: ReadonlyArray<{ format: Exclude<CompressionFormat, 'none'>; magic: readonly number[] }> = [
  { format: 'gzip', magic: [0x1f, 0x8b] },
  { format: 'xz', magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { format: 'zstd', magic: [0x28, 0xb5, 0x2f, 0xfd] },
  { format: 'lz4', magic: [0x04, 0x22, 0x4d, 0x18] },
];

/**
 * Names the compression of a stream from its first bytes (pass at least MAGIC_BYTES when the stream has them).
 * A head too short for a signature is `none`.
 */
export function detectCompression(head: Uint8Array): CompressionFormat {
  for (const { format, magic } of SIGNATURES) {
    if (head.length >= magic.length && magic.every((b, i) => head[i] === b)) return format;
  }
  // bzip2: "BZh" then the block size digit 1-9; the digit keeps plain text starting with "BZh" from matching.
  if (head.length >= 4 && head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) {
    const level = head[3]!;
    if (level >= 0x31 && level <= 0x39) return 'bzip2';
  }
  return 'none';
}

/** The usual file-name suffix for a format ('' for none), for messages and for writers that name their output. */
export function compressionSuffix(format: CompressionFormat): string {
  return { gzip: '.gz', xz: '.xz', bzip2: '.bz2', zstd: '.zst', lz4: '.lz4', none: '' }[format];
}
