/**
 * A reproducible tar writer: the same entries give the same bytes, whatever the disk, clock or user.
 *
 * Output is GNU tar format, byte for byte what `tar --format=gnu --mtime=@E --owner=root:0 --group=root:0
 * --no-recursion` writes for the same list in the same order (the tests compare against GNU tar). Why GNU and not
 * tar-stream's pack: dpkg's tar extractor understands GNU `././@LongLink` long names but rejects pax headers
 * ("unknown tar header type 'x'", lib/dpkg/tarfn.c), and tar-stream writes pax for long names. We also need the
 * exact entry order dpkg-deb uses and the 10240-byte record padding GNU tar adds; headers are 512 bytes of ASCII,
 * so writing them is simpler than bending a library.
 *
 * Rules: every mtime is the given epoch, owner root:root (uid/gid 0), modes kept (& 07777), names sorted per
 * directory by bytes (parents first, like dpkg's treewalk), optionally symlinks moved last (dpkg-deb's data member
 * does this so a symlink never precedes its target), directories end in "/". File contents may come from memory or
 * be streamed from a path, so big files are never loaded.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { PkgmeError } from '../../errors.ts';

export type TarEntry =
  | { type: 'dir'; path: string; mode?: number }
  | { type: 'file'; path: string; mode?: number; content: Uint8Array }
  | { type: 'file'; path: string; mode?: number; source: string; size: number }
  | { type: 'symlink'; path: string; target: string }
  /** `target` is the path (same form as `path`) of a file entry that comes earlier in the sorted order. */
  | { type: 'hardlink'; path: string; target: string; mode?: number };

export interface TarOwner {
  uid: number;
  gid: number;
  uname: string;
  gname: string;
}

export interface TarWriteOptions {
  /** Modification time of every entry, in seconds (SOURCE_DATE_EPOCH). */
  mtime: number;
  /** Prefix names with "./" and name the root "./", as dpkg-deb does. Default true. */
  dotSlash?: boolean;
  /** Sort entries (parents first, bytes order per directory). Default true; false keeps the given order. */
  sort?: boolean;
  /** Move symlinks after everything else (dpkg-deb's data member). Default false. */
  symlinksLast?: boolean;
  /** Default root:root, 0:0. */
  owner?: TarOwner;
}

export const ROOT_OWNER: TarOwner = { uid: 0, gid: 0, uname: 'root', gname: 'root' };
const BLOCK = 512;
/** GNU tar's default record: 20 blocks. The archive is padded with zeros to a multiple of it. */
const RECORD = 20 * BLOCK;

function badPath(path: string, why: string): PkgmeError {
  return new PkgmeError('TAR_BAD_PATH', `tar entry path ${JSON.stringify(path)} ${why}`, 'input', {
    hint: 'Use relative paths without ".." or empty components.',
    details: { path },
  });
}

/** Normalises to "usr/bin/x" (no leading "./" or "/", no trailing "/"); the root is "". */
export function normaliseTarPath(path: string): string {
  if (path.includes('\0')) throw badPath(path, 'contains a NUL byte');
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw badPath(path, 'contains ".."');
  return parts.join('/');
}

function compareComponents(a: string, b: string): number {
  if (a === b) return 0;
  const pa = a === '' ? [] : a.split('/');
  const pb = b === '' ? [] : b.split('/');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const c = Buffer.compare(Buffer.from(pa[i]!), Buffer.from(pb[i]!));
    if (c !== 0) return c;
  }
  return pa.length - pb.length;
}

/** Normalises paths, checks for duplicates, and sorts like dpkg's treewalk (and optionally symlinks last). */
export function sortTarEntries(
  entries: TarEntry[],
  opts: { symlinksLast?: boolean; sort?: boolean } = {},
): TarEntry[] {
  const seen = new Set<string>();
  const norm = entries.map((e) => {
    const path = normaliseTarPath(e.path);
    if (seen.has(path)) {
      throw new PkgmeError(
        'TAR_DUPLICATE_PATH',
        `tar entry path ${JSON.stringify(e.path)} is listed twice`,
        'input',
        {
          hint: 'Give each path once.',
          details: { path: e.path },
        },
      );
    }
    seen.add(path);
    return e.type === 'hardlink' ? { ...e, path, target: normaliseTarPath(e.target) } : { ...e, path };
  });
  if (opts.sort !== false) norm.sort((a, b) => compareComponents(a.path, b.path));
  if (!opts.symlinksLast) return norm;
  return [...norm.filter((e) => e.type !== 'symlink'), ...norm.filter((e) => e.type === 'symlink')];
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

interface HeaderFields {
  name: Buffer;
  mode: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname?: Buffer;
  owner: TarOwner;
}

function tooBig(what: string, value: number): PkgmeError {
  return new PkgmeError('TAR_FIELD_OVERFLOW', `tar header ${what} ${value} does not fit the field`, 'input', {
    hint: 'Use a smaller value (uids/gids under 2097152, mtime before year 2242).',
    details: { field: what, value },
  });
}

/** One 512-byte GNU header (magic "ustar  \0"). Names and link names must already fit in 100 bytes. */
function encodeHeader(h: HeaderFields): Buffer {
  const b = Buffer.alloc(BLOCK);
  h.name.copy(b, 0, 0, Math.min(100, h.name.length));
  b.write(octal(h.mode & 0o7777, 8), 100, 'latin1');
  if (h.owner.uid > 0o7777777) throw tooBig('uid', h.owner.uid);
  if (h.owner.gid > 0o7777777) throw tooBig('gid', h.owner.gid);
  if (h.mtime < 0 || h.mtime > 0o77777777777) throw tooBig('mtime', h.mtime);
  b.write(octal(h.owner.uid, 8), 108, 'latin1');
  b.write(octal(h.owner.gid, 8), 116, 'latin1');
  if (h.size <= 0o77777777777) {
    b.write(octal(h.size, 12), 124, 'latin1');
  } else {
    // GNU base-256 for sizes of 8 GiB and more: 0x80 then the value big-endian.
    b[124] = 0x80;
    let v = BigInt(h.size);
    for (let i = 135; i > 124; i--) {
      b[i] = Number(v & 0xffn);
      v >>= 8n;
    }
  }
  b.write(octal(h.mtime, 12), 136, 'latin1');
  b.write(h.typeflag, 156, 'latin1');
  if (h.linkname) h.linkname.copy(b, 157, 0, Math.min(100, h.linkname.length));
  b.write('ustar  \0', 257, 'latin1');
  b.write(h.owner.uname.slice(0, 31), 265, 'utf8');
  b.write(h.owner.gname.slice(0, 31), 297, 'utf8');
  b.fill(' ', 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  b.write(octal(sum, 7) + ' ', 148, 'latin1');
  return b;
}

function pad(n: number): Buffer {
  return Buffer.alloc((BLOCK - (n % BLOCK)) % BLOCK);
}

/** GNU long name ('L') or long link ('K') pseudo-entry. */
function longEntry(typeflag: 'L' | 'K', value: Buffer, owner: TarOwner): Buffer[] {
  const data = Buffer.concat([value, Buffer.alloc(1)]);
  const header = encodeHeader({
    name: Buffer.from('././@LongLink'),
    mode: 0o644,
    size: data.length,
    mtime: 0,
    typeflag,
    owner,
  });
  return [header, data, pad(data.length)];
}

function tarName(path: string, isDir: boolean, dotSlash: boolean): string {
  if (path === '') return dotSlash ? './' : '';
  return (dotSlash ? './' : '') + path + (isDir ? '/' : '');
}

/** The header blocks (long-name entries plus the header) for one entry. */
function headersFor(
  e: TarEntry,
  opts: Required<Omit<TarWriteOptions, 'sort' | 'symlinksLast'>>,
  size: number,
): Buffer[] {
  const name = Buffer.from(tarName(e.path, e.type === 'dir', opts.dotSlash));
  if (name.length === 0) throw badPath(e.path, 'is the root, which has no name without the "./" prefix');
  let typeflag: string;
  let mode: number;
  let linkname: Buffer | undefined;
  switch (e.type) {
    case 'dir':
      typeflag = '5';
      mode = e.mode ?? 0o755;
      break;
    case 'file':
      typeflag = '0';
      mode = e.mode ?? 0o644;
      break;
    case 'symlink':
      typeflag = '2';
      mode = 0o777;
      linkname = Buffer.from(e.target);
      break;
    case 'hardlink':
      typeflag = '1';
      mode = e.mode ?? 0o644;
      linkname = Buffer.from(tarName(e.target, false, opts.dotSlash));
      break;
  }
  const out: Buffer[] = [];
  if (linkname && linkname.length > 100) out.push(...longEntry('K', linkname, opts.owner));
  if (name.length > 100) out.push(...longEntry('L', name, opts.owner));
  out.push(encodeHeader({ name, mode, size, mtime: opts.mtime, typeflag, linkname, owner: opts.owner }));
  return out;
}

function sourceChanged(path: string, source: string, expected: number, got: number): PkgmeError {
  return new PkgmeError(
    'TAR_SOURCE_CHANGED',
    `tar entry ${path}: file ${source} has ${got} bytes, expected ${expected} (changed while writing?)`,
    'input',
    { hint: 'Do not modify the tree while it is being packed.', details: { path, source, expected, got } },
  );
}

async function* generate(entries: TarEntry[], options: TarWriteOptions): AsyncGenerator<Buffer> {
  const opts = {
    mtime: options.mtime,
    dotSlash: options.dotSlash ?? true,
    owner: options.owner ?? ROOT_OWNER,
  };
  const list = sortTarEntries(entries, {
    symlinksLast: options.symlinksLast ?? false,
    sort: options.sort ?? true,
  });
  const written = new Map<string, TarEntry['type']>();
  let total = 0;
  for (const e of list) {
    if (e.type === 'hardlink' && written.get(e.target) !== 'file') {
      throw new PkgmeError(
        'TAR_BAD_HARDLINK',
        `tar hard link ${e.path} points to ${e.target}, which is not a file written before it`,
        'input',
        {
          hint: 'A hard link must follow the file it links to.',
          details: { path: e.path, target: e.target },
        },
      );
    }
    const size = e.type === 'file' ? ('content' in e ? e.content.length : e.size) : 0;
    for (const h of headersFor(e, opts, size)) {
      total += h.length;
      yield h;
    }
    if (e.type === 'file') {
      if ('content' in e) {
        yield Buffer.from(e.content.buffer, e.content.byteOffset, e.content.byteLength);
      } else {
        let got = 0;
        for await (const chunk of createReadStream(e.source) as AsyncIterable<Buffer>) {
          if (got + chunk.length > size) throw sourceChanged(e.path, e.source, size, got + chunk.length);
          got += chunk.length;
          yield chunk;
        }
        if (got !== size) throw sourceChanged(e.path, e.source, size, got);
      }
      const p = pad(size);
      total += size + p.length;
      if (p.length) yield p;
    }
    written.set(e.path, e.type);
  }
  // End of archive: two zero blocks, then zeros up to a whole record, as GNU tar writes.
  total += 2 * BLOCK;
  yield Buffer.alloc(2 * BLOCK + ((RECORD - (total % RECORD)) % RECORD));
}

/** A readable stream of the tar bytes. Errors (PkgmeError) are emitted on the stream. */
export function tarStream(entries: TarEntry[], opts: TarWriteOptions): Readable {
  return Readable.from(generate(entries, opts), { objectMode: false });
}

/** The whole tar in memory (for small archives such as a .deb's control member). */
export async function tarBuffer(entries: TarEntry[], opts: TarWriteOptions): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of generate(entries, opts)) parts.push(c);
  return Buffer.concat(parts);
}
