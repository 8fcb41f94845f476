/**
 * Running the checkers (lintian, desktop-file-validate, appstreamcli, debootstrap, chroot …) asynchronously, so a
 * 20-second lintian run does not block the event loop of the service that calls `checkPackage`. Each run has a
 * time limit and an output cap: the tools read untrusted packages, and a pathological one must not hang or flood
 * the caller. A missing tool is an environment error naming the Debian package to install.
 */
import { spawn } from 'node:child_process';
import { PkgmeError } from '../../errors.ts';

export interface ToolRun {
  /** Exit status; null when killed by a signal (the time limit). */
  status: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

export interface ToolOptions {
  /** Debian package that provides the command, named in the "not installed" error. */
  pkg: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  input?: string;
}

/** Output beyond this is dropped (a tool that writes more is broken or attacked; its verdict is its exit code). */
const MAX_OUTPUT = 16 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 10 * 60_000;

function collector(): { push: (b: Buffer) => void; text: () => string } {
  const parts: Buffer[] = [];
  let size = 0;
  return {
    push(b) {
      if (size >= MAX_OUTPUT) return;
      parts.push(b.subarray(0, MAX_OUTPUT - size));
      size += b.length;
    },
    text: () => Buffer.concat(parts).toString('utf8'),
  };
}

/** Runs `cmd args…` to completion; never throws for a non-zero exit (the caller reads `status`). */
export function runTool(cmd: string, args: string[], opts: ToolOptions): Promise<ToolRun> {
  const start = performance.now();
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out = collector();
    const err = collector();
    child.stdout?.on('data', out.push);
    child.stderr?.on('data', err.push);
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (e.code === 'ENOENT') {
        reject(
          new PkgmeError('CHECK_TOOL_MISSING', `${cmd} is not installed`, 'environment', {
            hint: `apt-get install ${opts.pkg} (npm run setup installs every checker)`,
            details: { command: cmd, package: opts.pkg },
          }),
        );
      } else reject(e);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      const run = {
        status,
        stdout: out.text(),
        stderr: err.text(),
        seconds: (performance.now() - start) / 1000,
      };
      if (timedOut) {
        reject(
          new PkgmeError(
            'CHECK_TOOL_TIMEOUT',
            `${cmd} did not finish within ${Math.round(timeoutMs / 1000)} s`,
            'environment',
            {
              hint: 'The machine may be overloaded, or the package makes the tool loop; try again, then report it.',
              details: { command: cmd, args, stderr: run.stderr.slice(-2000) },
            },
          ),
        );
      } else resolve(run);
    });
  });
}

/** A tool that failed in a way that is not a verdict (crash, bad usage): an environment error with its stderr. */
export function toolFailed(cmd: string, run: ToolRun, pkg: string): PkgmeError {
  const tail = run.stderr.trim().split('\n').slice(-5).join('\n');
  return new PkgmeError('CHECK_TOOL_FAILED', `${cmd} failed (exit ${run.status}): ${tail}`, 'environment', {
    hint: `Run it by hand to see why; reinstall ${pkg} if it is broken.`,
    details: { command: cmd, status: run.status, stderr: run.stderr.slice(-4000) },
  });
}
