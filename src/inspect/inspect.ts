/**
 * inspectUpload: an upload → the chosen backend, every backend's verdict, the guessed fields and, when the
 * dependency database has releases, the Depends of the upload's ELF files per release (the same resolver as
 * `pkgme depdb resolve`). An empty database is a problem entry, not a failure: the guesses are still useful.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { looksLikeAr } from '../backends/deb.ts';
import { openDebUpload } from '../backends/deb-unpack.ts';
import { BACKENDS, chooseBackend, detectAll, type Ranked } from '../backends/registry.ts';
import type { Problem, Upload } from '../backends/types.ts';
import type { DepDbReader } from '../depdb/types.ts';
import { resolveFiles, type ResolveResult } from '../depdb/resolve/index.ts';
import type { Guess } from './guess/field.ts';
import { scanUpload } from './scan.ts';

export interface InspectOptions {
  /** Releases to resolve against (default: every imported release). */
  releases?: string[];
  /** The dependency database; without it no releases are computed. */
  store?: DepDbReader;
  /** Stop after detection (`--which-backends`). */
  whichBackends?: boolean;
}

export interface InspectResult {
  backend: string | null;
  backends: Ranked[];
  fields: Record<string, Guess<unknown>>;
  releases: ResolveResult['releases'];
  problems: Problem[];
}

/** An upload made readable: `cleanup` removes the unpacked copy (a no-op for a directory read in place). */
export interface OpenedUpload {
  upload: Upload;
  cleanup: () => void;
}

/**
 * Unpacks (or reads in place) the upload; `cleanup` removes the unpacked copy (a .deb is unpacked too). Exported so
 * the packaging pipeline can keep the unpacked tree alive past inspection (it copies files from it).
 */
export async function openUpload(path: string): Promise<OpenedUpload> {
  const isFile = statSync(path, { throwIfNoEntry: false })?.isFile() === true;
  // A .deb is unpacked like a tarball (same limits and refusals), DEBIAN/ included, so its ELF files get resolved.
  if (isFile && looksLikeAr(path)) return openDebUpload(path);
  if (!isFile) {
    const r = await scanUpload(path);
    return {
      upload: { path, name: basename(path), isFile, root: path, inventory: r.inventory },
      cleanup: () => {},
    };
  }
  const tmp = mkdtempSync(join(tmpdir(), 'pkgme-inspect-'));
  const cleanup = () => rmSync(tmp, { recursive: true, force: true });
  try {
    const jobDir = join(tmp, 'upload');
    const r = await scanUpload(path, { jobDir });
    return { upload: { path, name: basename(path), isFile, root: jobDir, inventory: r.inventory }, cleanup };
  } catch (err) {
    cleanup();
    throw err;
  }
}

export async function inspectUpload(path: string, opts: InspectOptions = {}): Promise<InspectResult> {
  const { upload, cleanup } = await openUpload(path);
  try {
    return await inspectOpened(upload, opts);
  } finally {
    cleanup();
  }
}

/** inspectUpload on an upload already opened with openUpload; the caller cleans it up. */
export async function inspectOpened(upload: Upload, opts: InspectOptions = {}): Promise<InspectResult> {
  const backends = await detectAll(upload);
  const result: InspectResult = { backend: null, backends, fields: {}, releases: {}, problems: [] };
  if (opts.whichBackends) return result;
  const backend = chooseBackend(upload, backends, BACKENDS);
  const info = await backend.info(upload);
  result.backend = backend.name;
  result.fields = info.fields;
  result.problems.push(...info.problems);
  const hasElf = upload.inventory.entries.some((e) => e.elf);
  if (opts.store && upload.root !== null && hasElf) {
    if ((await opts.store.releases()).length === 0)
      result.problems.push({
        severity: 'warning',
        code: 'DEPDB_EMPTY',
        message: 'dependency database empty: run pkgme depdb import',
        hint: 'Import at least one release (`pkgme depdb import --local`) to get Depends for each release.',
      });
    else
      result.releases = (
        await resolveFiles(
          opts.store,
          [upload.root],
          opts.releases?.length ? { releases: opts.releases } : {},
        )
      ).releases;
  }
  return result;
}
