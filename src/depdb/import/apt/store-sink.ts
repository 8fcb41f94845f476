/**
 * The PackageSink over the store's import session (src/depdb/store): begin → putPackages → removePackagesNotIn →
 * finishImport. The store's generations make the import resumable on its side too: an interrupted session is
 * resumed by the next beginImport and its staged (name, version) pairs answer isKnown.
 */
import type { DepDbStore, ImportSession, ImportStats } from '../../store/store.ts';
import type { ImportOrigin, PackageRecord, ReleaseKey } from '../../types.ts';
import type { PackageSink } from './sink.ts';

export class StoreSink implements PackageSink {
  private session: ImportSession | undefined;
  stats: ImportStats | undefined;

  constructor(readonly store: DepDbStore) {}

  private open(): ImportSession {
    if (!this.session) throw new Error('StoreSink used before begin()');
    return this.session;
  }

  async begin(key: ReleaseKey, origin: ImportOrigin): Promise<void> {
    this.session = await this.store.beginImport(key, origin);
    this.stats = undefined;
  }

  isKnown(name: string, version: string): Promise<boolean> {
    return this.open().isKnown(name, version);
  }

  async put(_key: ReleaseKey, records: PackageRecord[]): Promise<void> {
    await this.open().putPackages(records);
  }

  async finish(
    _key: ReleaseKey,
    _origin: ImportOrigin,
    present: Array<{ name: string; version: string }>,
  ): Promise<void> {
    const s = this.open();
    await s.removePackagesNotIn(present);
    this.stats = await s.finishImport();
  }
}
