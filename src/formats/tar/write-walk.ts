/**
 * Walks a directory on disk into tar entries for the reproducible writer.
 *
 * Why separate: the writer takes an entry list (the .deb writer also builds lists by hand); turning a tree into
 * that list is where the disk's quirks live: hard links (the first path in sorted order carries the data, the
 * others link to it, as GNU tar does), symlinks kept as links, and types a package cannot carry refused with a
 * typed error. Sizes are taken from lstat; the writer checks them again while streaming.
 */
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { PkgmeError } from '../../errors.ts';
import { sortTarEntries, type TarEntry } from './write.ts';

export interface WalkOptions {
  /** Relative paths (like "DEBIAN") to leave out, with everything below them. */
  exclude?: string[];
  /** Include the root directory itself as the entry "" (dpkg-deb's "./"). Default true. */
  includeRoot?: boolean;
}

/** Lists `root` recursively as tar entries, sorted like the writer sorts them. */
export async function walkTree(root: string, opts: WalkOptions = {}): Promise<TarEntry[]> {
  const exclude = new Set(opts.exclude ?? []);
  const entries: TarEntry[] = [];
  const inodes = new Map<string, string[]>();
  const rootStat = await lstat(root);
  if (!rootStat.isDirectory()) {
    throw new PkgmeError('TAR_NOT_A_DIRECTORY', `${root} is not a directory`, 'input', {
      hint: 'Pass the directory that holds the tree to pack.',
      details: { path: root },
    });
  }
  if (opts.includeRoot ?? true) entries.push({ type: 'dir', path: '', mode: rootStat.mode & 0o7777 });
  async function visit(rel: string): Promise<void> {
    const names = await readdir(join(root, rel));
    for (const name of names) {
      const path = rel === '' ? name : `${rel}/${name}`;
      if (exclude.has(path)) continue;
      const abs = join(root, path);
      const st = await lstat(abs);
      const mode = st.mode & 0o7777;
      if (st.isDirectory()) {
        entries.push({ type: 'dir', path, mode });
        await visit(path);
      } else if (st.isSymbolicLink()) {
        entries.push({ type: 'symlink', path, target: await readlink(abs) });
      } else if (st.isFile()) {
        entries.push({ type: 'file', path, mode, source: abs, size: st.size });
        if (st.nlink > 1) {
          const key = `${st.dev}:${st.ino}`;
          inodes.set(key, [...(inodes.get(key) ?? []), path]);
        }
      } else {
        throw new PkgmeError(
          'TAR_UNSUPPORTED_TYPE',
          `${abs} is a device, FIFO or socket, which a package tree cannot carry`,
          'input',
          {
            hint: 'Remove it from the tree; create it from a maintainer script if it is needed.',
            details: { path },
          },
        );
      }
    }
  }
  await visit('');
  let sorted = sortTarEntries(entries);
  // Hard links: the first path of each inode in the final order keeps the data.
  const linkTo = new Map<string, string>();
  for (const paths of inodes.values()) {
    if (paths.length < 2) continue;
    const order = sorted.filter((e) => paths.includes(e.path)).map((e) => e.path);
    for (const p of order.slice(1)) linkTo.set(p, order[0]!);
  }
  if (linkTo.size > 0) {
    sorted = sorted.map((e) =>
      e.type === 'file' && linkTo.has(e.path)
        ? { type: 'hardlink', path: e.path, target: linkTo.get(e.path)!, mode: e.mode }
        : e,
    );
  }
  return sorted;
}
