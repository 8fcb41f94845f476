/**
 * A content-addressed cache of downloaded index files (Packages.xz, Contents-amd64.gz): a file is stored under its
 * SHA256, so an unchanged index is never fetched twice, a changed one can never be mistaken for the old one, and a
 * half-written file is never used (written to a temporary name, then renamed).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export class IndexCache {
  constructor(readonly dir: string) {}

  private path(hash: string): string {
    return join(this.dir, 'by-sha256', hash);
  }

  /** The cached bytes for `hash`, or undefined when absent or damaged (a damaged entry is ignored, then replaced). */
  get(hash: string): Buffer | undefined {
    const p = this.path(hash);
    if (!existsSync(p)) return undefined;
    const data = readFileSync(p);
    return sha256(data) === hash ? data : undefined;
  }

  put(hash: string, data: Uint8Array): void {
    mkdirSync(join(this.dir, 'by-sha256'), { recursive: true });
    const tmp = `${this.path(hash)}.${process.pid}.tmp`;
    writeFileSync(tmp, data);
    renameSync(tmp, this.path(hash));
  }
}
