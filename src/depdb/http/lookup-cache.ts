/**
 * The libdep lookups' hot path: answers cached per (release, arch, soname), and concurrent misses coalesced into
 * one store query per (release, arch). A client asks per binary (1-5 sonames), thousands of times; the store answers
 * any number of sonames in one indexed query per table, and PGlite is a single connection, so 16 requests missing at
 * once cost one round trip instead of 16 queued ones. While one batch of a (release, arch) runs, the misses that
 * arrive gather into the next.
 *
 * `invalidate()` (a new import) empties the cache; a batch that was running across it does not write its answers
 * back, so no lookup ever sees an older generation's answer once a newer one was observed.
 */
export type Fetch = (release: string, arch: string, libs: string[]) => Promise<Record<string, string[]>>;

interface Pending {
  libs: Map<string, Array<{ resolve: (v: string[] | null) => void; reject: (e: unknown) => void }>>;
}

export class LookupCache {
  private readonly cache = new Map<string, string[] | null>();
  /** The batch still collecting, per (release, arch). */
  private readonly collecting = new Map<string, Pending>();
  /** (release, arch) whose batch is running. */
  private readonly running = new Set<string>();
  private gen = 0;

  constructor(
    private readonly fetch: Fetch,
    /** Entries kept at most; 0 disables caching (misses are still coalesced). */
    private readonly maxEntries: number,
  ) {}

  invalidate(): void {
    this.cache.clear();
    this.gen++;
  }

  get size(): number {
    return this.cache.size;
  }

  /** `{lib: [pkg…]}` for the libs that have providers, in the order asked (each lib once). */
  async lookup(release: string, arch: string, libs: string[]): Promise<Record<string, string[]>> {
    const ra = `${release}\0${arch}`;
    const wanted = [...new Set(libs)];
    const values = await Promise.all(
      wanted.map((l) => {
        const hit = this.cache.get(`${ra}\0${l}`);
        return hit !== undefined ? hit : this.miss(release, arch, ra, l);
      }),
    );
    const out: Record<string, string[]> = {};
    wanted.forEach((l, i) => {
      const v = values[i];
      if (v) out[l] = v;
    });
    return out;
  }

  private miss(release: string, arch: string, ra: string, lib: string): Promise<string[] | null> {
    return new Promise((resolve, reject) => {
      let p = this.collecting.get(ra);
      if (!p) {
        p = { libs: new Map() };
        this.collecting.set(ra, p);
        if (!this.running.has(ra)) setImmediate(() => this.run(release, arch, ra));
      }
      const waiters = p.libs.get(lib) ?? [];
      waiters.push({ resolve, reject });
      p.libs.set(lib, waiters);
    });
  }

  private run(release: string, arch: string, ra: string): void {
    const p = this.collecting.get(ra);
    if (!p) return;
    this.collecting.delete(ra);
    this.running.add(ra);
    const gen = this.gen;
    const libs = [...p.libs.keys()];
    this.fetch(release, arch, libs)
      .then(
        (found) => {
          const store = gen === this.gen && this.maxEntries > 0;
          if (store && this.cache.size + libs.length > this.maxEntries) this.cache.clear();
          for (const [lib, waiters] of p.libs) {
            const v = found[lib] ?? null;
            if (store) this.cache.set(`${ra}\0${lib}`, v);
            for (const w of waiters) w.resolve(v);
          }
        },
        (err: unknown) => {
          for (const waiters of p.libs.values()) for (const w of waiters) w.reject(err);
        },
      )
      .finally(() => {
        this.running.delete(ra);
        if (this.collecting.has(ra)) this.run(release, arch, ra);
      });
  }
}
