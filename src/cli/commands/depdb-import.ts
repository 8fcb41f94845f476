/**
 * `pkgme depdb import (--local | --deb FILE…) [--release R] [--arch A] [--db PATH|URL] [--json]`.
 *
 * Extensible: each importer is one module exporting an Importer (src/depdb/store/importer.ts), and one
 * ImportCommandEntry (below, or in its own src/cli/commands/depdb-import-<name>.ts) declares its options and maps
 * the command's options to the importer's. To add one: one import and one item in IMPORTERS.
 */
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { PkgmeError } from '../../errors.ts';
import { debImporter } from '../../depdb/import/debs.ts';
import { localImporter } from '../../depdb/import/local-dpkg.ts';
import type { ImportContext, ImportProgress, ImportResult, Importer } from '../../depdb/store/importer.ts';
import { withStore } from '../../depdb/store/open.ts';
import { aptEntry } from './depdb-import-apt.ts';

export interface ImportCommandOptions {
  local?: boolean;
  deb?: string[];
  release?: string;
  arch?: string;
  db?: string;
  json?: boolean;
  [option: string]: unknown;
}

export interface ImportCommandEntry {
  /** The option that selects this importer (the flag's camelCase name: `local`, `deb`, `source`…). */
  selectedBy: string;
  /** Declares the importer's options on `pkgme depdb import` (the selecting flag among them). */
  declare(cmd: Command): void;
  importer: Importer<never>;
  /** The importer's own options, from the command's. */
  options(o: ImportCommandOptions): unknown;
}

const localEntry: ImportCommandEntry = {
  selectedBy: 'local',
  declare: (cmd) => cmd.option('--local', "the machine's dpkg database (/var/lib/dpkg)"),
  importer: localImporter as Importer<never>,
  options: () => ({}),
};

const debEntry: ImportCommandEntry = {
  selectedBy: 'deb',
  declare: (cmd) => cmd.option('--deb <files...>', '.deb files, or directories of them'),
  importer: debImporter as Importer<never>,
  options: (o) => ({ paths: o.deb ?? [] }),
};

export const IMPORTERS: ImportCommandEntry[] = [localEntry, debEntry, aptEntry];

function pick(o: ImportCommandOptions): ImportCommandEntry {
  const chosen = IMPORTERS.filter((e) => o[e.selectedBy] !== undefined && o[e.selectedBy] !== false);
  if (chosen.length !== 1) {
    const flags = IMPORTERS.map((e) => `--${e.selectedBy.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`);
    throw new PkgmeError('DEPDB_IMPORT_SOURCE', `give exactly one of ${flags.join(', ')}`, 'usage', {
      hint: `e.g. pkgme depdb import --local, or pkgme depdb import --deb DIR --release bookworm`,
      details: { chosen: chosen.map((e) => e.selectedBy) },
    });
  }
  return chosen[0]!;
}

/** A bar on a TTY (not with --json), plain lines otherwise (at most one per 10 %, for logs). */
function progressReporter(json: boolean): { onProgress: (p: ImportProgress) => void; stop: () => void } {
  if (process.stderr.isTTY && !json) {
    let bar: SingleBar | undefined;
    let label = '';
    return {
      onProgress: (p) => {
        const l = `${p.key.release}/${p.key.arch}`;
        if (l !== label) {
          bar?.stop();
          label = l;
          bar = new SingleBar(
            { format: `${l} ${p.phase} [{bar}] {value}/{total}`, stream: process.stderr },
            Presets.shades_classic,
          );
          bar.start(p.total, p.done);
        } else bar?.update(p.done);
      },
      stop: () => bar?.stop(),
    };
  }
  let last = -1;
  return {
    onProgress: (p) => {
      const decile = p.total === 0 ? 10 : Math.floor((p.done * 10) / p.total);
      if (decile === last && p.done !== p.total) return;
      last = decile;
      process.stderr.write(`${p.key.release}/${p.key.arch} ${p.phase} ${p.done}/${p.total}\n`);
    },
    stop: () => {},
  };
}

function summary(r: ImportResult): string {
  return (
    `${r.key.release}/${r.key.arch}: ${r.packages} packages (${r.written} imported, ${r.skipped} unchanged, ` +
    `${r.removed} removed)${r.resumed ? ', resumed an interrupted import' : ''} in ${r.seconds.toFixed(1)} s`
  );
}

export async function runImport(o: ImportCommandOptions): Promise<ImportResult[]> {
  const entry = pick(o);
  const progress = progressReporter(Boolean(o.json));
  const batch = Number(process.env.PKGME_DEPDB_BATCH ?? '') || undefined;
  try {
    return await withStore(o.db, (store) => {
      const ctx: ImportContext = {
        store,
        onProgress: progress.onProgress,
        ...(o.release ? { release: o.release } : {}),
        ...(o.arch ? { arch: o.arch } : {}),
        ...(batch ? { batchSize: batch } : {}),
      };
      return entry.importer.run(entry.options(o) as never, ctx);
    });
  } finally {
    progress.stop();
  }
}

export function register(depdb: Command): void {
  const cmd = depdb
    .command('import')
    .description('Import library metadata (packages, library files, shlibs, symbols) for a release');
  // Each importer declares its own options (the flag that selects it among them).
  for (const e of IMPORTERS) e.declare(cmd);
  cmd
    .option(
      '--release <release>',
      'the release to import into (default: the source tells, e.g. the machine codename)',
    )
    .option('--arch <arch>', 'import only this architecture')
    .option(
      '--db <path|url>',
      'PGlite directory or postgres:// URL (default: $DATABASE_URL, else the data directory)',
    )
    .option('--json', 'print the result as JSON')
    .action(async (o: ImportCommandOptions) => {
      const results = await runImport(o);
      if (o.json) process.stdout.write(JSON.stringify({ imports: results }, null, 2) + '\n');
      else process.stdout.write(results.map(summary).join('\n') + '\n');
    });
}
