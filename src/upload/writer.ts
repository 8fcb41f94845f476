/**
 * Writes archive members into the destination directory, safely.
 *
 * The destination starts empty (extract.ts makes sure), so everything in it was made by this writer, and the writer
 * keeps a map of what it made. That map, not the disk, is what decisions are based on:
 * - parents are created as real directories; a member whose parent is a symlink (writing through a link extracted
 *   earlier) fails with UPLOAD_PATH_THROUGH_LINK, one whose parent is a file with UPLOAD_DUPLICATE_MEMBER;
 * - a member may not replace anything already extracted (UPLOAD_DUPLICATE_MEMBER), except a directory repeated as
 *   a directory (its mode and mtime are updated, as GNU tar does). Refusing replacement is what keeps the symlink
 *   rule of member-path.ts sound: a directory, once made, stays a directory;
 * - files are opened with O_CREAT|O_EXCL|O_NOFOLLOW, so even a race with another process cannot make us follow a
 *   link or overwrite;
 * - hardlinks must name a regular file extracted earlier (UPLOAD_LINK_ESCAPE otherwise);
 * - device nodes and FIFOs are refused (UPLOAD_SPECIAL_FILE);
 * - setuid, setgid and sticky bits are stripped, with a warning (UPLOAD_MODE_STRIPPED) in the manifest: the
 *   package is built from these files, and whether it ships a setuid binary is a decision for its control files,
 *   not for bits that happened to be in an upload;
 * - directories are made 0700 while extracting and get their own mode and mtime at the end, deepest first, so a
 *   read-only directory can still be filled (what GNU tar does with delayed directory attributes).
 * I/O is synchronous: the pipeline is one stream, the (de)compression runs in libuv's threads, and sync calls avoid
 * a promise round trip per small file, which dominates when a tree has thousands of them.
 */
import {
  closeSync,
  constants,
  fchmodSync,
  futimesSync,
  linkSync,
  lutimesSync,
  mkdirSync,
  openSync,
  symlinkSync,
  utimesSync,
  chmodSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { ArchiveEntry } from '../formats/tar/read-entry.ts';
import { limitError, uploadError } from './errors.ts';
import type { UploadLimits } from './limits.ts';
import { checkPathLimits, checkSymlinkTarget, memberComponents } from './member-path.ts';

export type ExtractedType = 'file' | 'directory' | 'symlink' | 'hardlink';

export interface ManifestEntry {
  /** Normalized path relative to the destination. */
  path: string;
  type: ExtractedType;
  size: number;
  /** The mode written (after stripping setuid/setgid/sticky). */
  mode: number;
  mtime: number;
  /** Symlink target, or the path of the file a hardlink shares. */
  target?: string;
}

export interface UploadWarning {
  code: string;
  member: string;
  message: string;
}

type Node = 'dir' | 'implicit-dir' | 'file' | 'symlink';

const SPECIAL_BITS = 0o7000;
const OPEN_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

export class SafeWriter {
  readonly entries: ManifestEntry[] = [];
  readonly warnings: UploadWarning[] = [];
  totalBytes = 0;
  #count = 0;
  readonly #nodes = new Map<string, Node>([['', 'dir']]);
  readonly #dirAttrs = new Map<string, { mode: number; mtime: number }>();

  constructor(
    private readonly dest: string,
    private readonly limits: UploadLimits,
    /** Called after each chunk of file content is written, with the running total (the ratio check lives there). */
    private readonly onBytes: (total: number, member: string) => void = () => undefined,
  ) {}

  /** Writes one member. Must be called in archive order; `body` is consumed fully. */
  async write(entry: ArchiveEntry, body: AsyncIterable<Buffer>): Promise<void> {
    const member = entry.name;
    if (++this.#count > this.limits.maxEntries) {
      throw limitError(
        'UPLOAD_TOO_MANY_ENTRIES',
        member,
        'maxEntries',
        this.limits.maxEntries,
        this.#count,
        `the archive has more than ${this.limits.maxEntries} members`,
      );
    }
    const parts = memberComponents(member);
    checkPathLimits(parts, member, this.limits);
    const path = parts.join('/');
    if (entry.type === 'char-device' || entry.type === 'block-device' || entry.type === 'fifo') {
      throw uploadError(
        'UPLOAD_SPECIAL_FILE',
        `member "${member}" is a ${entry.type}, which an upload may not hold`,
        'remove device nodes and FIFOs from the archive',
        { member, type: entry.type },
      );
    }
    if (path === '') {
      // "./" itself: the destination exists already and keeps its own mode.
      if (entry.type === 'directory') return;
      throw uploadError(
        'UPLOAD_BAD_NAME',
        `member "${member}" names the upload root but is a ${entry.type}`,
        'pack the archive again',
        { member },
      );
    }
    this.#makeParents(parts, member);
    const existing = this.#nodes.get(path);
    if (
      existing !== undefined &&
      !(entry.type === 'directory' && (existing === 'dir' || existing === 'implicit-dir'))
    ) {
      throw uploadError(
        'UPLOAD_DUPLICATE_MEMBER',
        `member "${member}" (${entry.type}) would replace ${existing === 'symlink' ? 'a symlink' : existing === 'file' ? 'a file' : 'a directory'} extracted earlier`,
        'pack each path only once',
        { member, path },
      );
    }
    const mode = this.#mode(entry);
    const full = join(this.dest, path);
    switch (entry.type) {
      case 'directory':
        if (existing === undefined) mkdirSync(full, 0o700);
        this.#nodes.set(path, 'dir');
        this.#dirAttrs.set(path, { mode, mtime: entry.mtime });
        this.entries.push({ path, type: 'directory', size: 0, mode, mtime: entry.mtime });
        return;
      case 'file':
        await this.#writeFile(full, path, member, entry, mode, body);
        return;
      case 'symlink': {
        const target = entry.linkname ?? '';
        checkSymlinkTarget(parts, target, member, (p) => {
          const n = this.#nodes.get(p);
          return n === 'dir' || n === 'implicit-dir';
        });
        symlinkSync(target, full);
        lutimesSync(full, fsTime(entry.mtime), fsTime(entry.mtime));
        this.#nodes.set(path, 'symlink');
        this.entries.push({ path, type: 'symlink', size: 0, mode: 0o777, mtime: entry.mtime, target });
        return;
      }
      case 'hardlink': {
        const target = this.#hardlinkTarget(entry, member);
        linkSync(join(this.dest, target), full);
        this.#nodes.set(path, 'file');
        this.entries.push({ path, type: 'hardlink', size: 0, mode, mtime: entry.mtime, target });
        return;
      }
    }
  }

  /** Applies directory modes and mtimes, deepest first. Call once every member was written. */
  finish(): void {
    const dirs = [...this.#nodes.entries()].filter(
      ([p, n]) => p !== '' && (n === 'dir' || n === 'implicit-dir'),
    );
    dirs.sort((a, b) => b[0].split('/').length - a[0].split('/').length);
    for (const [p, n] of dirs) {
      const full = join(this.dest, p);
      const attrs = this.#dirAttrs.get(p);
      if (n === 'implicit-dir' || !attrs) continue;
      chmodSync(full, attrs.mode);
      utimesSync(full, fsTime(attrs.mtime), fsTime(attrs.mtime));
    }
  }

  #mode(entry: ArchiveEntry): number {
    if (entry.mode & SPECIAL_BITS && entry.type !== 'symlink') {
      this.warnings.push({
        code: 'UPLOAD_MODE_STRIPPED',
        member: entry.name,
        message: `removed ${describeBits(entry.mode)} from "${entry.name}" (mode ${entry.mode.toString(8)} -> ${(entry.mode & 0o777).toString(8)})`,
      });
    }
    return entry.mode & 0o777;
  }

  #makeParents(parts: string[], member: string): void {
    let p = '';
    for (let i = 0; i < parts.length - 1; i++) {
      p = p === '' ? parts[i]! : `${p}/${parts[i]}`;
      const n = this.#nodes.get(p);
      if (n === 'dir' || n === 'implicit-dir') continue;
      if (n === 'symlink') {
        throw uploadError(
          'UPLOAD_PATH_THROUGH_LINK',
          `member "${member}" would be written through the symlink "${p}" extracted earlier`,
          'put files at their real paths, not below a symlink',
          { member, link: p },
        );
      }
      if (n === 'file') {
        throw uploadError(
          'UPLOAD_DUPLICATE_MEMBER',
          `member "${member}" needs "${p}" to be a directory, but it is a file`,
          'pack each path only once',
          { member, path: p },
        );
      }
      mkdirSync(join(this.dest, p), 0o755);
      this.#nodes.set(p, 'implicit-dir');
    }
  }

  #hardlinkTarget(entry: ArchiveEntry, member: string): string {
    const raw = entry.linkname ?? '';
    let parts: string[];
    try {
      parts = memberComponents(raw);
    } catch {
      throw uploadError(
        'UPLOAD_LINK_ESCAPE',
        `hardlink "${member}" -> "${raw}" points outside the upload`,
        'hardlinks may only name files inside the archive',
        { member, target: raw },
      );
    }
    const target = parts.join('/');
    if (this.#nodes.get(target) !== 'file') {
      throw uploadError(
        'UPLOAD_LINK_ESCAPE',
        `hardlink "${member}" -> "${raw}" does not name a regular file extracted before it`,
        'hardlinks may only name files that come earlier in the archive',
        { member, target: raw },
      );
    }
    return target;
  }

  async #writeFile(
    full: string,
    path: string,
    member: string,
    entry: ArchiveEntry,
    mode: number,
    body: AsyncIterable<Buffer>,
  ): Promise<void> {
    const { limits } = this;
    if (entry.size > limits.maxFileBytes) {
      throw limitError(
        'UPLOAD_TOO_LARGE',
        member,
        'maxFileBytes',
        limits.maxFileBytes,
        entry.size,
        `file is ${entry.size} bytes`,
      );
    }
    if (this.totalBytes + entry.size > limits.maxTotalBytes) {
      throw limitError(
        'UPLOAD_TOO_LARGE',
        member,
        'maxTotalBytes',
        limits.maxTotalBytes,
        this.totalBytes + entry.size,
        `files add up to more than ${limits.maxTotalBytes} bytes`,
      );
    }
    const fd = openSync(full, OPEN_FLAGS, 0o600);
    this.#nodes.set(path, 'file');
    let written = 0;
    try {
      for await (const chunk of body) {
        written += chunk.length;
        if (written > entry.size) {
          throw uploadError(
            'UPLOAD_SIZE_MISMATCH',
            `member "${member}" holds more than its declared ${entry.size} bytes`,
            'the archive is damaged; pack it again',
            { member, size: entry.size },
          );
        }
        let off = 0;
        while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
        this.totalBytes += chunk.length;
        this.onBytes(this.totalBytes, member);
      }
      fchmodSync(fd, mode);
      futimesSync(fd, fsTime(entry.mtime), fsTime(entry.mtime));
    } finally {
      closeSync(fd);
    }
    this.entries.push({ path, type: 'file', size: written, mode, mtime: entry.mtime });
  }
}

/**
 * An mtime the kernel accepts: archive headers (pax especially) can carry any number, and a NaN or a year-300000
 * timestamp must not turn into a failed write. Clamped to 1901..2514 (signed 32-bit low end, ext4's 34-bit high end).
 */
function fsTime(t: number): number {
  if (!Number.isFinite(t)) return 0;
  return Math.min(Math.max(t, -(2 ** 31)), 2 ** 34 - 1);
}

function describeBits(mode: number): string {
  const bits = [];
  if (mode & 0o4000) bits.push('setuid');
  if (mode & 0o2000) bits.push('setgid');
  if (mode & 0o1000) bits.push('sticky');
  return bits.join('+');
}
