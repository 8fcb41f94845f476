/**
 * A package is staged once per generation: (release, name, version, generation) is unique. Two imports of the same
 * release running at once (possible on a shared server) then fail on the second insert instead of staging the
 * package twice. Replaces the plain (release_id, name_id) index, which this one covers.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE UNIQUE INDEX depdb_packages_identity ON depdb_packages (release_id, name_id, version, added_gen)`.execute(
    db,
  );
  await sql`DROP INDEX depdb_packages_release_name`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX depdb_packages_release_name ON depdb_packages (release_id, name_id)`.execute(db);
  await sql`DROP INDEX depdb_packages_identity`.execute(db);
}
