/**
 * A library package's control member over HTTP: the first KBs of the .deb by Range requests (debian-binary and
 * control.tar.* are the first two ar members, the data member is never fetched), falling back to the whole .deb
 * when the server answers 200 to a Range request.
 *
 * Integrity: a partial fetch cannot be checked against the Packages SHA256 (that covers the whole file), so it is
 * checked against the Packages Size through Content-Range; a whole download is checked against the SHA256.
 */
import { PkgmeError } from '../../../errors.ts';
import { readDeb, readDebByRanges, type DebInfo } from '../../../formats/deb/read.ts';
import type { HttpClient } from './http.ts';
import { sha256 } from './index-cache.ts';
import type { PackageEntry } from './packages-index.ts';

export interface ControlFetch {
  deb: DebInfo;
  /** Bytes received for this package. */
  bytes: number;
  /** True when the server ignored Range and the whole .deb came down. */
  fullDownload: boolean;
}

/** 8 KiB holds the whole control member of most library packages; bigger ones (symbols files) need one more read. */
export const INITIAL_BYTES = 8192;

function mismatch(entry: PackageEntry, url: string, expected: string, actual: string): PkgmeError {
  return new PkgmeError(
    'APT_CHECKSUM_MISMATCH',
    `${entry.filename}: ${actual}, the Packages index says ${expected}`,
    'input',
    {
      hint: 'the mirror serves this .deb out of step with its Packages index; try again later or use another mirror',
      details: { file: entry.filename, url, expected, actual },
    },
  );
}

export async function fetchControl(
  http: HttpClient,
  url: string,
  entry: PackageEntry,
): Promise<ControlFetch> {
  let whole: Buffer | undefined;
  let bytes = 0;
  const read = async (offset: number, length: number): Promise<Uint8Array> => {
    if (whole === undefined) {
      const last = Math.min(offset + length, entry.size) - 1;
      if (last < offset) return new Uint8Array(0);
      const res = await http.get(url, [offset, last]);
      bytes += res.body.length;
      if (res.partial) {
        if (res.totalSize !== undefined && res.totalSize !== entry.size) {
          throw mismatch(entry, url, `${entry.size} bytes`, `${res.totalSize} bytes`);
        }
        return res.body;
      }
      whole = res.body;
    }
    return whole.subarray(offset, offset + length);
  };
  try {
    const r = await readDebByRanges(read, { initial: Math.min(INITIAL_BYTES, entry.size) });
    if (whole === undefined) return { deb: r.deb, bytes, fullDownload: false };
  } catch (err) {
    if (whole === undefined) throw err;
  }
  // The server sent the whole file: check it as apt would, then read it whole.
  const full: Buffer = whole!;
  const actual = sha256(full);
  if (actual !== entry.sha256 || full.length !== entry.size) {
    throw mismatch(
      entry,
      url,
      `SHA256 ${entry.sha256} (${entry.size} bytes)`,
      `SHA256 ${actual} (${full.length} bytes)`,
    );
  }
  return { deb: await readDeb(full), bytes, fullDownload: true };
}
