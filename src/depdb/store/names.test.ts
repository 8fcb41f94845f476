/**
 * depdb_names (migration 0003) on real data: every binary package of the machine's own apt lists (a Debian release's
 * Packages index, ~64k packages for bookworm), parsed by the apt importer's parser, stored through an ImportSession
 * in PGlite and on the PostgreSQL server. Versions are checked against grep-dctrl on the same index; the time a full
 * release's names take is printed (the apt import's added cost); a re-import in which one version changed and one
 * package vanished is seen by readers only once it is finished, and leaves no row of the old generation behind.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { sql } from 'kysely';
import { openTestPglite, openTestPostgres, type TestDatabase } from '../../db/testing.ts';
import { inCI, requireTools, unavailable } from '../../testing/env.ts';
import { parsePackagesIndex } from '../import/apt/packages-index.ts';
import { DepDbStore } from './store.ts';

const LISTS = '/var/lib/apt/lists';

/** The largest Packages index of the machine's apt lists (the main suite's), decompressed. */
function machineIndex(): { file: string; data: Buffer } | undefined {
  let files: string[];
  try {
    files = readdirSync(LISTS).filter((f) => /_Packages(\.lz4)?$/.test(f));
  } catch {
    return undefined;
  }
  let best: { file: string; data: Buffer } | undefined;
  for (const f of files) {
    const p = join(LISTS, f);
    const data = f.endsWith('.lz4')
      ? execFileSync('lz4', ['-dc', p], { maxBuffer: 1 << 30 })
      : execFileSync('cat', [p], { maxBuffer: 1 << 30 });
    if (best === undefined || data.length > best.data.length) best = { file: p, data };
  }
  return best;
}

/** grep-dctrl's versions of each name in the index file (one run, the names or'ed): the oracle. */
function grepVersions(file: string, names: string[]): Map<string, string[]> {
  const expr = names.flatMap((n, i) => [...(i > 0 ? ['-o'] : []), '-X', '-F', 'Package', n]);
  const r = execFileSync('grep-dctrl', ['-s', 'Package,Version', ...expr, file], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const out = new Map<string, Set<string>>();
  for (const para of r.split('\n\n')) {
    const name = /^Package: (.+)$/m.exec(para)?.[1];
    const version = /^Version: (.+)$/m.exec(para)?.[1];
    if (name !== undefined && version !== undefined) out.set(name, (out.get(name) ?? new Set()).add(version));
  }
  return new Map([...out].map(([n, v]) => [n, [...v].sort()]));
}

const origin = { kind: 'apt' as const, location: 'machine apt lists', importedAt: '2026-01-01T00:00:00Z' };

for (const backend of ['pglite', 'postgres'] as const) {
  describe(`depdb_names in ${backend}`, () => {
    let tdb: TestDatabase | undefined;
    let store: DepDbStore;
    let index: { file: string; data: Buffer } | undefined;
    let names: Array<{ name: string; version: string }> = [];
    const key = { release: 'names-test', arch: 'amd64' };

    before(async () => {
      tdb = backend === 'pglite' ? await openTestPglite() : await openTestPostgres('names');
      if (!tdb && inCI) throw new Error('CI must reach the test PostgreSQL server (DATABASE_URL)');
      if (tdb) store = new DepDbStore(tdb.db);
      try {
        index = machineIndex();
      } catch {
        index = undefined;
      }
      if (index)
        names = [...parsePackagesIndex(index.data, index.file).values()].map((e) => ({
          name: e.name,
          version: e.version,
        }));
    });
    after(async () => {
      await tdb?.dispose();
    });

    const ready = (t: TestContext): boolean => {
      if (!tdb) {
        unavailable(t, 'no PostgreSQL server at DATABASE_URL / 127.0.0.1:5432');
        return false;
      }
      if (!requireTools(t, ['lz4', 'grep-dctrl'], 'lz4 dctrl-tools')) return false;
      if (names.length === 0) {
        unavailable(t, `no Packages index in ${LISTS} (run apt-get update)`);
        return false;
      }
      return true;
    };

    test("a release's every name and version, equal to grep-dctrl on the same index", async (t) => {
      if (!ready(t)) return;
      const started = performance.now();
      const s = await store.beginImport(key, origin);
      await s.putNames(names);
      await s.finishImport();
      const ms = performance.now() - started;
      const count = await sql<{ n: number }>`SELECT count(*)::int AS n FROM depdb_names`.execute(tdb!.db);
      assert.equal(count.rows[0]!.n, names.length);
      // Every 500th name, plus the ones this feature is for (epoch'd mc, findutils which Breaks it) when present.
      const sample = [
        ...new Set([...names.filter((_, i) => i % 500 === 0).map((n) => n.name), 'mc', 'findutils', 'bash']),
      ];
      const got = await store.packageVersions(key.release, [...sample, 'zzz-no-such-package']);
      const dir = mkdtempSync(join(tmpdir(), 'pkgme-names-'));
      let want: Map<string, string[]>;
      try {
        writeFileSync(join(dir, 'Packages'), index!.data);
        want = grepVersions(join(dir, 'Packages'), sample);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      let checked = 0;
      for (const n of sample) {
        assert.deepEqual(got.get(n) ?? [], want.get(n) ?? [], n);
        if (want.has(n)) checked++;
      }
      assert.equal(got.has('zzz-no-such-package'), false);
      console.log(
        `${backend}: ${names.length} names of ${index!.file} stored in ${Math.round(ms)} ms; ${checked} sampled versions equal to grep-dctrl` +
          (got.has('mc') ? ` (mc ${got.get('mc')!.join(', ')})` : ''),
      );
    });

    test('a re-import is seen only once finished, and the old generation is gone', async (t) => {
      if (!ready(t)) return;
      const [first, second] = names;
      assert.ok(first && second);
      const next = names
        .filter((n) => n !== second)
        .map((n) => (n === first ? { ...n, version: `${n.version}+new` } : n));
      const s = await store.beginImport(key, origin);
      await s.putNames(next);
      // Staged, not current: readers still see the finished generation.
      assert.deepEqual((await store.packageVersions(key.release, [first.name])).get(first.name), [
        first.version,
      ]);
      assert.ok((await store.packageVersions(key.release, [second.name])).has(second.name));
      // An interrupted run's staging is replaced, not added to (and costs what a re-import's names cost: every
      // name already interned).
      const put = performance.now();
      await s.putNames(next);
      const putMs = performance.now() - put;
      const started = performance.now();
      await s.finishImport();
      const ms = performance.now() - started;
      const after = await store.packageVersions(key.release, [first.name, second.name]);
      assert.deepEqual(after.get(first.name), [`${first.version}+new`]);
      assert.equal(after.has(second.name), false);
      const rows = await sql<{
        n: number;
        gens: number;
      }>`SELECT count(*)::int AS n, count(DISTINCT gen)::int AS gens
        FROM depdb_names`.execute(tdb!.db);
      assert.deepEqual(rows.rows[0], { n: next.length, gens: 1 });
      console.log(
        `${backend}: re-import of ${next.length} names: staged in ${Math.round(putMs)} ms, finished (flip + old generation deleted) in ${Math.round(ms)} ms`,
      );
    });
  });
}
