/**
 * Shared helpers for `npm run bench`. Machines here are shared and noisy, so every figure is a ratio: our code and
 * the reference tool run side by side, interleaved, in one process run, and we report medians.
 */
import { spawn } from 'node:child_process';

export interface Row {
  bench: string;
  ours: string;
  reference: string;
  ratio: string;
  goal: string;
  met?: boolean;
}

const rows: Row[] = [];

export function record(row: Row): void {
  rows.push(row);
  const met = row.met === undefined ? '' : row.met ? '  [goal met]' : '  [GOAL MISSED]';
  console.log(
    `  ${row.bench}: ours ${row.ours} | reference ${row.reference} | ${row.ratio} (goal: ${row.goal})${met}`,
  );
}

export function allRows(): Row[] {
  return rows;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Times an async function (ms). */
export async function timeIt(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export interface CmdResult {
  ms: number;
  /** Peak resident set size in KiB, from GNU time. */
  maxRssKiB: number;
  code: number;
  stdoutBytes: number;
  /** The last lines of stderr without GNU time's own line (why a command failed). */
  stderrTail: string;
}

/**
 * Runs a command under /usr/bin/time to get its wall time and peak RSS. stdout is counted, not kept, so huge
 * outputs (readelf over /usr/lib) don't distort the measurement with our own buffering.
 */
export function runMeasured(cmd: string, args: string[], opts: { cwd?: string } = {}): Promise<CmdResult> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%M', cmd, ...args], {
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdoutBytes = 0;
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdoutBytes += d.length));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      const lines = stderr.trim().split('\n');
      const maxRssKiB = Number(lines[lines.length - 1]);
      resolve({ ms, maxRssKiB, code: code ?? -1, stdoutBytes, stderrTail: lines.slice(-12, -1).join('\n') });
    });
  });
}

export function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

export function fmtMiB(kib: number): string {
  return `${(kib / 1024).toFixed(0)} MiB`;
}
