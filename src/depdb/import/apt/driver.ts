/**
 * The apt import driver: for one source, suite and architecture, verify InRelease, fetch Packages and Contents,
 * select the library packages, fetch each one's control member (bounded concurrency), and hand PackageRecords to
 * the sink in batches; at the end, every package's (name, version) of the indices too (the release's names).
 * Resumable and incremental through the journal; a package that fails is reported and left out of the journal, so
 * the next run retries exactly the failures.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { PkgmeError } from '../../../errors.ts';
import type { PublicKey } from '../../../formats/openpgp/index.ts';
import type { ImportOrigin, LibraryFile, PackageRecord, ReleaseKey } from '../../types.ts';
import { Readable } from 'node:stream';
import { readContentsLibraries } from '../../../formats/contents/index.ts';
import { fetchControl } from './control-fetch.ts';
import { HttpClient } from './http.ts';
import { IndexCache } from './index-cache.ts';
import { ImportJournal } from './journal.ts';
import { selectLibraryPackages } from './libraries.ts';
import { entryKey, parsePackagesIndex, type PackageEntry } from './packages-index.ts';
import { createProgress, type Progress } from './progress.ts';
import { buildRecord } from './record.ts';
import { AptRepo, type FetchedIndex } from './repo.ts';
import type { Release } from './release.ts';
import type { PackageSink } from './sink.ts';
import type { AptSource } from './sources.ts';

export interface AptImportOptions {
  source: AptSource;
  arch: string;
  /** The release name records are stored under (default: the Release's Codename, else the suite). */
  release?: string;
  keys: PublicKey[];
  sink: PackageSink;
  /** Index cache and journals live here. */
  stateDir: string;
  http?: HttpClient;
  /** Control members in flight at once (default 16). */
  concurrency?: number;
  /** Records per sink.put (default 64). */
  batch?: number;
  /**
   * What to do when Contents cannot be had (missing, or out of step with InRelease): 'fail' (default) or 'skip',
   * which selects library packages by name and section instead and records no library files.
   */
  contents?: 'fail' | 'skip';
  /** Only these package names (tests). */
  only?: (name: string) => boolean;
  /** Only the first N library packages by name (partial benches). */
  limit?: number;
  /** Progress output: 'auto' (bar on a TTY, lines otherwise), 'none', or a custom Progress factory. */
  progress?: 'auto' | 'none' | ((total: number, key: ReleaseKey) => Progress);
  /** Verify signatures at this date (fixtures with old signatures). */
  date?: Date;
  /** Called with each warning (e.g. Contents skipped). */
  warn?: (message: string, err?: PkgmeError) => void;
}

export interface AptImportResult {
  key: ReleaseKey;
  origin: ImportOrigin;
  /** Library packages in the index. */
  selected: number;
  /** Fetched and stored in this run. */
  imported: number;
  /** Already stored with the same name, version and SHA256 (resumed or unchanged). */
  skipped: number;
  failed: Array<{ package: string; code: string; message: string }>;
  /** Packages whose server ignored Range (whole .deb downloaded). */
  fullDownloads: number;
  /** Bytes received in this run (indices included), and the total size of the .debs selected. */
  bytesFetched: number;
  debBytes: number;
  /** InRelease and the indices actually downloaded (cached ones count 0). */
  indexBytes: number;
  contentsUsed: boolean;
  seconds: number;
}

/** Library packages when Contents is unavailable: the libs sections and lib* names that are not -dev/-dbg/-doc. */
function looksLikeLibrary(e: PackageEntry): boolean {
  const section = (e.section ?? '').replace(/^.*\//, '');
  if (section === 'libs' || section === 'oldlibs')
    return !/-(dev|doc|dbg|common|data|bin|tools)$/.test(e.name);
  return /^lib.*\d/.test(e.name) && !/-(dev|doc|dbg|common|data|bin|tools)$/.test(e.name);
}

function journalFile(stateDir: string, source: AptSource, release: string, arch: string): string {
  const id = createHash('sha256').update(`${source.uri} ${source.suite}`).digest('hex').slice(0, 16);
  return join(stateDir, 'journal', `${release}-${arch}-${id}.tsv`);
}

/**
 * The Contents index of one component, or undefined to go on without Contents: when the Release lists none or it is
 * empty (the security archive publishes an empty one) always, with a warning; when it is out of step with the Release (checksum mismatch) only
 * with `contents: 'skip'`, since that usually means a mirror in the middle of a sync.
 */
async function fetchContents(
  repo: AptRepo,
  release: Release,
  component: string,
  arch: string,
  opts: AptImportOptions,
  warn: (m: string, err?: PkgmeError) => void,
): Promise<FetchedIndex | undefined> {
  try {
    const contents = await repo.index(release, [
      `${component}/Contents-${arch}.gz`,
      `${component}/Contents-${arch}`,
    ]);
    if (contents.data.length > 0) return contents;
    // The security archive publishes an empty Contents-amd64.gz: selecting from it would silently drop every package.
    warn(`${contents.path} is empty, library packages chosen by name and section`);
    return undefined;
  } catch (err) {
    if (!(err instanceof PkgmeError)) throw err;
    if (err.code === 'APT_INDEX_MISSING' || opts.contents === 'skip') {
      warn(
        `no usable Contents for ${component}/${arch}, library packages chosen by name and section: ${err.message}`,
        err,
      );
      return undefined;
    }
    if (err.code === 'APT_CHECKSUM_MISMATCH' || err.code === 'APT_HTTP_STATUS') {
      throw new PkgmeError(err.code, `${err.message} (Contents)`, err.kind, {
        hint: `${err.hint ?? ''}; or import without Contents: --contents skip (no library file paths are recorded)`,
        details: { ...err.details, index: 'Contents' },
        cause: err,
      });
    }
    throw err;
  }
}

export async function importApt(opts: AptImportOptions): Promise<AptImportResult> {
  const started = performance.now();
  const { source, arch, sink } = opts;
  const http = opts.http ?? new HttpClient();
  const bytesAtStart = http.bytesReceived;
  const repo = new AptRepo(source, http, new IndexCache(join(opts.stateDir, 'indices')));
  const warn = opts.warn ?? ((m: string) => process.stderr.write(`warning: ${m}\n`));

  const { release, fetched: releaseBytes } = await repo.release(opts.keys, opts.date);
  const key: ReleaseKey = { release: opts.release ?? release.codename ?? source.suite, arch };
  const checksums: Record<string, string> = {};
  let indexBytes = releaseBytes;
  const index = new Map<string, PackageEntry>();
  // Every binary package of every component, library or not: the release's names (a name clash warns and takes
  // Debian's epoch, src/packaging/plan.ts). Already parsed for the selection, so keeping them costs one array.
  const names: Array<{ name: string; version: string }> = [];
  let libs: Map<string, LibraryFile[]> | undefined = new Map();
  for (const component of source.components) {
    const packages = await repo.index(release, [
      `${component}/binary-${arch}/Packages.xz`,
      `${component}/binary-${arch}/Packages.gz`,
      `${component}/binary-${arch}/Packages`,
    ]);
    checksums[packages.path] = packages.sha256;
    indexBytes += packages.fetched;
    for (const [name, e] of parsePackagesIndex(packages.data, packages.path)) {
      index.set(name, e);
      names.push({ name, version: e.version });
    }
    if (libs === undefined) continue;
    const contents = await fetchContents(repo, release, component, arch, opts, warn);
    if (contents === undefined) {
      libs = undefined;
      continue;
    }
    indexBytes += contents.fetched;
    checksums[contents.path] = contents.sha256;
    const found = await selectLibraryPackages(readContentsLibraries(Readable.from([contents.data])));
    for (const [name, files] of found) {
      libs.set(name, [...(libs.get(name) ?? []), ...files]);
    }
  }

  const selected: PackageEntry[] = [];
  for (const e of index.values()) {
    if (opts.only && !opts.only(e.name)) continue;
    if (libs ? libs.has(e.name) : looksLikeLibrary(e)) selected.push(e);
  }
  selected.sort((a, b) => (a.name < b.name ? -1 : 1));
  if (opts.limit !== undefined) selected.splice(opts.limit);

  const origin: ImportOrigin = {
    kind: 'apt',
    location: `${source.uri} ${source.suite} ${source.components.join(' ')}`,
    ...(release.date ? { date: release.date } : {}),
    checksums,
    importedAt: new Date().toISOString(),
  };
  await sink.begin(key, origin);
  const journal = new ImportJournal(journalFile(opts.stateDir, source, key.release, arch));
  // Done = stored with this very .deb (journal) and, when the sink can tell, still held by it (a wiped database
  // must not be trusted to hold what the journal remembers).
  const todo: PackageEntry[] = [];
  for (const e of selected) {
    const known = journal.done.has(entryKey(e)) && ((await sink.isKnown?.(e.name, e.version)) ?? true);
    if (!known) todo.push(e);
  }
  const skipped = selected.length - todo.length;

  const progress =
    opts.progress === 'none'
      ? { tick: () => undefined, stop: () => undefined }
      : typeof opts.progress === 'function'
        ? opts.progress(todo.length, key)
        : createProgress(todo.length, `${key.release}/${arch}`);
  const failed: AptImportResult['failed'] = [];
  let fullDownloads = 0;
  let done = 0;
  let pending: Array<{ rec: PackageRecord; key: string }> = [];
  const batch = opts.batch ?? 64;
  // Sink writes are chained: one at a time, in order, while the fetches go on. A failed write stops the workers
  // (the journal has only what the sink accepted, so the next run resumes from there).
  let writing: Promise<void> = Promise.resolve();
  let writeFailed = false;
  const flush = () => {
    const chunk = pending;
    pending = [];
    if (chunk.length === 0) return;
    writing = writing.then(async () => {
      await sink.put(
        key,
        chunk.map((c) => c.rec),
      );
      journal.add(chunk.map((c) => c.key));
    });
    writing.catch(() => {
      writeFailed = true;
    });
  };

  let next = 0;
  const worker = async () => {
    while (next < todo.length && !writeFailed) {
      const e = todo[next++]!;
      try {
        const r = await fetchControl(http, repo.poolUrl(e.filename), e);
        if (r.fullDownload) fullDownloads++;
        pending.push({ rec: buildRecord(e, r.deb.control, libs?.get(e.name) ?? []), key: entryKey(e) });
        if (pending.length >= batch) flush();
      } catch (err) {
        if (!(err instanceof PkgmeError)) throw err;
        failed.push({ package: e.name, code: err.code, message: err.message });
      }
      done++;
      progress.tick(done, http.bytesReceived - bytesAtStart);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 16) }, worker));
    flush();
    await writing;
  } finally {
    progress.stop();
  }

  if (failed.length === 0) {
    await sink.finish(
      key,
      origin,
      selected.map((e) => ({ name: e.name, version: e.version })),
      opts.only ? names.filter((n) => opts.only!(n.name)) : names,
    );
    journal.compact(selected.map(entryKey));
  }
  return {
    key,
    origin,
    selected: selected.length,
    imported: todo.length - failed.length,
    skipped,
    failed,
    fullDownloads,
    bytesFetched: http.bytesReceived - bytesAtStart,
    debBytes: selected.reduce((s, e) => s + e.size, 0),
    indexBytes,
    contentsUsed: libs !== undefined,
    seconds: (performance.now() - started) / 1000,
  };
}
