/**
 * The member layout of a binary .deb (deb(5)): `debian-binary` ("2.0\n"), then `control.tar[.gz|.xz|.zst]`, then
 * `data.tar[.gz|.xz|.bz2|.zst]` (and `.lzma`, which we do not read). Members whose names start with "_" are
 * ignored, as dpkg does (they are reserved for additions).
 *
 * Why one module: the prefix reader, the buffer reader and the file reader must reject the same archives with the
 * same codes, so the rules live here once.
 */
import type { Readable } from 'node:stream';
import { isPkgmeError, PkgmeError } from '../../errors.ts';
import type { CompressionFormat } from '../compress/index.ts';
import { readTarEntries, type TarEntry } from '../tar/read.ts';

export type DebCompression = Extract<CompressionFormat, 'gzip' | 'xz' | 'zstd' | 'bzip2' | 'none'>;

const SUFFIX: Record<string, DebCompression> = {
  '': 'none',
  '.gz': 'gzip',
  '.xz': 'xz',
  '.zst': 'zstd',
  '.bz2': 'bzip2',
};
/** dpkg accepts these per member (deb(5)): bzip2 only for data. */
const ALLOWED: Record<'control' | 'data', DebCompression[]> = {
  control: ['none', 'gzip', 'xz', 'zstd'],
  data: ['none', 'gzip', 'xz', 'zstd', 'bzip2'],
};

export function suffixFor(c: DebCompression): string {
  return Object.entries(SUFFIX).find(([, v]) => v === c)![0];
}

export type MemberRole =
  { role: 'debian-binary' } | { role: 'control' | 'data'; compression: DebCompression } | { role: 'ignored' };

export function notDeb(why: string, details: Record<string, unknown> = {}): PkgmeError {
  return new PkgmeError('DEB_NOT_DEB', `not a Debian binary package: ${why}`, 'input', {
    hint: 'Pass a .deb built by dpkg-deb (check it with `dpkg-deb --info`).',
    details,
  });
}

/** What a member name means at position `index` (0-based, ignored members not counted). */
export function classifyMember(name: string, index: number): MemberRole {
  if (index === 0) {
    if (name !== 'debian-binary') {
      throw notDeb(`the first ar member is "${name}", not "debian-binary"`, { member: name });
    }
    return { role: 'debian-binary' };
  }
  if (name.startsWith('_')) return { role: 'ignored' };
  const role = index === 1 ? 'control' : index === 2 ? 'data' : undefined;
  if (role === undefined) return { role: 'ignored' };
  const m = /^(control|data)\.tar(\.[a-z0-9]+)?$/.exec(name);
  if (!m || m[1] !== role) {
    throw new PkgmeError(
      'DEB_MISSING_MEMBER',
      `.deb member ${index + 1} is "${name}" where ${role}.tar[.*] was expected`,
      'input',
      {
        hint: 'The package is damaged or not built by dpkg-deb.',
        details: { member: name, expected: `${role}.tar` },
      },
    );
  }
  const compression = SUFFIX[m[2] ?? ''];
  if (compression === undefined || !ALLOWED[role].includes(compression)) {
    throw new PkgmeError(
      'DEB_UNSUPPORTED_COMPRESSION',
      `.deb member "${name}" uses a compression pkgme does not read (${m[2]})`,
      'input',
      {
        hint: `Rebuild the package with dpkg-deb -Zxz (supported: ${ALLOWED[role].map((c) => `${role}.tar${suffixFor(c)}`).join(', ')}).`,
        details: { member: name },
      },
    );
  }
  return { role, compression };
}

/** Checks the `debian-binary` content: dpkg reads major version 2 ("2.0\n"; "2.x" for later minor versions). */
export function checkFormatVersion(data: Uint8Array): string {
  const text = new TextDecoder('latin1').decode(data.subarray(0, 64));
  const version = text.split('\n')[0] ?? '';
  if (!/^2\.[0-9]+$/.test(version)) {
    throw new PkgmeError(
      'DEB_BAD_VERSION',
      `.deb format version is ${JSON.stringify(version.slice(0, 20))}, pkgme reads format 2.x`,
      'input',
      {
        hint: 'Only the deb 2.0 format (dpkg-deb since 1995) is supported; rebuild the package.',
        details: { version: version.slice(0, 20) },
      },
    );
  }
  return version;
}

/**
 * The error for any failure inside a member (decompression, tar): DEB_CORRUPT_MEMBER naming the member, with the
 * inner code (COMPRESS_*, TAR_*) in `details.cause`. The .deb reader's own DEB_* errors pass through unchanged.
 */
export function memberError(member: string, err: unknown): PkgmeError {
  if (isPkgmeError(err) && err.code.startsWith('DEB_')) return err;
  const why = err instanceof Error ? err.message : String(err);
  return new PkgmeError('DEB_CORRUPT_MEMBER', `.deb member "${member}" is corrupt: ${why}`, 'input', {
    hint: 'The package is damaged; download or build it again (check with `dpkg-deb --contents`).',
    details: { member, ...(isPkgmeError(err) ? { cause: err.code } : {}) },
    cause: err,
  });
}

/** Called for each entry of a member's tar; `body` is the entry's data (read it, or leave it to be skipped). */
export type MemberEntryHandler = (entry: TarEntry, body: AsyncIterable<Buffer>) => Promise<void> | void;

/**
 * Reads the entries of a member's decompressed tar (`input`) with the project's tar reader, src/formats/tar/read.ts,
 * so a .deb's tars are decoded exactly as uploaded tarballs are; failures become `memberError`s.
 */
export async function readMemberTar(
  input: Readable,
  member: string,
  onEntry: MemberEntryHandler,
): Promise<void> {
  try {
    await readTarEntries(input, async (entry, body) => onEntry(entry, body));
  } catch (err) {
    throw memberError(member, err);
  }
}
