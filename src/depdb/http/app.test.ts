/**
 * The HTTP routes over real HTTP on 127.0.0.1 (ephemeral ports), against a store filled by the local importer
 * (this machine's dpkg database, twice: as `httptest` and `httpcopy`, so multi-release answers are exercised):
 * v1/v2 must equal the store's own libdep lookup for every soname the import holds, POST /v3/resolve (through the
 * remote client and through the CLI's --depdb) must equal the in-process resolver, and bad requests get 4xx with the
 * JSON error contract.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { PkgmeError } from '../../errors.ts';
import { openTestPglite, type TestDatabase } from '../../db/testing.ts';
import { repoRoot } from '../../testing/env.ts';
import { localImporter, nativeArch, readLocalPackages } from '../import/local-dpkg.ts';
import { importRecords } from '../store/importer.ts';
import type { ImportOrigin } from '../types.ts';
import { readUpload, resolveUpload } from '../resolve/index.ts';
import { DepDbStore } from '../store/store.ts';
import { pkgmeAsync } from '../../testing/cli.ts';
import { buildDepdbApp } from './app.ts';
import { remoteReader, remoteReleases, resolveRemote } from './client.ts';
import { toWire } from './wire.ts';

let tdb: TestDatabase;
let store: DepDbStore;
let app: FastifyInstance;
let base: string;
let sonames: string[];
const arch = nativeArch();
const REL = 'httptest';
const COPY = 'httpcopy';
const MUT = 'httpmut';
const BINARIES = [
  '/usr/bin/ls',
  '/usr/bin/tar',
  '/usr/bin/gpgv',
  '/usr/bin/dpkg',
  '/usr/bin/perl',
  '/usr/bin/curl',
];

before(async () => {
  tdb = await openTestPglite();
  store = new DepDbStore(tdb.db);
  await localImporter.run({}, { store, release: REL });
  await localImporter.run({}, { store, release: COPY });
  const held = await tdb.db
    .selectFrom('depdb_files')
    .select('soname')
    .distinct()
    .union(tdb.db.selectFrom('depdb_shlibs').select('soname').distinct())
    .union(tdb.db.selectFrom('depdb_symbols').select('soname').distinct())
    .execute();
  sonames = held.map((r) => r.soname).sort();
  app = await buildDepdbApp({ reader: store, defaultArch: arch });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  await app?.close();
  await tdb?.dispose();
});

async function getJson<T = Record<string, unknown>>(path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(base + path);
  return { status: res.status, body: (await res.json()) as T };
}

function qs(libs: string[], extra = ''): string {
  return libs.map((l) => `libs=${encodeURIComponent(l)}`).join('&') + extra;
}

test('v1 and v2 answer what the store answers, for every soname held and for unknown ones', async () => {
  const unknown = ['libdoesnotexist.so.9', 'libc.so.5'];
  const all = [...sonames, ...unknown];
  let pairs = 0;
  for (let i = 0; i < all.length; i += 50) {
    const chunk = all.slice(i, i + 50);
    const v1 = await getJson(`/v1/get_binaries_for_libraries?${qs(chunk)}`);
    assert.equal(v1.status, 200);
    // COPY was imported last, so it is what a lookup without ?release= answers (as the store does).
    assert.deepEqual(v1.body, await store.binariesForLibraries(undefined, arch, chunk));
    const v1r = await getJson(`/v1/get_binaries_for_libraries?${qs(chunk, `&release=${REL}`)}`);
    assert.deepEqual(v1r.body, await store.binariesForLibraries(REL, arch, chunk));
    const v2 = await getJson(`/v2/get_binaries_for_libraries?${qs(chunk, `&arch=${arch}&release=${REL}`)}`);
    assert.equal(v2.status, 200);
    assert.deepEqual(v2.body, { [arch]: await store.binariesForLibraries(REL, arch, chunk) });
    pairs += Object.keys(v1.body).length;
  }
  for (const u of unknown)
    assert.equal(u in (await getJson(`/v1/get_binaries_for_libraries?libs=${u}`)).body, false);
  // A repeated lib is answered once; v2 without arch uses the server's default architecture.
  const rep = await getJson('/v1/get_binaries_for_libraries?libs=libc.so.6&libs=libc.so.6');
  assert.deepEqual(rep.body, await store.binariesForLibraries(undefined, arch, ['libc.so.6']));
  const v2d = await getJson('/v2/get_binaries_for_libraries?libs=libc.so.6');
  assert.deepEqual(v2d.body, { [arch]: rep.body });
  console.log(
    `v1/v2: ${all.length} sonames (${pairs} with providers, ${unknown.length} unknown) equal the store's lookup`,
  );
});

test('POST /v3/resolve returns exactly what the in-process resolver returns', async () => {
  let compared = 0;
  for (const bin of BINARIES) {
    const upload = readUpload([bin]);
    for (const releases of [[REL], [REL, COPY], []]) {
      const local = await resolveUpload(store, upload, { releases });
      const remote = await resolveRemote(base, upload, { releases });
      assert.deepEqual(remote, local);
      compared++;
    }
  }
  // All of them as one upload, with --arch.
  const upload = readUpload(BINARIES);
  assert.deepEqual(
    await resolveRemote(base, upload, { releases: [REL], arch }),
    await resolveUpload(store, upload, { releases: [REL], arch }),
  );
  const deps = (await resolveRemote(base, upload, { releases: [REL] })).releases[REL]!.depends;
  assert.match(deps, /libc6 \(>= /);
  console.log(
    `v3: ${compared + 1} resolve answers (${BINARIES.length} binaries) deep-equal the in-process resolver`,
  );
});

test('the CLI resolves through --depdb with the server’s exact answer', async () => {
  const upload = readUpload(['/usr/bin/ls', '/usr/bin/tar']);
  const local = await resolveUpload(store, upload, { releases: [REL] });
  const r = await pkgmeAsync(
    'depdb',
    'resolve',
    '/usr/bin/ls',
    '/usr/bin/tar',
    '--release',
    REL,
    '--depdb',
    base,
    '--json',
  );
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), local);
  const bad = await pkgmeAsync(
    'depdb',
    'resolve',
    '/usr/bin/ls',
    '--release',
    'never',
    '--depdb',
    base,
    '--json',
  );
  assert.equal(bad.status, 1, bad.stderr);
  assert.equal(JSON.parse(bad.stdout).error.code, 'DEPDB_RELEASE_NOT_IMPORTED');
});

test('bad requests get a 4xx with the JSON error contract', async () => {
  const cases: Array<[string, RequestInit | undefined, number, string]> = [
    ['/v1/get_binaries_for_libraries', undefined, 400, 'HTTP_BAD_REQUEST'],
    ['/v2/get_binaries_for_libraries?arch=amd64', undefined, 400, 'HTTP_BAD_REQUEST'],
    ['/v2/get_binaries_for_libraries?libs=libc.so.6&arch=%3Bdrop', undefined, 400, 'HTTP_BAD_REQUEST'],
    ['/v1/get_binaries_for_libraries?libs=', undefined, 400, 'HTTP_BAD_REQUEST'],
    [
      '/v1/get_binaries_for_libraries?libs=libc.so.6&release=never',
      undefined,
      404,
      'DEPDB_RELEASE_NOT_IMPORTED',
    ],
    [
      '/v2/get_binaries_for_libraries?libs=libc.so.6&arch=s390x',
      undefined,
      404,
      'DEPDB_RELEASE_NOT_IMPORTED',
    ],
    ['/v3/nothing', undefined, 404, 'HTTP_NOT_FOUND'],
    [
      '/v3/resolve',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"files": [' },
      400,
      'HTTP_BAD_REQUEST',
    ],
    [
      '/v3/resolve',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' },
      400,
      'HTTP_BAD_REQUEST',
    ],
    [
      '/v3/resolve',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"files": []}' },
      400,
      'HTTP_BAD_REQUEST',
    ],
    [
      '/v3/resolve',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"files": [{"path": "x", "needed": "libc.so.6"}]}',
      },
      400,
      'HTTP_BAD_REQUEST',
    ],
    [
      '/v3/resolve',
      { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<files/>' },
      415,
      'HTTP_BAD_REQUEST',
    ],
    ['/v3/package_versions?release=httptest', undefined, 400, 'HTTP_BAD_REQUEST'],
    ['/v3/package_versions?names=dpkg', undefined, 400, 'HTTP_BAD_REQUEST'],
    ['/v3/package_versions?release=httptest&names=Dpkg', undefined, 400, 'HTTP_BAD_REQUEST'],
    ['/v3/package_versions?release=%3Bdrop&names=dpkg', undefined, 400, 'HTTP_BAD_REQUEST'],
    [
      `/v3/package_versions?release=httptest&${Array.from({ length: 1001 }, (_, i) => `names=p${i}`).join('&')}`,
      undefined,
      400,
      'HTTP_BAD_REQUEST',
    ],
    ['/v3/package_versions?release=never&names=dpkg', undefined, 404, 'DEPDB_RELEASE_NOT_IMPORTED'],
    [
      '/v3/providers',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ release: 'httptest', arch: 'amd64', sonames: [] }),
      },
      400,
      'HTTP_BAD_REQUEST',
    ],
    [
      '/v3/providers',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ release: 'httptest', sonames: ['libc.so.6'] }),
      },
      400,
      'HTTP_BAD_REQUEST',
    ],
    [
      '/v3/providers',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ release: 'never', arch: 'amd64', sonames: ['libc.so.6'] }),
      },
      404,
      'DEPDB_RELEASE_NOT_IMPORTED',
    ],
  ];
  for (const [path, init, status, code] of cases) {
    const res = await fetch(base + path, init);
    const body = (await res.json()) as { error: { code: string; message: string; hint?: string } };
    assert.equal(res.status, status, `${path}: ${JSON.stringify(body)}`);
    assert.equal(body.error.code, code, path);
    assert.ok(body.error.message.length > 0 && body.error.hint, `${path} has a message and a hint`);
  }
  // Unknown fields are refused, not silently dropped.
  const extra = { ...toWire(readUpload(['/usr/bin/ls'])), releasez: [REL] };
  const ex = await fetch(`${base}/v3/resolve`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(extra),
  });
  assert.equal(ex.status, 400);
  assert.match(((await ex.json()) as { error: { message: string } }).error.message, /additional/);
  const missing = await getJson<{ error: { message: string } }>('/v1/get_binaries_for_libraries');
  assert.match(missing.body.error.message, /libs/);

  // Unknown release through the client: the server's error, rethrown with its code and hint.
  await assert.rejects(
    resolveRemote(base, readUpload(['/usr/bin/ls']), { releases: ['never'] }),
    (e: PkgmeError) => {
      assert.equal(e.code, 'DEPDB_RELEASE_NOT_IMPORTED');
      assert.match(e.message, /never/);
      assert.ok(e.hint);
      return true;
    },
  );

  // Body size limit, on a second app.
  const small = await buildDepdbApp({ reader: store, bodyLimit: 2048 });
  const sbase = await small.listen({ host: '127.0.0.1', port: 0 });
  try {
    await assert.rejects(resolveRemote(sbase, readUpload(['/usr/bin/ls'])), { code: 'HTTP_BODY_TOO_LARGE' });
  } finally {
    await small.close();
  }
  // Nobody listening.
  await assert.rejects(resolveRemote(sbase, readUpload(['/usr/bin/ls'])), {
    code: 'DEPDB_REMOTE_UNREACHABLE',
  });
  await assert.rejects(resolveRemote('ftp://x', readUpload(['/usr/bin/ls'])), { code: 'DEPDB_REMOTE_URL' });
  console.log(`bad requests: ${cases.length} HTTP cases + 5 client cases give the JSON error contract`);
});

test('GET /v3/releases lists the imported releases with their origins', async () => {
  const r = await getJson<{ releases: Array<{ release: string; arch: string; origin: { kind: string } }> }>(
    '/v3/releases',
  );
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, JSON.parse(JSON.stringify({ releases: await store.releases() })));
  assert.ok(r.body.releases.some((x) => x.release === REL && x.arch === arch && x.origin.kind === 'dpkg'));
});

test('a re-import is visible through the lookup cache once the release list is re-read', async () => {
  const live = await buildDepdbApp({ reader: store, defaultArch: arch, releasesTtlMs: 20 });
  const lbase = await live.listen({ host: '127.0.0.1', port: 0 });
  const ask = async (): Promise<Record<string, string[]>> =>
    (await fetch(`${lbase}/v1/get_binaries_for_libraries?libs=libz.so.1&release=${MUT}`)).json() as Promise<
      Record<string, string[]>
    >;
  const origin = (): ImportOrigin => ({
    kind: 'dpkg',
    location: 'test',
    importedAt: new Date().toISOString(),
  });
  try {
    const records = readLocalPackages().filter((r) => r.architecture === arch || r.architecture === 'all');
    const without = records.filter((r) => r.name !== 'zlib1g');
    await importRecords({ store }, { release: MUT, arch }, origin(), without.length, () => without);
    assert.deepEqual(await ask(), {});
    const zlibName = async (): Promise<Record<string, string[]>> =>
      (
        (await (await fetch(`${lbase}/v3/package_versions?release=${MUT}&names=zlib1g`)).json()) as {
          versions: Record<string, string[]>;
        }
      ).versions;
    assert.deepEqual(await zlibName(), {});
    await importRecords({ store }, { release: MUT, arch }, origin(), records.length, () => records);
    await new Promise((res) => setTimeout(res, 50));
    await ask(); // this one triggers the background re-read
    await new Promise((res) => setTimeout(res, 50));
    assert.deepEqual(await ask(), { 'libz.so.1': ['zlib1g'] });
    // The package-name cache is emptied by the same change: zlib1g, absent before, is there now.
    const names = await zlibName();
    assert.deepEqual(names, Object.fromEntries(await store.packageVersions(MUT, ['zlib1g'])));
    assert.ok(names.zlib1g?.length);
  } finally {
    await live.close();
  }
});

test('GET /v3/package_versions answers what the store answers, for every name held and for unknown ones', async () => {
  const held = await tdb.db
    .selectFrom('depdb_names as d')
    .innerJoin('depdb_strings as s', 's.id', 'd.name_id')
    .select('s.value as name')
    .distinct()
    .execute();
  const unknown = ['zzz-pkgme-not-a-package', 'libc6-doesnotexist'];
  // Names a store cannot hold (upper case, one letter, a space): never asked, absent as in the store's answer.
  const unspellable = ['Mc', 'x', 'two words'];
  const names = [...held.map((r) => r.name), ...unknown, ...unspellable];
  assert.ok(held.length > 100, `names held: ${held.length}`);
  const remote = remoteReader(base);
  for (const release of [REL, COPY]) {
    const local = await store.packageVersions(release, names);
    assert.equal(local.size, held.length);
    assert.deepEqual(await remote.packageVersions(release, names), local);
  }
  // The raw route: the release echoed, names the release lacks absent, a repeated name answered once.
  const one = await getJson<{ release: string; versions: Record<string, string[]> }>(
    `/v3/package_versions?release=${REL}&names=dpkg&names=dpkg&names=zzz-pkgme-not-a-package`,
  );
  assert.equal(one.status, 200);
  assert.deepEqual(one.body, {
    release: REL,
    versions: { dpkg: (await store.packageVersions(REL, ['dpkg'])).get('dpkg') },
  });
  console.log(
    `v3 package_versions: ${names.length} names × 2 releases equal the store's (${held.length} held)`,
  );
});

test('POST /v3/providers: remoteReader is the store over HTTP, and the resolver on it gives the local answer', async () => {
  const remote = remoteReader(base);
  const asked = [...sonames, 'libdoesnotexist.so.9'];
  // More than one request's worth (LIMITS.lookup) when the machine has that many sonames.
  assert.deepEqual(
    await remote.providers({ release: REL, arch }, asked),
    await store.providers({ release: REL, arch }, asked),
  );
  assert.deepEqual(await remote.releases(), JSON.parse(JSON.stringify(await store.releases())));
  let compared = 0;
  for (const bin of BINARIES) {
    const upload = readUpload([bin]);
    for (const releases of [[REL], [REL, COPY], []]) {
      assert.deepEqual(
        await resolveUpload(remote, upload, { releases }),
        await resolveUpload(store, upload, { releases }),
      );
      compared++;
    }
  }
  await assert.rejects(remote.providers({ release: 'never', arch }, ['libc.so.6']), {
    code: 'DEPDB_RELEASE_NOT_IMPORTED',
  });
  console.log(
    `v3 providers: ${asked.length} sonames equal the store's; ${compared} resolves through remoteReader equal local`,
  );
});

// Last: this process lets go of the PGlite database while the child serves it.
test('pkgme depdb serve starts, answers and stops on SIGTERM', async () => {
  await app.close();
  // `pkgme depdb serve` on the same database (PGlite: one process at a time, so this process lets go of it).
  await tdb.released(async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'depdb', 'serve', '--db', tdb.spec, '--port', '0', '--json'],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0]!);
        });
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
      });
      const { listening } = JSON.parse(line) as { listening: string };
      const health = await (await fetch(`${listening}/healthz`)).json();
      assert.deepEqual(health, { ok: true, releases: (await remoteReleases(listening)).length });
      assert.ok(health.releases >= 2);
    } finally {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    }
  });
});
