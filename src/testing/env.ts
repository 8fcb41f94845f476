/**
 * Test-environment helpers: which oracle tools exist, where caches live.
 *
 * Rule from DESIGN.md §7: a test that needs a tool the machine lacks may skip on a laptop, with a printed reason,
 * but in CI (CI=true) a missing tool is a failure, never a silent skip.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const inCI = process.env.CI === 'true' || process.env.CI === '1';

/** A per-checkout cache for things that are slow to make (downloaded .debs, compiled fixtures). Git-ignored. */
export function cacheDir(...parts: string[]): string {
  const dir = join(repoRoot, '.cache', ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
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
  const reason = `missing ${missing.join(', ')} (apt-get install ${pkg})`;
  if (inCI) throw new Error(`CI must have every oracle tool: ${reason}`);
  t.skip(reason);
  return false;
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
