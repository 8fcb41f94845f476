/** Kysely's view of the tables (src/db/migrations/ creates them). */
import type { Generated } from 'kysely';

export interface DepdbReleasesTable {
  id: Generated<number>;
  release: string;
  arch: string;
  current_gen: Generated<number>;
  building_gen: number | null;
  origin: unknown;
  pending_origin: unknown;
  imported_at: Date | string | null;
  packages: Generated<number>;
}

export interface DepdbStringsTable {
  id: Generated<number>;
  value: string;
}

export interface DepdbPackagesTable {
  id: Generated<number>;
  release_id: number;
  name_id: number;
  version: string;
  architecture: string;
  source: string | null;
  source_version: string | null;
  section: string | null;
  multi_arch: string | null;
  added_gen: number;
  removed_gen: number | null;
}

export interface DepdbFilesTable {
  pkg_id: number;
  path_id: number;
  release_id: number;
  soname: string;
  symlink: boolean;
}

export interface DepdbShlibsTable {
  pkg_id: number;
  ordinal: number;
  release_id: number;
  soname: string;
  type: string | null;
  line: string;
}

export interface DepdbSymbolsTable {
  pkg_id: number;
  ordinal: number;
  release_id: number;
  soname: string;
  body: Uint8Array;
}

/** Every binary package of a release by name (migration 0003): what Debian's names and epochs are read from. */
export interface DepdbNamesTable {
  release_id: number;
  gen: number;
  name_id: number;
  version: string;
}

export interface Database {
  depdb_releases: DepdbReleasesTable;
  depdb_strings: DepdbStringsTable;
  depdb_packages: DepdbPackagesTable;
  depdb_files: DepdbFilesTable;
  depdb_shlibs: DepdbShlibsTable;
  depdb_symbols: DepdbSymbolsTable;
  depdb_names: DepdbNamesTable;
}
