/**
 * Streamed tar reading on top of tar-stream (ustar, pax, GNU long names and links, v7), optionally compressed with
 * any format src/formats/compress detects.
 *
 * Decisions:
 * - GNU sparse members (typeflag 'S', or pax GNU.sparse.* records as `tar --sparse --format=pax` writes them) are
 *   rejected with TAR_SPARSE naming the member: an application tarball has no reason to hold sparse files, and
 *   expanding the map correctly is code nobody would exercise. `tar` without --sparse stores the same file plainly.
 * - Contiguous files ('7') are read as plain files, as GNU tar does. pax global headers are applied by tar-stream to
 *   the members that follow, and are not themselves entries.
 * - Names: pax paths are UTF-8 by definition; ustar/GNU names are raw bytes, decoded as UTF-8. A name that is not
 *   valid UTF-8 fails with TAR_NAME_NOT_UTF8 (a Debian package's file names must be UTF-8 anyway); the message shows
 *   the bytes escaped.
 * - Other type flags fail with TAR_UNSUPPORTED_ENTRY naming the member and the flag.
 * - Anything tar-stream rejects (bad checksum, truncated data) fails with TAR_CORRUPT.
 */
import type { Readable } from 'node:stream';
import { extract as tarExtract, type Header } from 'tar-stream';
import { PkgmeError } from '../../errors.ts';
import { decompressStream } from '../compress/decompress.ts';
import {
  decodeUtf8Name,
  escapeNameBytes,
  type ArchiveEntryType,
  type EntryHandler,
  type TarEntry,
  typedBody,
} from './read-entry.ts';
import { typeflagOf } from './read-typeflag.ts';

export type { ArchiveEntry, ArchiveEntryType, EntryHandler, TarEntry } from './read-entry.ts';

/** tar-stream's header as it really is at run time: `type` may be null, `pax` holds the records. */
type TarHeaders = Omit<Header, 'type' | 'pax' | 'linkname'> & {
  type: string | null;
  linkname: string | null;
  pax?: Record<string, string> | null;
};

const TYPES: Record<string, ArchiveEntryType> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'directory',
  symlink: 'symlink',
  link: 'hardlink',
  'character-device': 'char-device',
  'block-device': 'block-device',
  fifo: 'fifo',
};

function tarError(code: string, message: string, hint: string, details: Record<string, unknown>): PkgmeError {
  return new PkgmeError(code, message, 'input', { hint, details });
}

/** Decodes a name that tar-stream read as latin1 (that is, as raw bytes), unless it came from a pax record. */
function decodeName(value: string, fromPax: string | undefined, what: string): string {
  if (fromPax !== undefined) {
    if (fromPax.includes('\uFFFD')) {
      throw tarError('TAR_NAME_NOT_UTF8', `a pax ${what} is not valid UTF-8: ${fromPax}`, NAME_HINT, {
        name: fromPax,
      });
    }
    return fromPax;
  }
  const bytes = Buffer.from(value, 'latin1');
  const name = decodeUtf8Name(bytes);
  if (name === undefined) {
    const shown = escapeNameBytes(bytes);
    throw tarError('TAR_NAME_NOT_UTF8', `member ${what} "${shown}" is not valid UTF-8`, NAME_HINT, {
      name: shown,
    });
  }
  return name;
}

const NAME_HINT = 'rename the files to UTF-8 names (e.g. with convmv) and pack the archive again';

/** A pax record holding a decimal number (uid, gid, mtime), when it is one. */
function paxNumber(value: string | undefined): number | undefined {
  return value !== undefined && value !== '' && Number.isFinite(Number(value)) ? Number(value) : undefined;
}

/** Turns a tar-stream header into an entry, or throws the typed reason it cannot be one. */
export function toArchiveEntry(header: TarHeaders): TarEntry {
  const pax = header.pax ?? undefined;
  const name = decodeName(header.name, pax?.path, 'name');
  const flag = typeflagOf(header);
  if (flag === 'S' || (pax && Object.keys(pax).some((k) => k.startsWith('GNU.sparse.')))) {
    const real = pax?.['GNU.sparse.name'] ?? name;
    throw tarError(
      'TAR_SPARSE',
      `member "${real}" is a GNU sparse file, which pkgme does not extract`,
      'pack the archive without --sparse (-S); the file is then stored whole',
      { member: real },
    );
  }
  const type = header.type ? TYPES[header.type] : undefined;
  if (!type) {
    throw tarError(
      'TAR_UNSUPPORTED_ENTRY',
      `member "${name}" has tar type flag '${flag ?? '?'}' (${header.type ?? 'unknown'}), which pkgme does not read`,
      'pack only regular files, directories and links (GNU tar or bsdtar defaults do)',
      { member: name, typeflag: flag },
    );
  }
  // tar-stream applies only pax path, linkpath and size; the owner and mtime records are applied here, as GNU tar does.
  const entry: TarEntry = {
    name,
    type,
    size: type === 'file' ? (header.size ?? 0) : 0,
    mode: (header.mode ?? 0) & 0o7777,
    mtime: paxNumber(pax?.mtime) ?? (header.mtime?.getTime() ?? 0) / 1000,
    uid: paxNumber(pax?.uid) ?? header.uid ?? 0,
    gid: paxNumber(pax?.gid) ?? header.gid ?? 0,
    uname: pax?.uname ?? header.uname ?? '',
    gname: pax?.gname ?? header.gname ?? '',
  };
  if (header.linkname != null && (type === 'symlink' || type === 'hardlink')) {
    entry.linkname = decodeName(header.linkname, pax?.linkpath, 'link target of ' + name);
  }
  if (type === 'char-device' || type === 'block-device') {
    entry.devmajor = header.devmajor ?? 0;
    entry.devminor = header.devminor ?? 0;
  }
  return entry;
}

function corrupt(err: unknown): PkgmeError {
  if (err instanceof PkgmeError) return err;
  const why = err instanceof Error ? err.message : String(err);
  return tarError(
    'TAR_CORRUPT',
    `not a readable tar archive: ${why}`,
    'check the archive with `tar -tvf`',
    {},
  );
}

/**
 * Reads an uncompressed tar stream, calling `onEntry` for each member in order. Resolves when the archive ended
 * properly; rejects with a PkgmeError (the handler's own, or TAR_*), after destroying `input`.
 */
export function readTarEntries(input: Readable, onEntry: EntryHandler<TarEntry>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    // latin1 keeps name bytes intact (decodeName turns them into UTF-8 or rejects them); v7 archives have no magic.
    const options = { filenameEncoding: 'latin1', allowUnknownFormat: true };
    const extract = tarExtract(options as Parameters<typeof tarExtract>[0]);
    let failed = false;
    /** Stops reading; tar-stream's own errors become TAR_CORRUPT, the handler's are passed on as they are. */
    const fail = (err: unknown, fromHandler = false) => {
      if (failed) return;
      failed = true;
      input.unpipe(extract);
      input.destroy();
      extract.destroy();
      reject(fromHandler ? err : corrupt(err));
    };
    extract.on('entry', (raw, source, next) => {
      const header = raw as unknown as TarHeaders;
      const body = source as unknown as AsyncIterable<Buffer>;
      let entry: TarEntry;
      try {
        entry = toArchiveEntry(header);
      } catch (err) {
        fail(err);
        return;
      }
      onEntry(entry, typedBody(body, corrupt))
        .then(async () => {
          // Whatever the handler left unread (a directory's empty body, a skipped member) is drained here.
          for await (const _ of body) void _;
          next();
        })
        .catch((err: unknown) => fail(err, true));
    });
    extract.on('finish', () => {
      if (!failed) resolve();
    });
    extract.on('error', fail);
    input.on('error', fail);
    input.pipe(extract);
  });
}

/** Reads a tar archive, compressed or not (the format is detected from the first bytes). */
export function readTar(input: Readable, onEntry: EntryHandler<TarEntry>): Promise<void> {
  return readTarEntries(decompressStream(input), onEntry);
}
