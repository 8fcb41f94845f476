/**
 * What every importer shares: the options the CLI passes, progress reporting, and `importRecords`, which drives an
 * ImportSession (begin → batches of putPackages → removePackagesNotIn → putNames → finishImport) for one (release, arch).
 * Importers (src/depdb/import/*) only produce PackageRecords; the CLI picks one from its registry
 * (src/cli/commands/depdb-import.ts) by the options given.
 */
import type { ImportOrigin, PackageRecord, ReleaseKey } from '../types.ts';
import type { DepDbStore, ImportSession, ImportStats } from './store.ts';

export interface ImportProgress {
  key: ReleaseKey;
  phase: string;
  done: number;
  total: number;
}

export interface ImportContext {
  store: DepDbStore;
  /** --release / --arch given on the command line (each importer says how it uses them). */
  release?: string;
  arch?: string;
  onProgress?: (p: ImportProgress) => void;
  /** Packages per transaction. */
  batchSize?: number;
}

export interface ImportResult extends ImportStats {
  key: ReleaseKey;
  origin: ImportOrigin;
  seconds: number;
}

/** One importer (one module each): the CLI calls `run` with the command's options. */
export interface Importer<O> {
  name: string;
  run(options: O, ctx: ImportContext): Promise<ImportResult[]>;
}

export const DEFAULT_BATCH = 200;

/**
 * What an importer yields: a full record, or only (name, version) for a package it found already held
 * (`session.isKnown`) and did not bother to read again; it stays in the release.
 */
export type ImportItem = PackageRecord | { name: string; version: string; unchanged: true };

/**
 * Imports one (release, arch) from a complete list of records: what is absent from `records` is removed from the
 * release. `records` may be lazy (a generator): with `skipKnown`, the importer can ask the session which
 * (name, version) pairs are already held before doing the expensive part of producing a record.
 */
export async function importRecords(
  ctx: ImportContext,
  key: ReleaseKey,
  origin: ImportOrigin,
  total: number,
  records: (session: ImportSession) => AsyncIterable<ImportItem> | Iterable<ImportItem>,
): Promise<ImportResult> {
  const started = Date.now();
  const session = await ctx.store.beginImport(key, origin);
  const keep: Array<{ name: string; version: string }> = [];
  let batch: PackageRecord[] = [];
  let done = 0;
  let unchanged = 0;
  const size = ctx.batchSize ?? DEFAULT_BATCH;
  const flush = async (): Promise<void> => {
    await session.putPackages(batch);
    done += batch.length;
    batch = [];
    ctx.onProgress?.({ key, phase: 'import', done, total });
  };
  ctx.onProgress?.({ key, phase: 'import', done: 0, total });
  for await (const r of records(session)) {
    keep.push({ name: r.name, version: r.version });
    if ('unchanged' in r) {
      unchanged++;
      done++;
      continue;
    }
    batch.push(r);
    if (batch.length >= size) await flush();
  }
  if (batch.length > 0) await flush();
  await session.removePackagesNotIn(keep);
  // Every record is a package of the release, so the same list is the release's names (depdb_names).
  await session.putNames(keep);
  const stats = await session.finishImport();
  return {
    ...stats,
    skipped: stats.skipped + unchanged,
    key,
    origin,
    seconds: (Date.now() - started) / 1000,
  };
}
