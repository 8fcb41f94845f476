/** `pkgme depdb releases [--db PATH|URL] [--json]`: the (release, arch) pairs imported, with where they came from. */
import type { Command } from 'commander';
import { withStore } from '../../depdb/store/open.ts';

export function register(depdb: Command): void {
  depdb
    .command('releases')
    .description('List the imported releases and architectures, with their origins')
    .option(
      '--db <path|url>',
      'PGlite directory or postgres:// URL (default: $DATABASE_URL, else the data directory)',
    )
    .option('--json', 'print as JSON')
    .action(async (o: { db?: string; json?: boolean }) => {
      const rels = await withStore(o.db, (s) => s.releases());
      if (o.json) {
        process.stdout.write(JSON.stringify({ releases: rels }, null, 2) + '\n');
        return;
      }
      if (rels.length === 0) {
        process.stdout.write('no release imported yet (pkgme depdb import --local)\n');
        return;
      }
      const lines = rels.map(
        (r) =>
          `${r.release}/${r.arch}: ${r.packages} packages from ${r.origin.kind} ${r.origin.location}, imported ${r.origin.importedAt}` +
          (r.origin.date ? `, index date ${r.origin.date}` : '') +
          (r.partial ? ' (a newer import was interrupted; run it again to finish)' : ''),
      );
      process.stdout.write(lines.join('\n') + '\n');
    });
}
