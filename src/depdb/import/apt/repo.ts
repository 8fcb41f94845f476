/**
 * One apt source's archive: fetch and verify InRelease, then fetch indices checked against the Release's SHA256 and
 * size (by hash when the Release offers it), through the content-addressed cache.
 */
import { PkgmeError } from '../../../errors.ts';
import { decompressBuffer } from '../../../formats/compress/index.ts';
import { verifyClearsigned, type PublicKey, type Signer } from '../../../formats/openpgp/index.ts';
import type { HttpClient } from './http.ts';
import { IndexCache, sha256 } from './index-cache.ts';
import { parseRelease, type Release } from './release.ts';
import type { AptSource } from './sources.ts';

export interface VerifiedRelease {
  release: Release;
  signers: Signer[];
  url: string;
  /** Bytes of the InRelease file. */
  fetched: number;
}

export interface FetchedIndex {
  /** Path relative to dists/<suite>/, as the Release names it. */
  path: string;
  sha256: string;
  /** Bytes fetched over the network (0 when the cache had it). */
  fetched: number;
  /** The decompressed content. */
  data: Buffer;
}

/** Decompressed indices are large (bookworm's Contents is 148 MB) but bounded. */
const MAX_INDEX = 1024 * 1024 * 1024;

export class AptRepo {
  constructor(
    readonly source: AptSource,
    readonly http: HttpClient,
    readonly cache: IndexCache,
  ) {}

  get distsUrl(): string {
    return `${this.source.uri}/dists/${this.source.suite}`;
  }

  /** A pool path from a Packages Filename field, each segment percent-encoded (file names may hold `%`, `+`, `~`). */
  poolUrl(filename: string): string {
    return `${this.source.uri}/${filename.split('/').map(encodeURIComponent).join('/')}`;
  }

  /** Fetches dists/<suite>/InRelease and verifies its signature; PGP_* errors pass through unchanged. */
  async release(keys: PublicKey[], date?: Date): Promise<VerifiedRelease> {
    const url = `${this.distsUrl}/InRelease`;
    const res = await this.http.get(url);
    const verified = await verifyClearsigned(res.body.toString('utf8'), keys, date ? { date } : {});
    return { release: parseRelease(verified.text), signers: verified.signers, url, fetched: res.body.length };
  }

  /**
   * Fetches the first of `candidates` (e.g. Packages.xz, Packages.gz) that the Release lists, verifies size and
   * SHA256, and returns it decompressed. APT_INDEX_MISSING when the Release lists none of them;
   * APT_CHECKSUM_MISMATCH when the bytes differ from what the signed Release says.
   */
  async index(release: Release, candidates: string[]): Promise<FetchedIndex> {
    const path = candidates.find((c) => release.files.has(c));
    if (path === undefined) {
      throw new PkgmeError(
        'APT_INDEX_MISSING',
        `${this.distsUrl}: the Release lists none of ${candidates.join(', ')}`,
        'input',
        {
          hint: 'check the suite, component and architecture of the source (security suites publish no Contents)',
          details: { candidates, suite: this.source.suite },
        },
      );
    }
    const want = release.files.get(path)!;
    let raw = this.cache.get(want.sha256);
    let fetched = 0;
    if (raw === undefined) {
      raw = await this.download(release, path, want.sha256);
      fetched = raw.length;
      const actual = sha256(raw);
      if (actual !== want.sha256 || raw.length !== want.size) {
        throw new PkgmeError(
          'APT_CHECKSUM_MISMATCH',
          `${this.distsUrl}/${path}: SHA256 ${actual} (${raw.length} bytes), the Release says ${want.sha256} (${want.size} bytes)`,
          'input',
          {
            hint: 'the mirror serves this file out of step with its InRelease (a sync in progress, or tampering); try again later or use another mirror',
            details: {
              file: path,
              url: `${this.distsUrl}/${path}`,
              expected: want,
              actual: { sha256: actual, size: raw.length },
            },
          },
        );
      }
      this.cache.put(want.sha256, raw);
    }
    const data = await decompressBuffer(raw, { maxBytes: MAX_INDEX });
    return { path, sha256: want.sha256, fetched, data };
  }

  private async download(release: Release, path: string, hash: string): Promise<Buffer> {
    if (release.acquireByHash) {
      const dir = path.slice(0, path.lastIndexOf('/') + 1);
      try {
        return (await this.http.get(`${this.distsUrl}/${dir}by-hash/SHA256/${hash}`)).body;
      } catch (err) {
        // apt falls back to the plain name when a mirror lacks the by-hash copy; so do we.
        if (!(err instanceof PkgmeError && err.code === 'APT_HTTP_STATUS')) throw err;
      }
    }
    return (await this.http.get(`${this.distsUrl}/${path}`)).body;
  }
}
