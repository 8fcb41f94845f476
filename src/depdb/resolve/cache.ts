/**
 * A warm resolver's memory: a DepDbReader wrapper that keeps every providers() answer, so a long-lived process (the
 * HTTP service, a batch over many uploads) asks the database once per soname. A lookup in the store costs
 * milliseconds (three indexed queries, and the symbols sections travel compressed and are decoded), which is most of
 * the time of resolving one binary; the cached answer costs nothing.
 *
 * Staleness: entries are keyed by the (release, arch) and the time its current import finished (ImportOrigin
 * importedAt, read through releases() at the start of every resolve), so a re-import makes the old entries
 * unreachable; they are dropped when the cache outgrows its bound. Sonames nobody provides are cached too.
 */
import type { DepDbReader, ImportOrigin, ReleaseKey, SonameProviders } from '../types.ts';

const MAX_ENTRIES = 200_000;

export class CachingReader implements DepDbReader {
  private readonly stamps = new Map<string, string>();
  private readonly entries = new Map<string, SonameProviders | null>();

  /** The inner reader's, uncached (one query per plan, not per soname); absent when the inner reader has none. */
  readonly packageVersions?: (release: string, names: string[]) => Promise<Map<string, string[]>>;

  constructor(readonly inner: DepDbReader) {
    if (inner.packageVersions) this.packageVersions = inner.packageVersions.bind(inner);
  }

  async releases(): Promise<Array<ReleaseKey & { origin: ImportOrigin; packages: number }>> {
    const rels = await this.inner.releases();
    this.stamps.clear();
    for (const r of rels) this.stamps.set(`${r.release}/${r.arch}`, r.origin.importedAt);
    return rels;
  }

  async providers(key: ReleaseKey, sonames: string[]): Promise<Map<string, SonameProviders>> {
    const prefix = `${key.release}/${key.arch}@${this.stamps.get(`${key.release}/${key.arch}`) ?? '?'}\0`;
    const out = new Map<string, SonameProviders>();
    const missing: string[] = [];
    for (const s of new Set(sonames)) {
      const hit = this.entries.get(prefix + s);
      if (hit === undefined) missing.push(s);
      else if (hit !== null) out.set(s, hit);
    }
    if (missing.length > 0) {
      const got = await this.inner.providers(key, missing);
      if (this.entries.size + missing.length > MAX_ENTRIES) this.entries.clear();
      for (const s of missing) {
        const p = got.get(s);
        this.entries.set(prefix + s, p ?? null);
        if (p) out.set(s, p);
      }
    }
    return out;
  }
}
