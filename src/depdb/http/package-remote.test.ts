/**
 * Packaging against a `pkgme depdb serve` server plans exactly like packaging against the same store opened here.
 * The store holds one release made of real data: this machine's main Packages index as its names (depdb_names, as
 * the apt importer stores them: Debian's mc with its epoch) and this machine's dpkg database as its library packages
 * (so the resolver has providers). The same gcc-built upload `mc-4.8.29/` is packaged with the store as the reader
 * and with remoteReader on a server of that store: the plans must be equal, the version must carry Debian's epoch
 * (read from the index with grep-dctrl) and both must warn NAME_CLASHES_DEBIAN with Debian's version. Then the real
 * CLI, `pkgme package --depdb URL --json`, prints the same package, version, problems and file names.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openTestPglite, type TestDatabase } from '../../db/testing.ts';
import { packageUpload } from '../../packaging/pipeline.ts';
import { APT_LISTS, haveCommands, mainPackagesIndex } from '../../testing/apt-lists.ts';
import { requireTools, run, unavailable } from '../../testing/env.ts';
import { parsePackagesIndex } from '../import/apt/packages-index.ts';
import { nativeArch, readLocalPackages } from '../import/local-dpkg.ts';
import { DepDbStore } from '../store/store.ts';
import { pkgmeAsync } from '../../testing/cli.ts';
import { buildDepdbApp } from './app.ts';
import { remoteReader } from './client.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pkgme-remote-pkg-'));
let tdb: TestDatabase | undefined;
let store: DepDbStore;
let app: FastifyInstance | undefined;
let base = '';
let release = '';
/** Debian's mc version in the index, by grep-dctrl. */
let debianMc: string | undefined;
const arch = nativeArch();

before(async () => {
  if (!haveCommands(['lz4', 'grep-dctrl', 'gcc', 'dpkg'])) return;
  const index = mainPackagesIndex(join(tmp, 'Packages'));
  if (index === undefined) return;
  release = index.release;
  const indexFile = index.file;
  debianMc =
    execFileSync('grep-dctrl', ['-n', '-s', 'Version', '-X', '-F', 'Package', 'mc', indexFile], {
      encoding: 'utf8',
    }).trim() || undefined;

  tdb = await openTestPglite();
  store = new DepDbStore(tdb.db);
  const s = await store.beginImport(
    { release, arch },
    { kind: 'apt', location: index.list, importedAt: new Date().toISOString() },
  );
  await s.putPackages(readLocalPackages().filter((r) => r.architecture === arch || r.architecture === 'all'));
  await s.putNames(
    [...parsePackagesIndex(readFileSync(indexFile), indexFile).values()].map((e) => ({
      name: e.name,
      version: e.version,
    })),
  );
  await s.finishImport();
  app = await buildDepdbApp({ reader: store, defaultArch: arch });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  await app?.close();
  await tdb?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

function ready(t: TestContext): boolean {
  if (!requireTools(t, ['lz4', 'grep-dctrl', 'gcc', 'dpkg'], 'lz4 dctrl-tools gcc dpkg')) return false;
  if (tdb === undefined || debianMc === undefined) {
    unavailable(t, `no Packages index with mc in ${APT_LISTS} (run apt-get update)`);
    return false;
  }
  return true;
}

/** A directory upload mc-4.8.29/ holding one gcc-built executable, bin/mc, linked to the C library. */
function upload(): string {
  const dir = join(tmp, 'up', 'mc-4.8.29');
  mkdirSync(join(dir, 'bin'), { recursive: true });
  writeFileSync(join(tmp, 'mc.c'), '#include <stdio.h>\nint main(void) { puts("mc"); return 0; }\n');
  run('gcc', ['-o', join(dir, 'bin', 'mc'), join(tmp, 'mc.c')]);
  return dir;
}

const OVERRIDES = { license: 'MIT' };

test('the same upload packaged through the server and through the store: the same plan, epoch and clash', async (t) => {
  if (!ready(t)) return;
  const up = upload();
  const local = await packageUpload(up, {
    out: join(tmp, 'out-local'),
    store,
    release,
    overrides: OVERRIDES,
  });
  const remote = await packageUpload(up, {
    out: join(tmp, 'out-remote'),
    store: remoteReader(base),
    release,
    overrides: OVERRIDES,
  });

  const epoch = /^(\d+):/.exec(debianMc!)?.[1];
  assert.ok(epoch, `Debian's mc has an epoch (${debianMc})`);
  assert.equal(local.plan.version, `${epoch}:4.8.29-1`);
  assert.equal(remote.plan.version, local.plan.version);
  const clash = (r: typeof local): string | undefined =>
    r.plan.problems.find((p) => p.code === 'NAME_CLASHES_DEBIAN')?.message;
  assert.ok(clash(local)?.includes(`${release} has mc ${debianMc}`), clash(local));
  assert.equal(clash(remote), clash(local));
  assert.match(local.plan.depends, /libc6 \(>= /);
  assert.deepEqual(remote.plan, local.plan);
  assert.deepEqual(
    remote.files.map((f) => [f.kind, basename(f.path), f.sha256]),
    local.files.map((f) => [f.kind, basename(f.path), f.sha256]),
  );
  console.log(
    `remote = local: ${remote.plan.package} ${remote.plan.version}, Depends: ${remote.plan.depends}`,
  );
  console.log(`remote clash: ${clash(remote)}`);

  // The CLI's --depdb: the same document but for where the files are.
  const out = join(tmp, 'out-cli');
  const r = await pkgmeAsync(
    'package',
    up,
    '--out',
    out,
    '--set',
    'license=MIT',
    '--release',
    release,
    '--depdb',
    base,
    '--json',
  );
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as {
    package: string;
    version: string;
    problems: unknown[];
    files: Array<{ kind: string; path: string; sha256: string }>;
  };
  assert.equal(doc.package, local.plan.package);
  assert.equal(doc.version, local.plan.version);
  assert.deepEqual(doc.problems, JSON.parse(JSON.stringify(local.plan.problems)));
  assert.deepEqual(
    doc.files.map((f) => [f.kind, basename(f.path)]),
    local.files.map((f) => [f.kind, basename(f.path)]),
  );

  // A release the server never imported: the server's error through the CLI, nothing in --out.
  const bad = await pkgmeAsync(
    'package',
    up,
    '--out',
    join(tmp, 'out-bad'),
    '--release',
    'never',
    '--depdb',
    base,
    '--json',
  );
  assert.equal(bad.status, 1, bad.stderr);
  assert.equal(
    (JSON.parse(bad.stdout) as { error: { code: string } }).error.code,
    'DEPDB_RELEASE_NOT_IMPORTED',
  );
});
