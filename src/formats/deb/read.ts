/**
 * Reading binary .deb packages: the control member (fields + control files) from a buffer, from a prefix of the
 * file (for HTTP Range fetches: it reports how many more bytes it needs), or from a file on disk; and the data
 * member's entries, streamed, from a file.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { isPkgmeError, PkgmeError } from '../../errors.ts';
import { arMemberStream, listArFile, readArMemberData } from '../ar/file.ts';
import { AR_HEADER_SIZE } from '../ar/header.ts';
import { parseArPrefix, readAr, type ArMemberInfo } from '../ar/read.ts';
import { createDecompressor } from '../compress/index.ts';
import { readControlTar, type DebControlInfo } from './control.ts';
import type { TarEntry } from '../tar/read.ts';
import {
  checkFormatVersion,
  classifyMember,
  notDeb,
  readMemberTar,
  type DebCompression,
  type MemberEntryHandler,
} from './members.ts';

export interface DebMember {
  name: string;
  compression: DebCompression;
  /** Compressed size in bytes, and where the data starts in the .deb. */
  size: number;
  dataOffset: number;
}

export interface DebInfo {
  /** From `debian-binary`, e.g. "2.0". */
  formatVersion: string;
  control: DebControlInfo & { member: DebMember };
  /** Absent only when reading a prefix that ends before the data member's header. */
  data?: DebMember;
  /** Every ar member, in order (including ignored `_*` members). */
  members: ArMemberInfo[];
}

interface Layout {
  version?: ArMemberInfo;
  control?: DebMember;
  data?: DebMember;
}

/** Assigns roles to the members in order (enforcing deb(5)'s order). */
function layout(members: ArMemberInfo[]): Layout {
  const out: Layout = {};
  let index = 0;
  for (const m of members) {
    const r = classifyMember(m.name, index);
    if (r.role === 'ignored') continue;
    index++;
    if (r.role === 'debian-binary') out.version = m;
    else out[r.role] = { name: m.name, compression: r.compression, size: m.size, dataOffset: m.dataOffset };
  }
  return out;
}

function asDebError(err: unknown): unknown {
  if (isPkgmeError(err) && err.code === 'AR_BAD_MAGIC') {
    return notDeb('the file is not an ar archive (no "!<arch>" header)', err.details);
  }
  return err;
}

function missing(what: string): PkgmeError {
  return new PkgmeError('DEB_MISSING_MEMBER', `.deb has no ${what} member`, 'input', {
    hint: 'The package is truncated or damaged; download or build it again.',
    details: { member: what },
  });
}

export type DebPrefixResult =
  { complete: true; deb: DebInfo } | { complete: false; needBytes: number; needLength: number };

/**
 * Reads the control member from the first bytes of a .deb. When the prefix is too short, says how many more
 * bytes to fetch (`needLength` is the prefix length to ask for next). A typical bookworm .deb needs 1-60 KB.
 */
export async function readDebPrefix(bytes: Uint8Array): Promise<DebPrefixResult> {
  let p;
  try {
    p = parseArPrefix(bytes);
  } catch (err) {
    throw asDebError(err);
  }
  const partial = p.partial ? [p.partial] : [];
  const lay = layout([...p.members, ...partial]);
  const version = p.members.find((m) => m === lay.version);
  if (version) checkFormatVersion(version.data);
  const controlMember = lay.control && p.members.find((m) => m.name === lay.control!.name);
  if (!version || !controlMember) {
    // When the control member is what is missing, ask for it and the data member's header in one fetch.
    const c = p.partial && lay.control?.name === p.partial.name ? p.partial : undefined;
    const needLength = c ? c.dataOffset + c.size + (c.size & 1) + AR_HEADER_SIZE : p.needLength;
    return { complete: false, needBytes: needLength - bytes.length, needLength };
  }
  const control = await readControlTar(controlMember.name, controlMember.data, lay.control!.compression);
  return {
    complete: true,
    deb: {
      formatVersion: checkFormatVersion(version.data),
      control: { ...control, member: lay.control! },
      ...(lay.data ? { data: lay.data } : {}),
      members: [...p.members, ...partial],
    },
  };
}

export interface RangeReadOptions {
  /** Bytes asked for first; 4 KiB holds the control member of most small packages. */
  initial?: number;
  /** Refuse to fetch more than this many bytes in total (a control member this large is not a real package). */
  maxBytes?: number;
}

/**
 * Reads the control member through a byte-range reader (an HTTP Range request, a positional file read): fetches
 * `initial` bytes, then exactly what `readDebPrefix` says is missing, never the data member. `read(offset, length)`
 * may return fewer bytes only at the end of the file.
 */
export async function readDebByRanges(
  read: (offset: number, length: number) => Promise<Uint8Array>,
  opts: RangeReadOptions = {},
): Promise<{ deb: DebInfo; bytesRead: number; reads: number }> {
  const maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
  let buf = Buffer.alloc(0);
  let want = Math.min(opts.initial ?? 4096, maxBytes);
  let reads = 0;
  while (true) {
    const more = await read(buf.length, want - buf.length);
    reads++;
    buf = Buffer.concat([buf, more]);
    const r = await readDebPrefix(buf);
    if (r.complete) return { deb: r.deb, bytesRead: buf.length, reads };
    if (buf.length < want) {
      // The source ended before the control member did.
      throw missing(buf.length <= AR_HEADER_SIZE + 8 ? 'debian-binary' : 'complete control.tar');
    }
    if (r.needLength > maxBytes) {
      throw new PkgmeError(
        'DEB_LIMIT',
        `the .deb's control member ends past ${r.needLength} bytes, more than the ${maxBytes}-byte limit`,
        'limit',
        {
          hint: 'This is not a normal package; download it whole to inspect it.',
          details: { needLength: r.needLength, limit: maxBytes },
        },
      );
    }
    want = r.needLength;
  }
}

/** Reads the control member of a whole .deb held in memory. */
export async function readDeb(bytes: Uint8Array): Promise<DebInfo> {
  let members;
  try {
    members = readAr(bytes);
  } catch (err) {
    throw asDebError(err);
  }
  const lay = layout(members);
  if (!lay.version) throw notDeb('the archive is empty');
  const version = checkFormatVersion(members.find((m) => m === lay.version)!.data);
  if (!lay.control) throw missing('control.tar');
  if (!lay.data) throw missing('data.tar');
  const cm = members.find((m) => m.name === lay.control!.name)!;
  const control = await readControlTar(cm.name, cm.data, lay.control.compression);
  return { formatVersion: version, control: { ...control, member: lay.control }, data: lay.data, members };
}

/** A .deb on disk: the control member is read at open, the data member is streamed on demand. */
export class DebFile {
  private constructor(
    readonly path: string,
    readonly info: DebInfo & { data: DebMember },
  ) {}

  static async open(path: string): Promise<DebFile> {
    let fh: FileHandle;
    try {
      fh = await open(path);
    } catch (err) {
      throw new PkgmeError('DEB_OPEN_FAILED', `cannot open ${path}: ${(err as Error).message}`, 'input', {
        hint: 'Check the path and its permissions.',
        details: { path },
        cause: err,
      });
    }
    try {
      let members;
      try {
        members = await listArFile(fh);
      } catch (err) {
        throw asDebError(err);
      }
      const lay = layout(members);
      if (!lay.version) throw notDeb('the archive is empty');
      const version = checkFormatVersion(await readArMemberData(fh, lay.version, 4096));
      if (!lay.control) throw missing('control.tar');
      if (!lay.data) throw missing('data.tar');
      const cm = members.find((m) => m.name === lay.control!.name)!;
      const control = await readControlTar(cm.name, await readArMemberData(fh, cm), lay.control.compression);
      return new DebFile(path, {
        formatVersion: version,
        control: { ...control, member: lay.control },
        data: lay.data,
        members,
      });
    } finally {
      await fh.close();
    }
  }

  /** Streams the data member: `onEntry` gets each entry and its body stream (read it or leave it). */
  async forEachDataEntry(onEntry: MemberEntryHandler): Promise<void> {
    const d = this.info.data;
    const raw = arMemberStream(this.path, {
      ...d,
      name: d.name,
      headerOffset: 0,
      mtime: 0,
      uid: 0,
      gid: 0,
      mode: 0,
    });
    const plain = createDecompressor(d.compression);
    raw.on('error', (err) => plain.destroy(err));
    raw.pipe(plain);
    try {
      await readMemberTar(plain, d.name, onEntry);
    } finally {
      raw.destroy();
    }
  }

  /** Lists the data member's entries (headers only; bodies are skipped while streaming). */
  async listData(): Promise<TarEntry[]> {
    const out: TarEntry[] = [];
    await this.forEachDataEntry((e) => {
      out.push(e);
    });
    return out;
  }
}

/** Lists the data entries of a .deb held in memory (small packages, tests, fuzzing). */
export async function listDebDataFromBuffer(bytes: Uint8Array, info: DebInfo): Promise<TarEntry[]> {
  const d = info.data;
  if (!d) throw missing('data.tar');
  const plain = createDecompressor(d.compression);
  Readable.from([Buffer.from(bytes.subarray(d.dataOffset, d.dataOffset + d.size))]).pipe(plain);
  const out: TarEntry[] = [];
  await readMemberTar(plain, d.name, (e) => {
    out.push(e);
  });
  return out;
}
