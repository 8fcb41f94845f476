/**
 * Every binary package name of a release with its version(s), not only the library packages depdb_packages holds:
 * the plan warns when an upload's name is already a Debian package's (NAME_CLASHES_DEBIAN) and takes that package's
 * epoch, since Debian's other packages' relations (`Breaks: mc (<< 3:…)`) compare against it.
 *
 * One row per (release, generation, name, version). An import stages the release's whole list at its
 * `building_gen` (replacing what an interrupted run staged there) and readers see `gen = current_gen`; once the
 * generation is current, older ones are deleted. Names are interned in depdb_strings like depdb_packages' names.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE depdb_names (
    release_id integer NOT NULL REFERENCES depdb_releases(id) ON DELETE CASCADE,
    gen integer NOT NULL,
    name_id integer NOT NULL REFERENCES depdb_strings(id),
    version text NOT NULL,
    PRIMARY KEY (release_id, gen, name_id, version)
  )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS depdb_names`.execute(db);
}
