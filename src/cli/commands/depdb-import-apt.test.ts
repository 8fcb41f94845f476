/**
 * `pkgme depdb import --source …` end to end: a local apt repository of real .debs (served by this process, so the
 * CLI runs as an async child), imported into a PGlite store; then `depdb releases` lists it and a second import
 * writes nothing.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { realDebs } from '../../formats/deb/fixtures.ts';
import { makeTestRepo, SUITE } from '../../depdb/import/apt/testrepo.fixture.ts';
import { repoRoot, requireTools } from '../../testing/env.ts';

const exec = promisify(execFile);

async function pkgme(env: NodeJS.ProcessEnv, ...args: string[]): Promise<string> {
  const r = await exec(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    maxBuffer: 1 << 26,
  });
  return r.stdout;
}

test('pkgme depdb import --source imports a local apt repository into the store', async (t) => {
  if (!requireTools(t, ['apt-ftparchive'], 'apt-utils')) return;
  const repo = await makeTestRepo(realDebs());
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-aptcli-'));
  const env = { XDG_CACHE_HOME: join(dir, 'cache') };
  try {
    const line = `deb [arch=amd64 signed-by=${repo.keyringFile}] ${repo.uri} ${SUITE} main`;
    const db = join(dir, 'db');
    const first = JSON.parse(await pkgme(env, 'depdb', 'import', '--source', line, '--db', db, '--json'));
    assert.equal(first.imports.length, 1);
    assert.deepEqual(first.imports[0].key, { release: SUITE, arch: 'amd64' });
    assert.equal(first.imports[0].packages, 6);
    assert.equal(first.imports[0].written, 6);
    const releases = JSON.parse(await pkgme(env, 'depdb', 'releases', '--db', db, '--json'));
    const rel = JSON.stringify(releases);
    assert.match(rel, new RegExp(SUITE));
    assert.match(rel, /Contents-amd64\.gz/);
    const again = JSON.parse(await pkgme(env, 'depdb', 'import', '--source', line, '--db', db, '--json'));
    assert.equal(again.imports[0].written, 0);
    assert.equal(again.imports[0].packages, 6);
    console.log(
      `cli: ${first.imports[0].written} packages written, then ${again.imports[0].written} on re-import`,
    );
  } finally {
    await repo.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an import killed (SIGKILL) halfway resumes: the next run fetches only what was not stored', async (t) => {
  if (!requireTools(t, ['apt-ftparchive'], 'apt-utils')) return;
  const repo = await makeTestRepo(realDebs());
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-aptkill-'));
  const env = { XDG_CACHE_HOME: join(dir, 'cache'), PKGME_DEPDB_BATCH: '1' };
  const debsAsked = () => new Set(repo.log.filter((l) => l.includes('/pool/')).map((l) => l.split(' ')[1]));
  try {
    const line = `deb [arch=amd64 signed-by=${repo.keyringFile}] ${repo.uri} ${SUITE} main`;
    const db = join(dir, 'db');
    const args = ['depdb', 'import', '--source', line, '--db', db, '--concurrency', '1', '--json'];
    repo.debDelayMs = 300;
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    // Kill it once the fourth .deb is asked for: about three packages are stored by then.
    while (debsAsked().size < 4) {
      if (child.exitCode !== null) assert.fail('the import finished before it could be killed');
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    assert.equal(await exited, null);
    const before = debsAsked();
    repo.debDelayMs = 0;
    repo.log.length = 0;
    const resumed = JSON.parse(await pkgme(env, ...args)).imports[0];
    const after = debsAsked();
    assert.equal(resumed.packages, 6);
    assert.equal(resumed.resumed, true);
    assert.ok(after.size < 6, `the resumed run fetched ${after.size} of 6 .debs`);
    assert.ok(after.size + before.size >= 6);
    assert.equal(resumed.written, after.size);
    console.log(
      `killed after ${before.size} .debs asked; the resumed run fetched ${after.size} and wrote ${resumed.written}, release has ${resumed.packages}`,
    );
  } finally {
    await repo.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
