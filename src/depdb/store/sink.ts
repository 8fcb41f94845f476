/**
 * The store behind the apt importer's PackageSink interface (src/depdb/import/apt/sink.ts; matched structurally, so
 * the store does not import the importer): begin → beginImport, isKnown → the session's (name, version) check,
 * put → putPackages, finish → removePackagesNotIn(present) + putNames(names, else present) + finishImport. One import at a time per sink.
 */
import type { ImportOrigin, PackageRecord, ReleaseKey } from '../types.ts';
import type { DepDbStore, ImportSession, ImportStats } from './store.ts';

const keyText = (k: ReleaseKey): string => `${k.release}/${k.arch}`;

export class StoreSink {
  private session: ImportSession | undefined;
  /** The stats of each finished import, in order. */
  readonly finished: Array<ImportStats & { key: ReleaseKey }> = [];

  constructor(private readonly store: DepDbStore) {}

  private current(key: ReleaseKey): ImportSession {
    if (!this.session || keyText(this.session.key) !== keyText(key))
      throw new Error(`StoreSink: no import of ${keyText(key)} in progress (call begin first)`);
    return this.session;
  }

  async begin(key: ReleaseKey, origin: ImportOrigin): Promise<void> {
    this.session = await this.store.beginImport(key, origin);
  }

  async isKnown(name: string, version: string): Promise<boolean> {
    if (!this.session) throw new Error('StoreSink: isKnown before begin');
    return this.session.isKnown(name, version);
  }

  async put(key: ReleaseKey, records: PackageRecord[]): Promise<void> {
    await this.current(key).putPackages(records);
  }

  async finish(
    key: ReleaseKey,
    origin: ImportOrigin,
    present: Array<{ name: string; version: string }>,
    names?: Array<{ name: string; version: string }>,
  ): Promise<void> {
    const s = this.current(key);
    await s.setOrigin(origin);
    await s.removePackagesNotIn(present);
    await s.putNames(names ?? present);
    this.finished.push({ ...(await s.finishImport()), key });
    this.session = undefined;
  }
}
