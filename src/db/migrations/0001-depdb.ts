/**
 * The dependency database (issue 3); docs/depdb-store.md explains the design.
 *
 * Rows are versioned by import generation: a package row is visible in its release when
 * `added_gen <= current_gen AND (removed_gen IS NULL OR removed_gen > current_gen)`. An import stages new rows at
 * `building_gen` and flips `current_gen` at the end, so a killed import leaves the previous data readable and the
 * next run resumes at the same generation (a staged package row, written with its files/shlibs/symbols in one
 * transaction, is the per-package done marker).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`CREATE TABLE depdb_releases (
      id serial PRIMARY KEY,
      release text NOT NULL,
      arch text NOT NULL,
      current_gen integer NOT NULL DEFAULT 0,
      building_gen integer,
      origin jsonb,
      pending_origin jsonb,
      imported_at timestamptz,
      packages integer NOT NULL DEFAULT 0,
      UNIQUE (release, arch)
    )`,
    // Interned strings (package names, library paths): the same names recur in every release and generation.
    sql`CREATE TABLE depdb_strings (id serial PRIMARY KEY, value text NOT NULL UNIQUE)`,
    sql`CREATE TABLE depdb_packages (
      id serial PRIMARY KEY,
      release_id integer NOT NULL REFERENCES depdb_releases(id) ON DELETE CASCADE,
      name_id integer NOT NULL REFERENCES depdb_strings(id),
      version text NOT NULL,
      architecture text NOT NULL,
      source text,
      source_version text,
      section text,
      multi_arch text,
      added_gen integer NOT NULL,
      removed_gen integer
    )`,
    sql`CREATE INDEX depdb_packages_release_name ON depdb_packages (release_id, name_id)`,
    sql`CREATE TABLE depdb_files (
      pkg_id integer NOT NULL REFERENCES depdb_packages(id) ON DELETE CASCADE,
      path_id integer NOT NULL REFERENCES depdb_strings(id),
      release_id integer NOT NULL,
      soname text NOT NULL,
      symlink boolean NOT NULL,
      PRIMARY KEY (pkg_id, path_id)
    )`,
    sql`CREATE INDEX depdb_files_soname ON depdb_files (release_id, soname)`,
    sql`CREATE TABLE depdb_shlibs (
      pkg_id integer NOT NULL REFERENCES depdb_packages(id) ON DELETE CASCADE,
      ordinal integer NOT NULL,
      release_id integer NOT NULL,
      soname text NOT NULL,
      type text,
      line text NOT NULL,
      PRIMARY KEY (pkg_id, ordinal)
    )`,
    sql`CREATE INDEX depdb_shlibs_soname ON depdb_shlibs (release_id, soname)`,
    sql`CREATE TABLE depdb_symbols (
      pkg_id integer NOT NULL REFERENCES depdb_packages(id) ON DELETE CASCADE,
      ordinal integer NOT NULL,
      release_id integer NOT NULL,
      soname text NOT NULL,
      body bytea NOT NULL,
      PRIMARY KEY (pkg_id, ordinal)
    )`,
    sql`CREATE INDEX depdb_symbols_soname ON depdb_symbols (release_id, soname)`,
  ];
  for (const s of statements) await s.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'depdb_symbols',
    'depdb_shlibs',
    'depdb_files',
    'depdb_packages',
    'depdb_strings',
    'depdb_releases',
  ])
    await sql`DROP TABLE IF EXISTS ${sql.table(t)}`.execute(db);
}
