/**
 * Test-only: the compression tools used as oracles by this directory's tests, and a way to require them all.
 * (Not a *.test.ts file, so the runner does not run it; nothing outside tests imports it.)
 */
import { execFileSync } from 'node:child_process';
import type { TestContext } from 'node:test';
import { requireTools } from '../../testing/env.ts';
import type { CompressionFormat } from './detect.ts';

export const TOOLS: ReadonlyArray<{ format: Exclude<CompressionFormat, 'none'>; cmd: string }> = [
  { format: 'gzip', cmd: 'gzip' },
  { format: 'xz', cmd: 'xz' },
  { format: 'bzip2', cmd: 'bzip2' },
  { format: 'zstd', cmd: 'zstd' },
  { format: 'lz4', cmd: 'lz4' },
];

/** True when gzip, xz, bzip2, zstd and lz4 are all there (else skips the test, or fails it in CI). */
export function requireCompressionTools(t: TestContext): boolean {
  return requireTools(
    t,
    TOOLS.map((x) => x.cmd),
    'gzip xz-utils bzip2 zstd lz4',
  );
}

/** Compresses with the real tool (`cmd -c -q extra…`). */
export function toolCompress(cmd: string, input: Buffer, extra: string[] = []): Buffer {
  return execFileSync(cmd, ['-c', '-q', ...extra], { input, maxBuffer: 1 << 30 });
}
