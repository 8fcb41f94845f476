/**
 * The migrations, in code (no files are read at run time, so the compiled CLI and the tests see the same list).
 * Add a module NNNN-name.ts and one line here; never edit a migration that has shipped.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-depdb.ts';
import * as m0002 from './0002-depdb-package-identity.ts';
import * as m0003 from './0003-depdb-names.ts';

export const migrations: Record<string, Migration> = {
  '0001-depdb': m0001,
  '0002-depdb-package-identity': m0002,
  '0003-depdb-names': m0003,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
