/**
 * Member names and link targets, judged without touching the disk.
 *
 * A member path becomes a list of components relative to the destination: "./" and empty components dropped, a
 * leading "/" or any ".." rejected (UPLOAD_PATH_TRAVERSAL). We do not "fix" such names by stripping them as GNU tar
 * does: an application tarball has no honest reason to hold them.
 *
 * Symlink targets must stay inside the destination, and must be provably so when the link is created, whatever
 * comes later in the archive. The rule (UPLOAD_LINK_ESCAPE otherwise):
 * - relative targets only (an absolute target points outside the job directory by definition);
 * - resolution starts at the link's own directory, a real directory we created;
 * - ".." may only climb while the path walked so far is a real directory already extracted (never replaced later,
 *   see writer.ts), and never above the destination;
 * - once the walk enters a name that is not a known directory (a symlink, or a name not extracted yet), no ".."
 *   may follow: what that name becomes later cannot be known now, so climbing out of it cannot be checked.
 * Descending only goes deeper, and every symlink it may cross was checked the same way when it was created, so by
 * induction no chain of links leaves the destination.
 */
import { uploadError } from './errors.ts';
import type { UploadLimits } from './limits.ts';
import { limitError } from './errors.ts';

/** Splits a member name into safe components ([] for the destination itself). */
export function memberComponents(name: string): string[] {
  if (name.includes('\0')) {
    throw uploadError(
      'UPLOAD_BAD_NAME',
      `member "${name.replace(/\0/g, '\\0')}" has a NUL byte in its name`,
      'file names cannot hold NUL bytes; pack the archive again',
      { member: name },
    );
  }
  if (name.startsWith('/')) {
    throw uploadError(
      'UPLOAD_PATH_TRAVERSAL',
      `member "${name}" has an absolute path`,
      'pack the archive with relative paths (tar -C DIR -cf out.tar .)',
      { member: name },
    );
  }
  const parts = name.split('/').filter((c) => c !== '' && c !== '.');
  if (parts.includes('..')) {
    throw uploadError(
      'UPLOAD_PATH_TRAVERSAL',
      `member "${name}" has a ".." component`,
      'pack the archive with paths inside one directory (tar -C DIR -cf out.tar .)',
      { member: name },
    );
  }
  return parts;
}

/** Enforces maxPathBytes and maxDepth on a normalized path. */
export function checkPathLimits(parts: string[], member: string, limits: UploadLimits): void {
  const path = parts.join('/');
  const bytes = Buffer.byteLength(path);
  if (bytes > limits.maxPathBytes) {
    throw limitError(
      'UPLOAD_PATH_TOO_LONG',
      member,
      'maxPathBytes',
      limits.maxPathBytes,
      bytes,
      `path is ${bytes} bytes long`,
    );
  }
  if (parts.length > limits.maxDepth) {
    throw limitError(
      'UPLOAD_PATH_TOO_LONG',
      member,
      'maxDepth',
      limits.maxDepth,
      parts.length,
      `path is ${parts.length} components deep`,
    );
  }
  for (const c of parts) {
    const n = Buffer.byteLength(c);
    if (n > NAME_MAX) {
      // A file system limit, not a configurable one: Linux refuses longer names (ENAMETOOLONG).
      throw limitError(
        'UPLOAD_PATH_TOO_LONG',
        member,
        'NAME_MAX',
        NAME_MAX,
        n,
        `a path component is ${n} bytes long`,
      );
    }
  }
}

/** Longest file name (one component) Linux file systems take, and longest symlink target. */
export const NAME_MAX = 255;
export const LINK_MAX = 4095;

function escape(member: string, target: string, why: string): never {
  throw uploadError(
    'UPLOAD_LINK_ESCAPE',
    `symlink "${member}" -> "${target}" ${why}`,
    'use relative symlinks that point inside the package tree',
    { member, target },
  );
}

/**
 * Throws UPLOAD_LINK_ESCAPE unless a symlink at `linkParts` (its own path's components) with `target` provably
 * resolves inside the destination. `isDir(path)` tells whether a relative path is a real directory extracted so far.
 */
export function checkSymlinkTarget(
  linkParts: string[],
  target: string,
  member: string,
  isDir: (path: string) => boolean,
): void {
  if (target === '') escape(member, target, 'has an empty target');
  if (target.includes('\0')) escape(member, target, 'has a NUL byte in its target');
  if (target.startsWith('/')) escape(member, target, 'is absolute, so it points outside the upload');
  if (Buffer.byteLength(target) > LINK_MAX)
    escape(member, target.slice(0, 64) + '…', 'has a target longer than 4095 bytes');
  const cur = linkParts.slice(0, -1);
  let known = true;
  for (const c of target.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') {
      if (!known)
        escape(
          member,
          target,
          `climbs out of "${cur.join('/')}", which is not a directory extracted before it`,
        );
      if (cur.length === 0) escape(member, target, 'points above the upload directory');
      cur.pop();
      continue;
    }
    cur.push(c);
    if (known && !isDir(cur.join('/'))) known = false;
  }
}
