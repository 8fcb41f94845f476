/**
 * The DEBIAN/md5sums control file, generated the way dh_md5sums does: every regular file of the data tree (hard
 * links included, they are regular files to `find -type f`), conffiles left out, sorted by byte order of the path,
 * one `md5  path` line each with the path relative to the root.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { TarEntry } from '../tar/write.ts';

async function md5Of(e: Extract<TarEntry, { type: 'file' }>): Promise<string> {
  const h = createHash('md5');
  if ('content' in e) {
    h.update(e.content);
  } else {
    for await (const chunk of createReadStream(e.source) as AsyncIterable<Buffer>) h.update(chunk);
  }
  return h.digest('hex');
}

/** `entries` use normalised paths (no "./"); `conffiles` are absolute paths as in DEBIAN/conffiles. */
export async function md5sumsFile(
  entries: readonly TarEntry[],
  conffiles: readonly string[] = [],
): Promise<string> {
  const skip = new Set(conffiles.map((c) => c.replace(/^\/+/, '')));
  const sums = new Map<string, string>();
  for (const e of entries) if (e.type === 'file') sums.set(e.path, await md5Of(e));
  const byPath = new Map<string, string>();
  for (const e of entries) {
    if (skip.has(e.path)) continue;
    const sum = e.type === 'file' ? sums.get(e.path) : e.type === 'hardlink' ? sums.get(e.target) : undefined;
    if (sum !== undefined) byPath.set(e.path, sum);
  }
  const paths = [...byPath.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return paths.map((p) => `${byPath.get(p)}  ${p}\n`).join('');
}
