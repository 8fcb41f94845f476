/**
 * Runs the real `pkgme` CLI (the TypeScript source through tsx) in a child process, as a user would: CLI tests check
 * exit codes and printed output, which an in-process call would not exercise.
 */
import { spawnSync } from 'node:child_process';
import { repoRoot } from './env.ts';

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function pkgme(...args: string[]): CliResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Like pkgme(), but throws with stderr unless the command exits 0; returns stdout. */
export function pkgmeOk(...args: string[]): string {
  const r = pkgme(...args);
  if (r.status !== 0) throw new Error(`pkgme ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}
