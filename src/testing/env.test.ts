/**
 * The cache lock across real processes: several node processes race for one fixture, each logging when its build
 * (or locked section) starts and ends. Without the lock the sections overlap and the build runs more than once.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { builtFixture, cacheDir, cachedFixture, repoRoot, withCacheLock } from './env.ts';

const base = `env-lock-test-${process.pid}`;
after(() => rmSync(cacheDir(base), { recursive: true, force: true }));

const envUrl = pathToFileURL(join(repoRoot, 'src', 'testing', 'env.ts')).href;

/** Child body: `mode` is `fixture` (cachedFixture) or `lock` (withCacheLock); each section lasts `ms`. */
const CHILD = `
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const { cachedFixture, withCacheLock } = await import(process.env.ENV_URL);
const [mode, name, log, ms] = process.argv.slice(1);
const section = (dir) => {
  appendFileSync(log, 'start ' + process.pid + '\\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(ms));
  if (dir !== undefined) writeFileSync(join(dir, 'payload'), 'built by ' + process.pid);
  appendFileSync(log, 'end ' + process.pid + '\\n');
};
if (mode === 'fixture') {
  const dir = cachedFixture(name, section);
  process.stdout.write(dir);
} else withCacheLock(name, () => section());
`;

function runChildren(n: number, mode: string, name: string, log: string, ms: number): Promise<string[]> {
  return Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<string>((resolve, reject) => {
          const p = spawn(
            process.execPath,
            ['--import', 'tsx', '--input-type=module', '-e', CHILD, mode, name, log, String(ms)],
            { env: { ...process.env, ENV_URL: envUrl }, stdio: ['ignore', 'pipe', 'inherit'] },
          );
          let out = '';
          p.stdout.on('data', (d: Buffer) => (out += d.toString()));
          p.on('error', reject);
          p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`child exited ${code}`))));
        }),
    ),
  );
}

/** The log as [event, pid] pairs; asserts every start is followed by its own end before anything else. */
function sections(log: string): number[] {
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  const pids: number[] = [];
  for (let i = 0; i < lines.length; i += 2) {
    const [s, pid] = lines[i]!.split(' ');
    assert.equal(s, 'start', `line ${i + 1} of the log: ${lines[i]}`);
    assert.equal(lines[i + 1], `end ${pid}`, `section of pid ${pid} overlapped: ${lines.join(' | ')}`);
    pids.push(Number(pid));
  }
  return pids;
}

test('cachedFixture: six racing processes build once, and all get the complete directory', async () => {
  const name = `${base}/fixture`;
  const log = join(cacheDir(base), 'fixture.log');
  writeFileSync(log, '');
  const dirs = await runChildren(6, 'fixture', name, log, 300);
  const builders = sections(log);
  console.log(`cachedFixture: 6 processes, ${builders.length} build(s)`);
  assert.equal(builders.length, 1, 'built exactly once');
  const dir = join(repoRoot, '.cache', name);
  assert.deepEqual(new Set(dirs), new Set([dir]));
  assert.equal(readFileSync(join(dir, 'payload'), 'utf8'), `built by ${builders[0]}`);
  // No private build directory is left behind, and the lock is released.
  assert.deepEqual(readdirSync(join(repoRoot, '.cache', base)).sort(), ['fixture', 'fixture.log']);
  assert.equal(builtFixture(name), dir);
});

test('withCacheLock: sections of six processes never overlap', async () => {
  const name = `${base}/sections`;
  const log = join(cacheDir(base), 'sections.log');
  writeFileSync(log, '');
  await runChildren(6, 'lock', name, log, 150);
  const pids = sections(log);
  console.log(`withCacheLock: ${pids.length} sections of 6 processes, none overlapping`);
  assert.equal(new Set(pids).size, 6);
});

test('a lock left by a dead process is broken; a failed build publishes nothing and is retried', () => {
  const name = `${base}/stale`;
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  writeFileSync(join(cacheDir(base), 'stale.lock'), `${dead.stdout}\n`);
  const t0 = Date.now();
  assert.throws(
    () =>
      cachedFixture(name, (dir) => {
        writeFileSync(join(dir, 'half'), 'x');
        throw new Error('build failed');
      }),
    /build failed/,
  );
  assert.ok(Date.now() - t0 < 5000, 'the stale lock did not hold us up');
  assert.equal(existsSync(join(repoRoot, '.cache', name)), false, 'nothing published');
  assert.equal(builtFixture(name), undefined);
  let builds = 0;
  const dir = cachedFixture(name, (d) => {
    builds++;
    writeFileSync(join(d, 'ok'), 'y');
  });
  cachedFixture(name, () => builds++);
  assert.equal(builds, 1);
  assert.equal(readFileSync(join(dir, 'ok'), 'utf8'), 'y');
  // Re-entrant in one process: a fixture may call another that takes the same lock.
  assert.equal(
    withCacheLock(name, () => withCacheLock(name, () => 7)),
    7,
  );
  assert.equal(existsSync(join(repoRoot, '.cache', `${name}.lock`)), false, 'lock released');
});
