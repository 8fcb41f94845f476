/**
 * Zip reading on top of yauzl (lazy entries, each member streamed; zip64 handled by yauzl).
 *
 * Decisions:
 * - Unix modes come from the high 16 bits of the external attributes when the archive was made on Unix (version
 *   made by, high byte 3): that is where Info-ZIP's `zip` stores st_mode, including the S_IFLNK type of symlinks
 *   stored with `zip -y`, whose content is the link target. Other archives get 0644 files / 0755 directories.
 * - Encrypted members fail with ZIP_ENCRYPTED, compression methods other than stored/deflate with
 *   ZIP_UNSUPPORTED_METHOD, both naming the member. Structural problems, bad CRCs and size mismatches (yauzl checks
 *   both while streaming) fail with ZIP_CORRUPT.
 * - Names: the Info-ZIP Unicode Path extra field (0x7075) wins; otherwise names are decoded as UTF-8 (flagged by
 *   bit 11 or not: zip on Linux writes UTF-8 bytes without the flag). Bytes that are not UTF-8 fail with
 *   ZIP_NAME_NOT_UTF8 rather than being guessed as CP437. Names are not judged here: the caller (src/upload)
 *   decides about "../" and absolute paths, so yauzl's own name checks are off (decodeStrings: false).
 * - mtime from the Info-ZIP extended timestamp (0x5455) when present, as unzip does, else the DOS time as UTC.
 */
import { fromBuffer, open, type Entry, type ZipFile } from 'yauzl';
import { PkgmeError } from '../../errors.ts';
import {
  decodeUtf8Name,
  escapeNameBytes,
  typedBody,
  type ArchiveEntry,
  type EntryHandler,
} from '../tar/read-entry.ts';

const S_IFMT = 0o170000;
const TYPES: Record<number, ArchiveEntry['type']> = {
  0o100000: 'file',
  0o040000: 'directory',
  0o120000: 'symlink',
  0o020000: 'char-device',
  0o060000: 'block-device',
  0o010000: 'fifo',
};
/** A symlink target longer than this is not a target (PATH_MAX). */
const MAX_LINK = 4096;

function zipError(
  code: string,
  message: string,
  hint: string,
  details: Record<string, unknown> = {},
): PkgmeError {
  return new PkgmeError(code, message, 'input', { hint, details });
}

function corrupt(err: unknown): PkgmeError {
  if (err instanceof PkgmeError) return err;
  const why = err instanceof Error ? err.message : String(err);
  return zipError('ZIP_CORRUPT', `not a readable zip archive: ${why}`, 'check the archive with `unzip -t`');
}

function entryName(e: Entry): string {
  const raw = e.fileNameRaw ?? (e.fileName as unknown as Buffer);
  for (const f of e.extraFields) {
    if (f.id === 0x7075 && f.data.length >= 6 && f.data[0] === 1) {
      const name = decodeUtf8Name(f.data.subarray(5));
      if (name !== undefined) return name;
    }
  }
  const name = decodeUtf8Name(raw);
  if (name === undefined) {
    const shown = escapeNameBytes(raw);
    throw zipError(
      'ZIP_NAME_NOT_UTF8',
      `member "${shown}" has a name that is not valid UTF-8`,
      'rename the files to UTF-8 names and zip them again',
      { name: shown },
    );
  }
  return name;
}

/** Describes a zip member as an ArchiveEntry (without its symlink target, which is its content). */
export function toArchiveEntry(e: Entry): ArchiveEntry {
  const name = entryName(e);
  if (e.isEncrypted()) {
    throw zipError(
      'ZIP_ENCRYPTED',
      `member "${name}" is encrypted`,
      'upload the archive without a password',
      {
        member: name,
      },
    );
  }
  if (e.compressionMethod !== 0 && e.compressionMethod !== 8) {
    throw zipError(
      'ZIP_UNSUPPORTED_METHOD',
      `member "${name}" uses compression method ${e.compressionMethod}; only stored (0) and deflate (8) are read`,
      'zip it again with the default (deflate) method',
      { member: name, method: e.compressionMethod },
    );
  }
  const unix = e.versionMadeBy >>> 8 === 3 ? e.externalFileAttributes >>> 16 : 0;
  const isDirName = name.endsWith('/');
  let type: ArchiveEntry['type'] | undefined = unix & S_IFMT ? TYPES[unix & S_IFMT] : undefined;
  if (type === undefined) {
    if (unix & S_IFMT) {
      throw zipError(
        'ZIP_UNSUPPORTED_ENTRY',
        `member "${name}" has unknown file type ${(unix & S_IFMT).toString(8)}`,
        'zip only regular files, directories and symlinks',
        { member: name },
      );
    }
    type = isDirName || (e.externalFileAttributes & 0x10) !== 0 ? 'directory' : 'file';
  }
  const mode = unix & 0o7777 ? unix & 0o7777 : type === 'directory' ? 0o755 : 0o644;
  const date = e.getLastModDate({ timezone: 'UTC' });
  return {
    name,
    type,
    size: type === 'file' ? e.uncompressedSize : 0,
    mode,
    mtime: Number.isFinite(date.getTime()) ? date.getTime() / 1000 : 0,
  };
}

function openStream(zip: ZipFile, e: Entry): Promise<AsyncIterable<Buffer>> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(e, (err, stream) =>
      err ? reject(corrupt(err)) : resolve(stream as AsyncIterable<Buffer>),
    );
  });
}

async function readLinkTarget(zip: ZipFile, e: Entry, name: string): Promise<string> {
  if (e.uncompressedSize > MAX_LINK) {
    throw zipError(
      'ZIP_CORRUPT',
      `symlink member "${name}" has a ${e.uncompressedSize}-byte target`,
      'check the archive',
      { member: name },
    );
  }
  const chunks: Buffer[] = [];
  for await (const c of typedBody(await openStream(zip, e), corrupt)) chunks.push(c);
  const target = decodeUtf8Name(Buffer.concat(chunks));
  if (target === undefined || target.length === 0 || target.includes('\0')) {
    throw zipError('ZIP_CORRUPT', `symlink member "${name}" has an unreadable target`, 'check the archive', {
      member: name,
    });
  }
  return target;
}

/** Calls `onEntry` for every member of an open yauzl zip file (opened with lazyEntries, decodeStrings false). */
function walk(zip: ZipFile, onEntry: EntryHandler): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let done = false;
    const fail = (err: unknown) => {
      if (done) return;
      done = true;
      zip.close();
      reject(err);
    };
    zip.on('error', (err) => fail(corrupt(err)));
    zip.on('end', () => {
      if (done) return;
      done = true;
      zip.close();
      resolve();
    });
    zip.on('entry', (e: Entry) => {
      (async () => {
        const entry = toArchiveEntry(e);
        if (entry.type === 'symlink') {
          entry.linkname = await readLinkTarget(zip, e, entry.name);
          await onEntry(entry, EMPTY);
        } else if (entry.type === 'file' && e.uncompressedSize + e.compressedSize > 0) {
          const body = await openStream(zip, e);
          // Body errors (bad deflate data, wrong sizes) become ZIP_CORRUPT; the handler's own pass as they are.
          await onEntry(entry, typedBody(body, corrupt));
          for await (const _ of typedBody(body, corrupt)) void _;
        } else {
          await onEntry(entry, EMPTY);
        }
        if (!done) zip.readEntry();
      })().catch(fail);
    });
    zip.readEntry();
  });
}

const EMPTY: AsyncIterable<Buffer> = (async function* () {})();

const OPTIONS = {
  lazyEntries: true,
  decodeStrings: false,
  validateEntrySizes: true,
  autoClose: false,
} as const;

/** Reads the zip file at `path`. */
export function readZip(path: string, onEntry: EntryHandler): Promise<void> {
  return new Promise<ZipFile>((resolve, reject) =>
    open(path, OPTIONS, (err, zip) => (err ? reject(corrupt(err)) : resolve(zip))),
  ).then((zip) => walk(zip, onEntry));
}

/** Reads a zip archive held in memory (small archives, fuzzing). */
export function readZipBuffer(buf: Uint8Array, onEntry: EntryHandler): Promise<void> {
  return new Promise<ZipFile>((resolve, reject) =>
    fromBuffer(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength), OPTIONS, (err, zip) =>
      err ? reject(corrupt(err)) : resolve(zip),
    ),
  ).then((zip) => walk(zip, onEntry));
}
