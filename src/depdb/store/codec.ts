/**
 * How a symbols section is stored: gzip'd bytes (bytea). Measured in docs/depdb-store.md against plain text (which
 * PostgreSQL compresses itself with pglz once a value passes ~2 KB): gzip is several times smaller, and decoding the
 * few sections one resolution needs costs microseconds.
 */
import { gunzipSync, gzipSync } from 'node:zlib';

export function encodeSymbols(text: string): Buffer {
  return gzipSync(Buffer.from(text, 'utf8'), { level: 9 });
}

export function decodeSymbols(body: Uint8Array): string {
  return gunzipSync(body).toString('utf8');
}
