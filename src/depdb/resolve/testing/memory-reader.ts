/**
 * An in-memory DepDbReader over PackageRecords: the resolver's test double. `localReader()` fills it from the
 * machine's dpkg database through the local importer's reader (readLocalPackages), so it holds exactly what
 * `pkgme depdb import --local` stores, without a database; the oracle test checks both give the same answers.
 * Lookups follow the store's contract (src/depdb/store/read.ts): symbols sections by soname, untyped shlibs lines
 * under both spellings of their (library, soversion), library files by soname.
 */
import { machineCodename, nativeArch, readLocalPackages } from '../../import/local-dpkg.ts';
import { parseShlibs, sonamesFor } from '../../../formats/shlibs/index.ts';
import type { DepDbReader, ImportOrigin, PackageRecord, ReleaseKey, SonameProviders } from '../../types.ts';

export class MemoryReader implements DepDbReader {
  private readonly keys = new Map<
    string,
    { key: ReleaseKey; index: Map<string, SonameProviders>; packages: number }
  >();

  add(key: ReleaseKey, records: PackageRecord[]): this {
    const index = new Map<string, SonameProviders>();
    const entry = (soname: string): SonameProviders => {
      let e = index.get(soname);
      if (!e) index.set(soname, (e = { soname, symbols: [], shlibs: [], files: [] }));
      return e;
    };
    for (const r of records) {
      const pv = { package: r.name, version: r.version };
      for (const section of r.symbols ?? [])
        entry(section.soname).symbols.push({
          ...pv,
          ...(r.multiArch ? { multiArch: r.multiArch } : {}),
          section,
        });
      if (r.shlibs !== undefined) {
        const lines = r.shlibs.split('\n');
        for (const e of parseShlibs(r.shlibs).entries) {
          if (e.type !== undefined) continue;
          for (const s of sonamesFor(e.library, e.soversion))
            entry(s).shlibs.push({ ...pv, line: lines[e.line - 1]! });
        }
      }
      for (const f of r.libraries) entry(f.soname).files.push({ ...pv, path: f.path, symlink: f.symlink });
    }
    this.keys.set(`${key.release}/${key.arch}`, { key, index, packages: records.length });
    return this;
  }

  releases(): Promise<Array<ReleaseKey & { origin: ImportOrigin; packages: number }>> {
    const origin: ImportOrigin = { kind: 'dpkg', location: 'memory', importedAt: new Date(0).toISOString() };
    return Promise.resolve([...this.keys.values()].map((k) => ({ ...k.key, origin, packages: k.packages })));
  }

  providers(key: ReleaseKey, sonames: string[]): Promise<Map<string, SonameProviders>> {
    const out = new Map<string, SonameProviders>();
    const k = this.keys.get(`${key.release}/${key.arch}`);
    if (k)
      for (const s of sonames) {
        const e = k.index.get(s);
        if (e) out.set(s, e);
      }
    return Promise.resolve(out);
  }
}

/** The machine's dpkg database as one (codename, native arch), like `pkgme depdb import --local`. */
export function localReader(): MemoryReader {
  const arch = nativeArch();
  const records = readLocalPackages().filter((r) => r.architecture === arch || r.architecture === 'all');
  return new MemoryReader().add({ release: machineCodename(), arch }, records);
}
