/**
 * The compaction decision (docs/depdb-store.md): symbols sections stored gzip'd in bytea against plain text, which
 * PostgreSQL compresses itself (pglz) once a value passes ~2 KB. Measured on every symbols file of this machine's
 * dpkg database, in PGlite and on the server; the test fails if gzip stops paying for itself.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { openTestPglite, openTestPostgres, type TestDatabase } from '../../db/testing.ts';
import { splitSymbolsFile } from '../../formats/symbols/index.ts';
import { unavailable } from '../../testing/env.ts';
import { decodeSymbols, encodeSymbols } from './codec.ts';

const INFO = '/var/lib/dpkg/info';

function sections(): string[] {
  return readdirSync(INFO)
    .filter((f) => f.endsWith('.symbols'))
    .flatMap((f) => splitSymbolsFile(readFileSync(join(INFO, f), 'utf8')).map((s) => s.text));
}

interface Sizes {
  /** pg_total_relation_size: heap, TOAST and indexes, in whole pages. */
  text: number;
  gzip: number;
  /** sum(pg_column_size): the stored values alone (after PostgreSQL's own compression). */
  textValues: number;
  gzipValues: number;
}

async function measure(db: Kysely<Database>, texts: string[]): Promise<Sizes> {
  await sql`CREATE TABLE measure_text (id serial PRIMARY KEY, body text NOT NULL)`.execute(db);
  await sql`CREATE TABLE measure_gzip (id serial PRIMARY KEY, body bytea NOT NULL)`.execute(db);
  for (const t of texts) {
    await sql`INSERT INTO measure_text (body) VALUES (${t})`.execute(db);
    await sql`INSERT INTO measure_gzip (body) VALUES (${encodeSymbols(t)})`.execute(db);
  }
  const size = async (t: string) =>
    Number(
      (await sql<{ n: number }>`SELECT pg_total_relation_size(${t}::regclass)::float8 AS n`.execute(db))
        .rows[0]!.n,
    );
  const values = async (t: string) =>
    Number(
      (
        await sql<{ n: number }>`SELECT sum(pg_column_size(body))::float8 AS n FROM ${sql.table(t)}`.execute(
          db,
        )
      ).rows[0]!.n,
    );
  const out = {
    text: await size('measure_text'),
    gzip: await size('measure_gzip'),
    textValues: await values('measure_text'),
    gzipValues: await values('measure_gzip'),
  };
  // Round trip: what comes back decodes to the text that went in.
  const back = await sql<{ body: Uint8Array }>`SELECT body FROM measure_gzip ORDER BY id`.execute(db);
  assert.deepEqual(
    back.rows.map((r) => decodeSymbols(r.body)),
    texts,
  );
  await sql`DROP TABLE measure_text, measure_gzip`.execute(db);
  return out;
}

for (const backend of ['pglite', 'postgres'] as const) {
  test(`symbols sections: gzip'd bytea is smaller than text in ${backend}`, async (t) => {
    const tdb: TestDatabase | undefined =
      backend === 'pglite' ? await openTestPglite() : await openTestPostgres('compaction');
    if (!tdb) return unavailable(t, 'no PostgreSQL server at DATABASE_URL / 127.0.0.1:5432');
    try {
      const texts = sections();
      const raw = texts.reduce((n, s) => n + Buffer.byteLength(s), 0);
      const m = await measure(tdb.db, texts);
      console.log(
        `${backend}: ${texts.length} sections, ${raw} bytes raw; table+toast+index: text ${m.text} bytes, gzip ${m.gzip} bytes (${(m.text / m.gzip).toFixed(2)}x smaller); values alone: text ${m.textValues}, gzip ${m.gzipValues} (${(m.textValues / m.gzipValues).toFixed(2)}x)`,
      );
      assert.ok(m.gzip < m.text);
      assert.ok(m.gzipValues < m.textValues);
    } finally {
      await tdb.dispose();
    }
  });
}
