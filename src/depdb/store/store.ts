/**
 * The dependency database's store: the read side (DepDbReader, libdep-service lookups) and `beginImport`, which
 * opens an ImportSession for one (release, arch). Schema and consistency design: docs/depdb-store.md.
 */
import { sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { ImportOrigin, ReleaseKey } from '../types.ts';
import { StoreReader } from './read.ts';
import { ImportSession } from './write.ts';

export class DepDbStore extends StoreReader {
  beginImport(key: ReleaseKey, origin: ImportOrigin): Promise<ImportSession> {
    return ImportSession.begin(this.db, key, origin);
  }

  /** Bytes the store's tables and indexes take (pg_total_relation_size), and how many package rows they hold. */
  async size(): Promise<{ bytes: number; packages: number; tables: Record<string, number> }> {
    const tables: Record<string, number> = {};
    let bytes = 0;
    for (const t of [
      'depdb_releases',
      'depdb_strings',
      'depdb_packages',
      'depdb_files',
      'depdb_shlibs',
      'depdb_symbols',
    ] as Array<keyof Database>) {
      const r = await sql<{ n: number }>`SELECT pg_total_relation_size(${t}::regclass)::float8 AS n`.execute(
        this.db,
      );
      tables[t] = Number(r.rows[0]!.n);
      bytes += tables[t];
    }
    const p = await sql<{ n: number }>`SELECT count(*)::int AS n FROM depdb_packages`.execute(this.db);
    return { bytes, packages: p.rows[0]!.n, tables };
  }
}

export type { ImportSession, ImportStats } from './write.ts';
export type { ReleaseInfo } from './read.ts';
