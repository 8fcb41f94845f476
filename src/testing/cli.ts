/**
 * Runs the real `pkgme` CLI (the TypeScript source through tsx) in a child process, as a user would: CLI tests check
 * exit codes and printed output, which an in-process call would not exercise.
 */
import { spawn, spawnSync } from 'node:child_process';
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

/**
 * Like pkgme(), without blocking: for tests whose server under test lives in this process (its event loop must keep
 * running while the CLI talks to it). `status` is -1 when the child was killed by a signal.
 */
export function pkgmeAsync(...args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status: status ?? -1, stdout, stderr }));
  });
}
