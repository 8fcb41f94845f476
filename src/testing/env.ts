/**
 * Test-environment helpers: which oracle tools exist, where caches live.
 *
 * Rule from DESIGN.md §7: a test that needs a tool the machine lacks may skip on a laptop, with a printed reason,
 * but in CI (CI=true) a missing tool is a failure, never a silent skip.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { processAlive } from '../util/process-alive.ts';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const inCI = process.env.CI === 'true' || process.env.CI === '1';

/** A per-checkout cache for things that are slow to make (downloaded .debs, compiled fixtures). Git-ignored. */
export function cacheDir(...parts: string[]): string {
  const dir = join(repoRoot, '.cache', ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Cross-process locks on the cache. `npm test` runs several test files at once, each in its own node process, and
 * many of them build the same fixture lazily (check, then build). Without a lock two processes build it together
 * (two `apt-get update` on one lists dir: apt's own lock makes the second fail) or one reads what the other has
 * half written. Fixture code is synchronous (execFileSync), so the lock is too: an O_EXCL lock file holding the
 * owner's pid, polled with a synchronous sleep. A lock whose owner is dead is stale and is broken.
 */
const LOCK_POLL_MS = 100;
/** A builder that crashed leaves a dead pid, which is detected at once; this bounds a live but stuck one. */
const LOCK_TIMEOUT_MS = Number(process.env.PKGME_CACHE_LOCK_TIMEOUT_MS ?? 15 * 60_000);
/** A lock file younger than this may still be empty (created, pid not yet written): not stale yet. */
const LOCK_GRACE_MS = 10_000;
/** Locks this process holds, with their depth, so a fixture may nest a call that takes the same lock. */
const held = new Map<string, number>();

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** The pid recorded in a lock file; undefined while it is still being written (or gone). */
function lockOwner(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function tryCreate(file: string): boolean {
  try {
    writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/**
 * Removes `file` if its owner is dead. Two waiters may both see the same dead owner; if both unlinked, the slower
 * one could remove the lock the faster one has just taken. So breaking is itself serialised by a `.break` lock
 * (held for milliseconds; one older than the grace period is left over from a crash and removed), and the owner is
 * re-read under it.
 */
function breakIfStale(file: string): void {
  const pid = lockOwner(file);
  const stale = pid === undefined ? ageMs(file) > LOCK_GRACE_MS : !processAlive(pid);
  if (!stale) return;
  const breaker = `${file}.break`;
  if (!tryCreate(breaker)) {
    if (ageMs(breaker) > LOCK_GRACE_MS) rmSync(breaker, { force: true });
    return;
  }
  try {
    if (lockOwner(file) === pid && (pid !== undefined || ageMs(file) > LOCK_GRACE_MS))
      rmSync(file, { force: true });
  } finally {
    rmSync(breaker, { force: true });
  }
}

/**
 * Runs `fn` while holding the exclusive cache lock `name` (a file `.cache/<name>.lock`), waiting for another
 * process that holds it. For fixtures that add files to a cache directory bit by bit (downloads of what is
 * missing): check and add under the lock, so no two processes add the same file and none sees a partial one.
 */
export function withCacheLock<T>(name: string, fn: () => T): T {
  const file = join(repoRoot, '.cache', `${name}.lock`);
  const depth = held.get(file) ?? 0;
  if (depth === 0) {
    mkdirSync(dirname(file), { recursive: true });
    const start = Date.now();
    while (!tryCreate(file)) {
      breakIfStale(file);
      if (Date.now() - start > LOCK_TIMEOUT_MS) {
        throw new Error(
          `cache lock ${file} still held by pid ${lockOwner(file) ?? '?'} after ${Math.round(LOCK_TIMEOUT_MS / 1000)} s; ` +
            'if no test run is building that fixture, delete the lock file',
        );
      }
      sleepSync(LOCK_POLL_MS);
    }
  }
  held.set(file, depth + 1);
  try {
    return fn();
  } finally {
    if (depth === 0) {
      held.delete(file);
      unlinkSync(file);
    } else held.set(file, depth);
  }
}

/** Marks a fixture directory as complete; written last, inside the private build directory, before the rename. */
const COMPLETE = '.complete';

function isComplete(dir: string, version: string): boolean {
  try {
    return readFileSync(join(dir, COMPLETE), 'utf8') === version;
  } catch {
    return false;
  }
}

/**
 * Returns `.cache/<name>`, built exactly once across processes: under the lock `name`, `build` fills a private
 * sibling directory, which gets a `.complete` marker and is renamed into place, so a reader never sees a half-built
 * fixture and a failed build leaves nothing behind (the next caller builds again). `version` is stored in the
 * marker: change it when the build changes and cached copies are rebuilt.
 */
export function cachedFixture(
  name: string,
  build: (dir: string) => void,
  opts: { version?: string } = {},
): string {
  const version = opts.version ?? '1';
  const dir = join(repoRoot, '.cache', name);
  if (isComplete(dir, version)) return dir;
  return withCacheLock(name, () => {
    if (isComplete(dir, version)) return dir;
    const parent = dirname(dir);
    mkdirSync(parent, { recursive: true });
    // Left by a builder that died (we hold the lock, so no live one is using them).
    const prefix = `${basename(dir)}.tmp-`;
    for (const f of readdirSync(parent))
      if (f.startsWith(prefix)) rmSync(join(parent, f), { recursive: true, force: true });
    const tmp = join(parent, `${prefix}${process.pid}`);
    mkdirSync(tmp);
    try {
      build(tmp);
      writeFileSync(join(tmp, COMPLETE), version);
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    return dir;
  });
}

/**
 * `.cache/<name>` if some test has already built it with `cachedFixture` (waiting for a build in progress), else
 * undefined. For fuzz targets that add real seeds when an oracle test has fetched them, without fetching themselves.
 */
export function builtFixture(name: string, opts: { version?: string } = {}): string | undefined {
  const dir = join(repoRoot, '.cache', name);
  const version = opts.version ?? '1';
  return withCacheLock(name, () => (isComplete(dir, version) ? dir : undefined));
}

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${JSON.stringify(cmd)}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Returns true when every command exists. Otherwise skips the test with the reason (laptop) or throws (CI).
 * `pkg` names the Debian package that provides the tools, for the message.
 */
export function requireTools(t: TestContext, cmds: string[], pkg: string): boolean {
  const missing = cmds.filter((c) => !hasCommand(c));
  if (missing.length === 0) return true;
  unavailable(t, `missing ${missing.join(', ')} (apt-get install ${pkg})`);
  return false;
}

/**
 * The one place a test gives up for want of something the machine lacks (a tool, a key file, a database server):
 * on a laptop it skips with the reason; in CI it throws, since CI must have everything.
 */
export function unavailable(t: TestContext, reason: string): void {
  if (inCI) throw new Error(`CI must have everything the tests use: ${reason}`);
  t.skip(reason);
}

/** Runs a command and returns stdout; throws with stderr on failure. */
export function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; input?: string | Buffer } = {},
): string {
  return execFileSync(cmd, args, {
    cwd: opts.cwd,
    input: opts.input,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}
