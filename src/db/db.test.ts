/**
 * The connection layer: which database a spec names, the PGlite pool adapter's serialisation of transactions,
 * migrations on both back ends, and the typed errors (DB_UNREACHABLE without the password, DB_MIGRATION, DB_BUSY).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { unavailable } from '../testing/env.ts';
import { migrations } from './migrations/index.ts';
import { openDatabase } from './open.ts';
import { resolveDbSpec } from './spec.ts';
import { openTestPglite, openTestPostgres, preparedPgliteDir, type TestDatabase } from './testing.ts';

describe('resolveDbSpec: --db, then DATABASE_URL, then the data directory', () => {
  const url = 'postgres://u:p@h:5432/d';
  test('--db wins over DATABASE_URL', () => {
    assert.deepEqual(resolveDbSpec('/x/db', { DATABASE_URL: url }), {
      kind: 'pglite',
      dir: '/x/db',
      spec: '/x/db',
    });
    assert.deepEqual(resolveDbSpec(url, {}), { kind: 'postgres', url, spec: url });
  });
  test('DATABASE_URL wins over the default', () => {
    assert.equal(resolveDbSpec(undefined, { DATABASE_URL: url, PKGME_DATA_DIR: '/d' }).kind, 'postgres');
  });
  test('default: PKGME_DATA_DIR, else XDG_DATA_HOME/pkgme, else ~/.local/share/pkgme; then /db', () => {
    assert.equal(resolveDbSpec(undefined, { PKGME_DATA_DIR: '/d', XDG_DATA_HOME: '/x' }).spec, '/d/db');
    assert.equal(resolveDbSpec(undefined, { XDG_DATA_HOME: '/x' }).spec, '/x/pkgme/db');
    assert.equal(resolveDbSpec(undefined, {}).spec, join(homedir(), '.local/share/pkgme/db'));
    assert.equal(resolveDbSpec(undefined, { DATABASE_URL: '' }).kind, 'pglite');
  });
});

describe('PGlite through the pool adapter', () => {
  let tdb: TestDatabase;
  before(async () => {
    tdb = await openTestPglite();
    await sql`CREATE TABLE counter (v integer NOT NULL)`.execute(tdb.db);
    await sql`INSERT INTO counter VALUES (0)`.execute(tdb.db);
  });
  after(async () => {
    await tdb.dispose();
  });

  test('concurrent transactions run one at a time (no lost update on the single connection)', async () => {
    const n = 25;
    await Promise.all(
      Array.from({ length: n }, () =>
        tdb.db.transaction().execute(async (trx) => {
          const r = await sql<{ v: number }>`SELECT v FROM counter`.execute(trx);
          await new Promise((res) => setTimeout(res, 2));
          await sql`UPDATE counter SET v = ${r.rows[0]!.v + 1}`.execute(trx);
        }),
      ),
    );
    const r = await sql<{ v: number }>`SELECT v FROM counter`.execute(tdb.db);
    assert.equal(r.rows[0]!.v, n);
    console.log(`${n} concurrent read-modify-write transactions: counter ${r.rows[0]!.v}`);
  });

  test('a failed transaction rolls back and gives the connection back', async () => {
    await assert.rejects(
      tdb.db.transaction().execute(async (trx) => {
        await sql`UPDATE counter SET v = -1`.execute(trx);
        await sql`SELECT no_such_column FROM counter`.execute(trx);
      }),
    );
    const r = await sql<{ v: number }>`SELECT v FROM counter`.execute(tdb.db);
    assert.notEqual(r.rows[0]!.v, -1);
  });

  test('affected-row counts reach Kysely', async () => {
    const r = await tdb.db.updateTable('depdb_releases').set({ packages: 1 }).executeTakeFirst();
    assert.equal(r.numUpdatedRows, 0n);
    const ins = await tdb.db
      .insertInto('depdb_strings')
      .values([{ value: 'a' }, { value: 'b' }])
      .executeTakeFirst();
    assert.equal(ins.numInsertedOrUpdatedRows, 2n);
  });

  test('the migrations have run', async () => {
    const r = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(tdb.db);
    assert.deepEqual(
      r.rows.map((x) => x.name),
      Object.keys(migrations),
    );
  });
});

describe('errors', () => {
  test('DB_UNREACHABLE names the URL without its password', async () => {
    const err = await openDatabase('postgres://postgres:s3cret@127.0.0.1:1/test').then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.equal((err as { code?: string }).code, 'DB_UNREACHABLE');
    const text = JSON.stringify(err) + String((err as Error).message);
    assert.ok(!text.includes('s3cret'), text);
    assert.match((err as Error).message, /postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/test/);
  });

  test('DB_MIGRATION when the database has a migration this pkgme does not know', async () => {
    const { dir, cleanup } = preparedPgliteDir();
    try {
      const o = await openDatabase(dir);
      await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('9999-from-the-future', '2099-01-01')`.execute(
        o.db,
      );
      await o.close();
      const err = await openDatabase(dir).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.equal((err as { code?: string }).code, 'DB_MIGRATION');
      // The failed open let go of the directory: it opens again once fixed.
      await assert.rejects(openDatabase(dir), { code: 'DB_MIGRATION' });
    } finally {
      cleanup();
    }
  });

  test('DB_BUSY while another live process has the PGlite directory; a dead owner is stale', async () => {
    const { dir, cleanup } = preparedPgliteDir();
    try {
      writeFileSync(join(dir, 'pkgme.lock'), `${process.ppid}\n`);
      await assert.rejects(openDatabase(dir), { code: 'DB_BUSY' });
      const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
      writeFileSync(join(dir, 'pkgme.lock'), `${dead}\n`);
      const o = await openDatabase(dir);
      await assert.rejects(openDatabase(dir), { code: 'DB_BUSY' });
      await o.close();
    } finally {
      cleanup();
    }
  });
});

describe('PostgreSQL server', () => {
  test('opens in a private schema, migrates there, and drops it', async (t) => {
    const tdb = await openTestPostgres('dbtest');
    if (!tdb) return unavailable(t, 'no PostgreSQL server at DATABASE_URL / 127.0.0.1:5432');
    const schema = tdb.schema!;
    try {
      const tables = await sql<{ t: string }>`SELECT table_name AS t FROM information_schema.tables
        WHERE table_schema = ${schema} ORDER BY 1`.execute(tdb.db);
      assert.ok(tables.rows.some((r) => r.t === 'depdb_packages'));
      assert.ok(tables.rows.some((r) => r.t === 'kysely_migration'));
      console.log(`postgres: schema ${schema} holds ${tables.rows.length} tables`);
    } finally {
      await tdb.dispose();
    }
    const pg = await openDatabase(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test');
    const left = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = ${schema}`.execute(
      pg.db,
    );
    assert.equal(left.rows[0]!.n, 0);
    await pg.close();
  });
});
