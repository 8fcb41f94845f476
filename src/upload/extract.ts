/**
 * `extractUpload(archive, destDir, limits)`: unpacks an untrusted tar (plain, gzip, xz, bzip2, zstd, lz4) or zip into
 * a fresh job directory, enforcing the limits of limits.ts and the rules of writer.ts and member-path.ts.
 *
 * - destDir must not exist or be empty: then everything in it is ours, which the safety rules rely on.
 * - On any rejection the partial extraction is removed (destDir itself if we created it, else its contents) and the
 *   PkgmeError is rethrown: the caller never sees half an upload.
 * - The compression ratio (file bytes written / compressed bytes read so far; for zip, / the archive size) is checked
 *   after every chunk once past ratioGraceBytes, so a bomb stops within a few MB of crossing the limit.
 * - Anything that is neither zip nor tar (after decompression) fails with UPLOAD_UNSUPPORTED_FORMAT; an archive
 *   with no members (or only "./") with UPLOAD_EMPTY.
 */
import {
  closeSync,
  createReadStream,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { PkgmeError } from '../errors.ts';
import { detectCompression, type CompressionFormat } from '../formats/compress/detect.ts';
import { decompressStream } from '../formats/compress/decompress.ts';
import { readTarEntries } from '../formats/tar/read.ts';
import { readZip } from '../formats/zip/read.ts';
import { limitError, uploadError } from './errors.ts';
import { resolveLimits, type UploadLimits } from './limits.ts';
import { SafeWriter, type ManifestEntry, type UploadWarning } from './writer.ts';

export type { ManifestEntry, UploadWarning } from './writer.ts';
export type { UploadLimits } from './limits.ts';

export interface UploadManifest {
  archive: string;
  format: 'tar' | 'zip';
  compression: CompressionFormat;
  /** Size of the archive file. */
  compressedBytes: number;
  /** Bytes of file content written. */
  totalBytes: number;
  entries: ManifestEntry[];
  warnings: UploadWarning[];
}

function readHead(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(8);
    const n = readSync(fd, head, 0, 8, 0);
    return head.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function isZip(head: Buffer): boolean {
  return (
    head.length >= 4 &&
    head[0] === 0x50 &&
    head[1] === 0x4b &&
    [3, 5, 7].includes(head[2]!) &&
    head[3] === head[2]! + 1
  );
}

/** Creates destDir, or checks that it is an empty directory. Returns whether we created it. */
function prepareDest(dest: string): boolean {
  try {
    const st = statSync(dest);
    if (!st.isDirectory() || readdirSync(dest).length > 0) {
      throw uploadError(
        'UPLOAD_DEST_NOT_EMPTY',
        `destination ${dest} is not an empty directory`,
        'extract into a new (or empty) directory',
        { dest },
        'usage',
      );
    }
    return false;
  } catch (err) {
    if (err instanceof PkgmeError) throw err;
    mkdirSync(dest, { recursive: true, mode: 0o755 });
    return true;
  }
}

function removePartial(dest: string, created: boolean): void {
  if (created) {
    rmSync(dest, { recursive: true, force: true });
    return;
  }
  for (const name of readdirSync(dest)) rmSync(join(dest, name), { recursive: true, force: true });
}

/** The ratio check, shared by tar and zip: `compressed()` is the compressed byte count to compare against. */
function ratioGuard(limits: UploadLimits, compressed: () => number): (total: number, member: string) => void {
  return (total, member) => {
    if (total <= limits.ratioGraceBytes) return;
    const c = Math.max(compressed(), 1);
    if (total > limits.maxRatio * c) {
      const err = limitError(
        'UPLOAD_RATIO_EXCEEDED',
        member,
        'maxRatio',
        limits.maxRatio,
        Math.round(total / c),
        `${total} bytes unpacked from ${c} compressed bytes (a decompression bomb?)`,
      );
      Object.assign(err.details, { unpackedBytes: total, compressedBytes: c });
      throw err;
    }
  };
}

async function extractTar(
  archive: string,
  writer: (onBytes: ReturnType<typeof ratioGuard>) => SafeWriter,
  limits: UploadLimits,
): Promise<{ writer: SafeWriter; compression: CompressionFormat }> {
  const src = createReadStream(archive, { highWaterMark: 64 * 1024 });
  let compressed = 0;
  src.on('data', (c) => (compressed += c.length));
  const tar = decompressStream(src);
  const w = writer(ratioGuard(limits, () => compressed));
  let entries = 0;
  try {
    await readTarEntries(tar, (entry, body) => {
      entries++;
      return w.write(entry, body);
    });
  } catch (err) {
    if (err instanceof PkgmeError && err.code === 'TAR_CORRUPT' && entries === 0) {
      throw uploadError(
        'UPLOAD_UNSUPPORTED_FORMAT',
        `${archive} is neither a zip nor a tar archive (compression: ${tar.format ?? 'none'})`,
        'upload a .tar, .tar.gz, .tar.xz, .tar.bz2, .tar.zst or .zip',
        { archive, compression: tar.format ?? 'none' },
      );
    }
    throw err;
  } finally {
    tar.destroy();
    src.destroy();
  }
  return { writer: w, compression: tar.format ?? 'none' };
}

/** Extracts `archive` into `destDir` (created, or empty) within `limits`, and describes what it wrote. */
export async function extractUpload(
  archive: string,
  destDir: string,
  partial: Partial<UploadLimits> = {},
): Promise<UploadManifest> {
  const limits = resolveLimits(partial);
  const dest = resolve(destDir);
  let size: number;
  try {
    size = statSync(archive).size;
  } catch (err) {
    throw uploadError(
      'UPLOAD_NOT_FOUND',
      `cannot read ${archive}: ${(err as Error).message}`,
      'check the path of the upload',
      { archive },
      'usage',
    );
  }
  const head = readHead(archive);
  const created = prepareDest(dest);
  const make = (onBytes: ReturnType<typeof ratioGuard>) => new SafeWriter(dest, limits, onBytes);
  try {
    let writer: SafeWriter;
    let format: 'tar' | 'zip';
    let compression: CompressionFormat;
    if (isZip(head)) {
      format = 'zip';
      compression = 'none';
      writer = make(ratioGuard(limits, () => size));
      await readZip(archive, (entry, body) => writer.write(entry, body));
    } else {
      format = 'tar';
      if (
        detectCompression(head) === 'none' &&
        head.length >= 4 &&
        head.toString('latin1', 0, 7) === '!<arch>'
      ) {
        throw uploadError(
          'UPLOAD_UNSUPPORTED_FORMAT',
          `${archive} is an ar archive (a .deb?), not a tar or zip`,
          'upload the application as a .tar.* or .zip',
          { archive },
        );
      }
      ({ writer, compression } = await extractTar(archive, make, limits));
    }
    writer.finish();
    if (writer.entries.length === 0) {
      // An empty file reads as an empty tar; either way there is nothing to package.
      throw uploadError(
        'UPLOAD_EMPTY',
        `${archive} holds no files`,
        'upload the archive of the built application',
        {
          archive,
        },
      );
    }
    return {
      archive,
      format,
      compression,
      compressedBytes: size,
      totalBytes: writer.totalBytes,
      entries: writer.entries,
      warnings: writer.warnings,
    };
  } catch (err) {
    removePartial(dest, created);
    if (err instanceof PkgmeError) throw err;
    // Not the upload's fault: the disk is full, the directory vanished… Say so, with the cause.
    throw uploadError(
      'UPLOAD_WRITE_FAILED',
      `extracting ${archive} failed: ${(err as Error)?.message ?? String(err)}`,
      'check the space and permissions of the destination',
      { archive, dest },
      'environment',
    );
  }
}
