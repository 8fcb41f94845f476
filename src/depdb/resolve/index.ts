/** The resolver's public API: read an upload's ELF files and resolve them against a DepDbReader. */
import type { DepDbReader } from '../types.ts';
import type { ResolveResult } from './model.ts';
import { resolveUpload, type ResolveOptions } from './resolve.ts';
import { readUpload } from './upload.ts';

export type * from './model.ts';
export { resolveUpload, type ResolveOptions } from './resolve.ts';
export { readUpload, type UploadSet } from './upload.ts';
export { chooseProvider, policyName } from './provider.ts';
export { CachingReader } from './cache.ts';

/** Resolves FILES|DIRs (see upload.ts for what counts as the upload) for the requested releases. */
export async function resolveFiles(
  reader: DepDbReader,
  inputs: string[],
  opts: ResolveOptions = {},
): Promise<ResolveResult> {
  return resolveUpload(reader, readUpload(inputs), opts);
}
