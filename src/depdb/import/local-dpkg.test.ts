/**
 * `--local` import of this machine's dpkg database into PGlite and into PostgreSQL, checked against dpkg itself:
 * the installed-package count from dpkg-query, every shlibs line of /var/lib/dpkg/info, libc6's symbols file byte
 * for byte, library files against `dpkg -S`, a no-op re-import, and an import killed halfway (SIGKILL) that leaves
 * the previous data readable and completes when run again.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { inCI, repoRoot, requireTools, run, unavailable } from '../../testing/env.ts';
import { openTestPglite, openTestPostgres, type TestDatabase } from '../../db/testing.ts';
import { importRecords } from '../store/importer.ts';
import { DepDbStore } from '../store/store.ts';
import { localImporter, machineCodename, nativeArch, readLocalPackages } from './local-dpkg.ts';

const INFO = '/var/lib/dpkg/info';

function installedCount(): number {
  return run('dpkg-query', ['-W', '-f', '${Status}\n'])
    .split('\n')
    .filter((l) => l.includes('install ok installed')).length;
}

/** The shlibs files' lines that are neither blank nor comments, per package (`name` or `name:arch` file). */
function shlibsOracle(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of readdirSync(INFO).filter((n) => n.endsWith('.shlibs'))) {
    const pkg = f.slice(0, -'.shlibs'.length).replace(/:.*$/, '');
    const lines = readFileSync(join(INFO, f), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#'));
    out.set(pkg, lines);
  }
  return out;
}

/** libc6's section for libc.so.6, cut from the file: its header line up to the next header line. */
function libcSection(): string {
  const lines = readFileSync(join(INFO, `libc6:${nativeArch()}.symbols`), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith('libc.so.6 '));
  let end = start + 1;
  while (end < lines.length && !/^[^ |*#]/.test(lines[end]!)) end++;
  return lines.slice(start, end).join('\n').replace(/\n*$/, '\n');
}

/** Runs `pkgme depdb import --local` in a child; `killAfter` SIGKILLs it once it reports that many packages done. */
function runImportChild(
  db: string,
  release: string,
  killAfter?: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'depdb',
        'import',
        '--local',
        '--release',
        release,
        '--arch',
        nativeArch(),
        '--db',
        db,
        '--json',
      ],
      { cwd: repoRoot, env: { ...process.env, PKGME_DEPDB_BATCH: '10', DATABASE_URL: '' } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      const m = [...stderr.matchAll(/import (\d+)\/(\d+)/g)].at(-1);
      if (killAfter !== undefined && m && Number(m[1]) >= killAfter && Number(m[1]) < Number(m[2]))
        child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

for (const backend of ['pglite', 'postgres'] as const) {
  describe(`depdb import --local into ${backend}`, () => {
    let tdb: TestDatabase | undefined;
    let store: DepDbStore;
    const arch = nativeArch();
    const release = machineCodename();
    const key = { release, arch };

    before(async () => {
      tdb = backend === 'pglite' ? await openTestPglite() : await openTestPostgres('localdpkg');
      if (!tdb) {
        if (inCI) throw new Error('CI must reach the test PostgreSQL server (DATABASE_URL)');
        return;
      }
      store = new DepDbStore(tdb.db);
    });
    after(async () => {
      await tdb?.dispose();
    });

    test('imports every installed package, as dpkg-query counts them', async (t) => {
      if (!tdb) return unavailable(t, 'no PostgreSQL server at DATABASE_URL / 127.0.0.1:5432');
      if (!requireTools(t, ['dpkg-query'], 'dpkg')) return;
      const started = Date.now();
      const results = await localImporter.run({}, { store });
      const total = results.reduce((n, r) => n + r.packages, 0);
      const want = installedCount();
      console.log(
        `${backend}: imported ${total} packages (dpkg-query: ${want} installed) in ${Date.now() - started} ms`,
      );
      assert.equal(total, want);
      assert.equal(
        results.reduce((n, r) => n + r.written, 0),
        want,
      );
      const rels = await store.releases();
      assert.deepEqual(
        rels.map((r) => `${r.release}/${r.arch}`),
        results.map((r) => `${r.key.release}/${r.key.arch}`),
      );
      const size = await store.size();
      console.log(
        `${backend}: store ${size.bytes} bytes for ${size.packages} packages = ${Math.round(size.bytes / size.packages)} bytes/package`,
        JSON.stringify(size.tables),
      );
    });

    test("every installed package's name and version, as dpkg-query lists them (depdb_names)", async (t) => {
      if (!tdb) return unavailable(t, 'no PostgreSQL server at DATABASE_URL / 127.0.0.1:5432');
      if (!requireTools(t, ['dpkg-query'], 'dpkg')) return;
      const want = new Map<string, Set<string>>();
      for (const line of run('dpkg-query', [
        '-W',
        '-f',
        '${db:Status-Eflag} ${db:Status-Status} ${Package} ${Version}\\n',
      ]).split('\n')) {
        const [eflag, status, name, version] = line.trim().split(/\s+/);
        if (eflag !== 'ok' || status !== 'installed' || name === undefined || version === undefined) continue;
        want.set(name, (want.get(name) ?? new Set()).add(version));
      }
      const got = await store.packageVersions(release, [...want.keys()]);
      assert.deepEqual(
        [...got].map(([n, v]) => `${n} ${v.join(',')}`).sort(),
        [...want].map(([n, v]) => `${n} ${[...v].sort().join(',')}`).sort(),
      );
      console.log(`${backend}: ${got.size} installed package names with dpkg-query's versions`);
    });

    test('keeps every shlibs line of /var/lib/dpkg/info, byte for byte', async (t) => {
      if (!tdb) return unavailable(t, 'no PostgreSQL server at DATABASE_URL / 127.0.0.1:5432');
      const oracle = shlibsOracle();
      const rows = await sql<{ package: string; line: string }>`
        SELECT n.value AS package, s.line FROM depdb_shlibs s JOIN depdb_packages p ON p.id = s.pkg_id
        JOIN depdb_strings n ON n.id = p.name_id ORDER BY p.id, s.ordinal`.execute(tdb.db);
      const got = new Map<string, string[]>();
      for (const r of rows.rows) got.set(r.package, [...(got.get(r.package) ?? []), r.line]);
      let lines = 0;
      for (const [pkg, want] of oracle) {
        assert.deepEqual(got.get(pkg) ?? [], want, pkg);
        lines += want.length;
      }
      assert.equal(rows.rows.length, lines);
      console.log(`${backend}: ${oracle.size} shlibs files, ${lines} lines equal`);
    });

    test("libc.so.6: libc6 provides it, with its symbols section byte-identical to dpkg's file", async (t) => {
      if (!tdb) return unavailable(t, 'no PostgreSQL server at DATABASE_URL / 127.0.0.1:5432');
      const p = (await store.providers(key, ['libc.so.6', 'libz.so.1', 'libdoesnotexist.so.9'])).get(
        'libc.so.6',
      );
      assert.ok(p);
      const libc6 = p.symbols.find((s) => s.package === 'libc6');
      assert.ok(libc6, 'libc6 among the symbols providers');
      const want = libcSection();
      assert.equal(libc6.section.text, want);
      assert.ok(p.shlibs.some((s) => s.package === 'libc6' && s.line.startsWith('libc 6 libc6')));
      assert.ok(p.files.some((f) => f.package === 'libc6' && !f.symlink));
      console.log(
        `${backend}: libc.so.6 section ${want.length} bytes equal; ${p.files.length} files, ${p.shlibs.length} shlibs lines`,
      );
      const all = await store.providers(key, ['libdoesnotexist.so.9']);
      assert.equal(all.size, 0);
    });

    test('library files name the package dpkg -S names', async (t) => {
      if (!tdb) return unavailable(t, 'no PostgreSQL server at DATABASE_URL / 127.0.0.1:5432');
      if (!requireTools(t, ['dpkg'], 'dpkg')) return;
      const rows = await sql<{ package: string; path: string }>`
        SELECT n.value AS package, fp.value AS path FROM depdb_files f JOIN depdb_packages p ON p.id = f.pkg_id
        JOIN depdb_strings n ON n.id = p.name_id JOIN depdb_strings fp ON fp.id = f.path_id`.execute(tdb.db);
      assert.ok(rows.rows.length > 100);
      const owners = new Map<string, Set<string>>();
      for (const line of run('dpkg', ['-S', ...rows.rows.map((r) => r.path)]).split('\n')) {
        const m = /^(.+?): (\/.*)$/.exec(line);
        if (!m) continue;
        for (const pkg of m[1]!.split(', '))
          owners.set(m[2]!, (owners.get(m[2]!) ?? new Set()).add(pkg.replace(/:.*$/, '')));
      }
      for (const r of rows.rows) assert.ok(owners.get(r.path)?.has(r.package), `${r.path}: ${r.package}`);
      console.log(`${backend}: ${rows.rows.length} library files, owners equal to dpkg -S`);
    });

    test('a re-import writes nothing', async (t) => {
      if (!tdb) return unavailable(t, 'no PostgreSQL server at DATABASE_URL / 127.0.0.1:5432');
      const [r] = await localImporter.run({}, { store, arch });
      assert.ok(r);
      assert.equal(r.written, 0);
      assert.equal(r.removed, 0);
      assert.equal(r.skipped, r.packages);
      console.log(`${backend}: re-import ${r.packages} packages, 0 written, in ${r.seconds} s`);
    });

    test('an import killed halfway leaves the previous data readable; the next run resumes and completes', async (t) => {
      if (!tdb) return unavailable(t, 'no PostgreSQL server at DATABASE_URL / 127.0.0.1:5432');
      const rel = 'killtest';
      const k = { release: rel, arch };
      const records = readLocalPackages().filter((r) => r.architecture === arch || r.architecture === 'all');
      // The previous generation: the same packages at other versions, so the killed import has everything to write.
      const old = records.map((r) => ({ ...r, version: `${r.version}~old` }));
      await importRecords(
        { store },
        k,
        { kind: 'dpkg', location: 'test', importedAt: new Date().toISOString() },
        old.length,
        () => old,
      );
      const libcOld = (await store.providers(k, ['libc.so.6']))
        .get('libc.so.6')!
        .symbols.find((s) => s.package === 'libc6')!;
      assert.match(libcOld.version, /~old$/);

      const db = tdb;
      const killed = await db.released(() => runImportChild(db.spec, rel, 100));
      store = new DepDbStore(db.db);
      assert.equal(
        killed.signal,
        'SIGKILL',
        `the child should have been killed mid-import: ${killed.stderr}`,
      );
      const staged = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM depdb_packages p JOIN depdb_releases r
        ON r.id = p.release_id WHERE r.release = ${rel} AND p.added_gen > r.current_gen`.execute(tdb.db);
      const stagedN = staged.rows[0]!.n;
      assert.ok(stagedN >= 100 && stagedN < records.length, `staged ${stagedN}`);
      // Readers still see the old generation, whole.
      const during = (await store.releases()).find((r) => r.release === rel)!;
      assert.equal(during.packages, records.length);
      assert.equal(during.partial, true);
      const libcDuring = (await store.providers(k, ['libc.so.6']))
        .get('libc.so.6')!
        .symbols.find((s) => s.package === 'libc6')!;
      assert.equal(libcDuring.version, libcOld.version);

      const done = await db.released(() => runImportChild(db.spec, rel));
      store = new DepDbStore(db.db);
      assert.equal(done.code, 0, done.stderr);
      const [r] = (
        JSON.parse(done.stdout) as {
          imports: Array<{
            written: number;
            skipped: number;
            removed: number;
            packages: number;
            resumed: boolean;
          }>;
        }
      ).imports;
      assert.ok(r);
      assert.equal(r.resumed, true);
      assert.equal(r.packages, records.length);
      assert.equal(r.written + r.skipped, records.length);
      assert.equal(r.skipped, stagedN, 'the packages staged before the kill are not written again');
      const after = (await store.providers(k, ['libc.so.6']))
        .get('libc.so.6')!
        .symbols.find((s) => s.package === 'libc6')!;
      assert.doesNotMatch(after.version, /~old$/);
      const left = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM depdb_packages p JOIN depdb_releases r
        ON r.id = p.release_id WHERE r.release = ${rel}`.execute(tdb.db);
      assert.equal(left.rows[0]!.n, records.length, 'the old generation was garbage-collected');
      console.log(
        `${backend}: killed after ${stagedN} of ${records.length} staged; old data readable; resumed run wrote ${r.written}, skipped ${r.skipped}`,
      );
    });
  });
}
