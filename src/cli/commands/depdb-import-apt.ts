/**
 * The apt-repository entry of `pkgme depdb import`: `--source "deb [arch=amd64] URI suite comp…"` (repeatable), or
 * `--source` alone for the machine's own apt sources (/etc/apt/sources.list and sources.list.d, both formats).
 * Added to the IMPORTERS registry of depdb-import.ts.
 */
import { Option, type Command } from 'commander';
import { PkgmeError } from '../../errors.ts';
import { aptImporter, type AptImporterOptions } from '../../depdb/import/apt/importer.ts';
import type { Importer } from '../../depdb/store/importer.ts';
import type { ImportCommandEntry, ImportCommandOptions } from './depdb-import.ts';

export const aptEntry: ImportCommandEntry = {
  selectedBy: 'source',
  declare: (cmd: Command) => {
    cmd.option(
      '--source [lines...]',
      'an apt repository: "deb [arch=amd64 signed-by=KEYRING] URI suite component…" (repeatable); alone: the machine\'s apt sources',
    );
    cmd.addOption(
      new Option(
        '--contents <policy>',
        'when Contents is out of step with InRelease: fail, or skip it',
      ).choices(['fail', 'skip']),
    );
    cmd.option('--concurrency <n>', 'control members fetched at once (apt sources)', '16');
  },
  importer: aptImporter as Importer<never>,
  options: (o: ImportCommandOptions): AptImporterOptions => {
    const n = Number(o.concurrency ?? 16);
    if (!Number.isInteger(n) || n < 1 || n > 256) {
      throw new PkgmeError(
        'APT_USAGE',
        `--concurrency ${String(o.concurrency)}: not a number from 1 to 256`,
        'usage',
        {
          hint: 'e.g. --concurrency 16',
        },
      );
    }
    return {
      ...(Array.isArray(o.source) ? { sources: o.source as string[] } : {}),
      ...(o.contents ? { contents: o.contents as 'fail' | 'skip' } : {}),
      concurrency: n,
    };
  },
};
