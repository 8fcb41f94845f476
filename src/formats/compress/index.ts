/** Compression: detection by magic bytes, streaming decompression of untrusted data, reproducible writers. */
export { compressionSuffix, detectCompression, MAGIC_BYTES, type CompressionFormat } from './detect.ts';
export { AutoDecompressor, createDecompressor, decompressBuffer, decompressStream } from './decompress.ts';
export { compressBuffer, createCompressor, type CompressOptions } from './compress.ts';
