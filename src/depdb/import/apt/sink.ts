/**
 * Where imported records go. The store (src/depdb/store) implements it; tests use MemorySink. Kept this small so
 * the importer does not depend on how the store lays out its tables.
 */
import type { ImportOrigin, PackageRecord, ReleaseKey } from '../../types.ts';

export interface PackageSink {
  /** An import of `key` starts (or resumes). */
  begin(key: ReleaseKey, origin: ImportOrigin): Promise<void>;
  /**
   * Whether `key` already holds this (name, version) from an earlier or interrupted run. Optional: without it the
   * importer trusts its journal alone.
   */
  isKnown?(name: string, version: string): Promise<boolean>;
  /** Adds or replaces packages (by name) in `key`. Called once at a time, never concurrently. */
  put(key: ReleaseKey, records: PackageRecord[]): Promise<void>;
  /**
   * The import is complete: `present` is every package put (or known) in the release; the sink drops any other.
   * `names` is every binary package of the release's Packages indices, library or not (for name clashes and
   * epochs); without it, `present` stands in.
   */
  finish(
    key: ReleaseKey,
    origin: ImportOrigin,
    present: Array<{ name: string; version: string }>,
    names?: Array<{ name: string; version: string }>,
  ): Promise<void>;
}

/** An in-memory sink: the reference behaviour for tests. */
export class MemorySink implements PackageSink {
  readonly releases = new Map<
    string,
    {
      origin?: ImportOrigin;
      packages: Map<string, PackageRecord>;
      names: Array<{ name: string; version: string }>;
      finished: boolean;
    }
  >();
  puts = 0;

  private rel(key: ReleaseKey) {
    const k = `${key.release}/${key.arch}`;
    let r = this.releases.get(k);
    if (!r) this.releases.set(k, (r = { packages: new Map(), names: [], finished: false }));
    return r;
  }

  async begin(key: ReleaseKey, origin: ImportOrigin): Promise<void> {
    const r = this.rel(key);
    r.origin = origin;
    r.finished = false;
  }

  async put(key: ReleaseKey, records: PackageRecord[]): Promise<void> {
    this.puts += records.length;
    const r = this.rel(key);
    for (const rec of records) r.packages.set(rec.name, rec);
  }

  async finish(
    key: ReleaseKey,
    origin: ImportOrigin,
    present: Array<{ name: string; version: string }>,
    names?: Array<{ name: string; version: string }>,
  ): Promise<void> {
    const r = this.rel(key);
    const keep = new Set(present.map((p) => p.name));
    for (const n of [...r.packages.keys()]) if (!keep.has(n)) r.packages.delete(n);
    r.names = names ?? present;
    r.origin = origin;
    r.finished = true;
  }
}
