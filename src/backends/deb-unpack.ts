/**
 * Unpacking an uploaded .deb into a job directory, as `dpkg-deb -R` lays it out: the control files under DEBIAN/,
 * the data member's tree at the root. A .deb upload is as hostile as a tarball (its data member is just a tar), so
 * every member goes through the upload extractor's SafeWriter with the same limits: traversal, links out of the
 * tree, device nodes and oversized members are the same typed UPLOAD_* errors, setuid/setgid bits are stripped with
 * the same UPLOAD_MODE_STRIPPED warning. The control files are written first, so a data member that tries to plant
 * its own DEBIAN/control collides with the real one (UPLOAD_DUPLICATE_MEMBER) instead of replacing it.
 *
 * One difference from a tarball: a package may hold absolute symlinks (libc6's /lib64/ld-linux-x86-64.so.2 ->
 * /lib/x86_64-linux-gnu/…): they mean a path on the system the package is installed on, which is legitimate in a
 * .deb. They are not created in the job directory (nothing that later reads the tree could then follow one onto
 * the build machine); they are returned as `links` and become symlink placements. A later member at or below such
 * a link is refused (UPLOAD_PATH_THROUGH_LINK), as the extractor refuses writing through any link.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { isPkgmeError, type PkgmeError } from '../errors.ts';
import { arMemberStream } from '../formats/ar/file.ts';
import { createDecompressor } from '../formats/compress/index.ts';
import type { DebControlInfo } from '../formats/deb/control.ts';
import { readMemberTar } from '../formats/deb/members.ts';
import { DebFile } from '../formats/deb/read.ts';
import type { ArchiveEntry } from '../formats/tar/read-entry.ts';
import { limitError, uploadError } from '../upload/errors.ts';
import { LINK_MAX, memberComponents } from '../upload/member-path.ts';
import { resolveLimits, type UploadLimits } from '../upload/limits.ts';
import { inventoryTree } from '../inspect/inventory.ts';
import type { Upload } from './types.ts';
import { SafeWriter, type ManifestEntry, type UploadWarning } from '../upload/writer.ts';

export interface UnpackedDeb {
  /** The control member as read (fields and every control file). */
  control: DebControlInfo;
  /** What was written, DEBIAN/ included, as the upload extractor's manifest describes it. */
  entries: ManifestEntry[];
  warnings: UploadWarning[];
  /** Bytes of file content written from the data member. */
  dataBytes: number;
  /** Absolute symlinks of the data member, not created on disk: path (relative, normalized) → target. */
  links: Array<{ path: string; target: string }>;
}

/** Records an absolute symlink instead of creating it (see the module comment). */
function absoluteLink(e: ArchiveEntry, links: Array<{ path: string; target: string }>): void {
  const path = memberComponents(e.name).join('/');
  const target = e.linkname ?? '';
  if (path === '' || target.includes('\0') || Buffer.byteLength(target) > LINK_MAX)
    throw uploadError(
      'UPLOAD_LINK_ESCAPE',
      `symlink "${e.name}" has an invalid target`,
      'use targets without NUL bytes, at most 4095 bytes long',
      { member: e.name },
    );
  links.push({ path, target: posix.normalize(target) });
}

/** A member at or below a recorded absolute link would be written where the package has a symlink. */
function checkNotBelowLink(e: ArchiveEntry, links: Array<{ path: string }>): void {
  if (links.length === 0) return;
  const path = memberComponents(e.name).join('/');
  const link = links.find((l) => path === l.path || path.startsWith(`${l.path}/`));
  if (link)
    throw uploadError(
      'UPLOAD_PATH_THROUGH_LINK',
      `member "${e.name}" would be written at or through the symlink "${link.path}" extracted earlier`,
      'put files at their real paths, not below a symlink',
      { member: e.name, link: link.path },
    );
}

/**
 * The SafeWriter's errors reach us wrapped by readMemberTar as DEB_CORRUPT_MEMBER (the tar reader cannot tell a
 * policy refusal from damage); the upload's own code is the useful one, so it is unwrapped.
 */
function unwrap(err: unknown): unknown {
  if (isPkgmeError(err) && err.code === 'DEB_CORRUPT_MEMBER') {
    const inner = (err as PkgmeError & { cause?: unknown }).cause;
    if (isPkgmeError(inner) && /^UPLOAD_/.test(inner.code)) return inner;
  }
  return err;
}

function entry(name: string, type: 'file' | 'directory', mode: number, size = 0): ArchiveEntry {
  return { name, type, mode, size, mtime: 0 };
}

/**
 * Unpacks `deb` into `dest` (which must not exist, or be empty). On any refusal the partial tree is removed and the
 * typed error rethrown, as extractUpload does.
 */
export async function unpackDeb(
  deb: string,
  dest: string,
  partial: Partial<UploadLimits> = {},
): Promise<UnpackedDeb> {
  const limits = resolveLimits(partial);
  const file = await DebFile.open(deb);
  mkdirSync(dest, { recursive: true, mode: 0o755 });
  if (readdirSync(dest).length > 0)
    throw uploadError(
      'UPLOAD_DEST_NOT_EMPTY',
      `destination ${dest} is not an empty directory`,
      'unpack into a new (or empty) directory',
      { dest },
      'usage',
    );
  const data = file.info.data;
  let compressed = 0;
  const links: Array<{ path: string; target: string }> = [];
  const writer = new SafeWriter(dest, limits, (total, member) => {
    if (total <= limits.ratioGraceBytes || total <= limits.maxRatio * Math.max(compressed, 1)) return;
    throw limitError(
      'UPLOAD_RATIO_EXCEEDED',
      member,
      'maxRatio',
      limits.maxRatio,
      Math.round(total / Math.max(compressed, 1)),
      `${total} bytes unpacked from ${compressed} compressed bytes of ${data.name} (a decompression bomb?)`,
    );
  });
  try {
    await writer.write(entry('DEBIAN', 'directory', 0o755), Readable.from([]));
    for (const [name, f] of file.info.control.files)
      await writer.write(
        entry(`DEBIAN/${name}`, 'file', f.mode, f.data.length),
        Readable.from([Buffer.from(f.data)]),
      );
    const controlBytes = writer.totalBytes;
    const raw = arMemberStream(deb, { ...data, headerOffset: 0, mtime: 0, uid: 0, gid: 0, mode: 0 });
    raw.on('data', (c: Buffer) => (compressed += c.length));
    const plain = createDecompressor(data.compression);
    raw.on('error', (err) => plain.destroy(err));
    raw.pipe(plain);
    try {
      await readMemberTar(plain, data.name, async (e, body) => {
        checkNotBelowLink(e, links);
        if (e.type === 'symlink' && e.linkname?.startsWith('/')) return absoluteLink(e, links);
        await writer.write(e, body);
      });
    } finally {
      raw.destroy();
    }
    writer.finish();
    return {
      control: file.info.control,
      entries: writer.entries,
      warnings: writer.warnings,
      dataBytes: writer.totalBytes - controlBytes,
      links,
    };
  } catch (err) {
    for (const name of readdirSync(dest)) rmSync(join(dest, name), { recursive: true, force: true });
    throw unwrap(err);
  }
}

type UnpackNotes = Pick<UnpackedDeb, 'warnings' | 'links'>;

/**
 * What unpacking found beyond the tree (stripped setuid bits, absolute links), by job directory, for the backend's
 * info() and debPlanParts; removed at cleanup. A side table because Upload (the backend protocol) has no place for it.
 */
const NOTES = new Map<string, UnpackNotes>();

/** The notes openDebUpload recorded for this upload's tree (empty for other uploads). */
export function unpackNotes(upload: Upload): UnpackNotes {
  return (upload.root === null ? undefined : NOTES.get(upload.root)) ?? { warnings: [], links: [] };
}

/**
 * Opens a .deb upload for inspection and packaging: unpacked into a fresh job directory, so `Upload.root` is the
 * package tree (DEBIAN/ + data) and the inventory covers it, which is what lets inspect resolve its ELF files.
 * `cleanup` removes the job directory.
 */
export async function openDebUpload(
  path: string,
  limits: Partial<UploadLimits> = {},
): Promise<{ upload: Upload; cleanup: () => void }> {
  const tmp = mkdtempSync(join(tmpdir(), 'pkgme-deb-'));
  const root = join(tmp, 'upload');
  const cleanup = () => {
    NOTES.delete(root);
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    const r = await unpackDeb(path, root, limits);
    NOTES.set(root, { warnings: r.warnings, links: r.links });
    return {
      upload: { path, name: basename(path), isFile: true, root, inventory: inventoryTree(root) },
      cleanup,
    };
  } catch (err) {
    cleanup();
    throw err;
  }
}
