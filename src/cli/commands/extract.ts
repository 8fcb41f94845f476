/**
 * `pkgme extract ARCHIVE DIR`: safely unpack an upload (tar in any compression, or zip) into a new directory, with the
 * same limits and rules the service applies to submissions (src/upload). Prints a summary, or the manifest with
 * --json; a rejected upload exits 1 with the reason (and leaves DIR absent or empty).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { extractUpload, type UploadLimits } from '../../upload/extract.ts';
import { DEFAULT_LIMITS } from '../../upload/limits.ts';

function count(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) {
    throw new InvalidArgumentError('expected a positive integer');
  }
  return n;
}

interface ExtractOptions {
  maxEntries?: number;
  maxBytes?: number;
  maxFileBytes?: number;
  maxRatio?: number;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('extract')
    .description('Safely extract an upload (.tar, .tar.gz/.xz/.bz2/.zst, .zip) into a new or empty directory')
    .argument('<archive>')
    .argument('<dir>')
    .option('--max-entries <n>', `most members (default ${DEFAULT_LIMITS.maxEntries})`, count)
    .option(
      '--max-bytes <n>',
      `most bytes unpacked in total (default ${DEFAULT_LIMITS.maxTotalBytes})`,
      count,
    )
    .option('--max-file-bytes <n>', `most bytes in one file (default ${DEFAULT_LIMITS.maxFileBytes})`, count)
    .option(
      '--max-ratio <n>',
      `highest unpacked/compressed ratio (default ${DEFAULT_LIMITS.maxRatio})`,
      count,
    )
    .option('--json', 'print the manifest as JSON')
    .action(async (archive: string, dir: string, opts: ExtractOptions) => {
      const limits: Partial<UploadLimits> = {
        maxEntries: opts.maxEntries,
        maxTotalBytes: opts.maxBytes,
        maxFileBytes: opts.maxFileBytes,
        maxRatio: opts.maxRatio,
      };
      const m = await extractUpload(archive, dir, limits);
      if (opts.json) {
        process.stdout.write(JSON.stringify(m, null, 2) + '\n');
        return;
      }
      const kind = m.format === 'zip' ? 'zip' : m.compression === 'none' ? 'tar' : `tar+${m.compression}`;
      process.stdout.write(
        `extracted ${m.entries.length} entries, ${m.totalBytes} bytes (${kind}) into ${dir}\n`,
      );
      for (const w of m.warnings) process.stderr.write(`warning: ${w.message}\n`);
    });
}
