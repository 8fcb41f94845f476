/**
 * Limits for extracting an untrusted upload. An upload is hostile until proven otherwise: a 1 MB gzip can hold
 * 1 GB of zeros, a tar can hold a million empty files or a path 60 KB long. Each limit below is checked while
 * streaming, before the bytes it guards are written, and each rejection names the member and the limit.
 */

export interface UploadLimits {
  /** Most members (of any type) an archive may hold. */
  maxEntries: number;
  /** Most bytes of file content in total. */
  maxTotalBytes: number;
  /** Most bytes in one file. */
  maxFileBytes: number;
  /** Longest member path, in UTF-8 bytes, after normalization. */
  maxPathBytes: number;
  /** Deepest member path, in components. */
  maxDepth: number;
  /** Highest ratio of unpacked file bytes to compressed bytes read so far (bomb detection). */
  maxRatio: number;
  /** The ratio is only enforced past this many unpacked bytes, so small, very compressible uploads pass. */
  ratioGraceBytes: number;
}

export const DEFAULT_LIMITS: Readonly<UploadLimits> = Object.freeze({
  maxEntries: 100_000,
  maxTotalBytes: 4 * 1024 ** 3,
  maxFileBytes: 2 * 1024 ** 3,
  maxPathBytes: 1024,
  maxDepth: 64,
  maxRatio: 200,
  ratioGraceBytes: 16 * 1024 ** 2,
});

/** Fills in defaults for the limits not given. */
export function resolveLimits(partial: Partial<UploadLimits> = {}): UploadLimits {
  const out = { ...DEFAULT_LIMITS };
  for (const [k, v] of Object.entries(partial) as Array<[keyof UploadLimits, number | undefined]>) {
    if (v !== undefined) out[k] = v;
  }
  return out;
}
