/**
 * The three digests a .dsc lists (MD5 for Files, SHA-1, SHA-256), computed in one pass so each tarball is read
 * once, whether it is being written (write.ts) or checked (read.ts).
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';

export interface FileDigests {
  size: number;
  md5: string;
  sha1: string;
  sha256: string;
}

/** A pass-through stream that counts and hashes what flows through it. */
export class DigestStream extends Transform {
  private size = 0;
  private readonly hashes: [Hash, Hash, Hash] = [createHash('md5'), createHash('sha1'), createHash('sha256')];

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    for (const h of this.hashes) h.update(chunk);
    done(null, chunk);
  }

  /** Call once, after the stream ended. */
  digests(): FileDigests {
    const [md5, sha1, sha256] = this.hashes.map((h) => h.digest('hex')) as [string, string, string];
    return { size: this.size, md5, sha1, sha256 };
  }
}

/** Digests of a file on disk. */
export async function digestFile(path: string): Promise<FileDigests> {
  const d = new DigestStream();
  for await (const chunk of createReadStream(path).pipe(d) as AsyncIterable<Buffer>) void chunk;
  return d.digests();
}
