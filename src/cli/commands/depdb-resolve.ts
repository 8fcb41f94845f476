/**
 * `pkgme depdb resolve FILES|DIR… [--release R]… [--arch A] [--db PATH|URL] [--json]`: the Depends of an upload's
 * ELF files for each release, with the reason for every dependency (src/depdb/resolve, docs/resolver.md). The JSON
 * document is the stable contract `{releases: {<release>: {depends, dependencies, bundled, unresolved, …}}}`.
 */
import type { Command } from 'commander';
import { resolveRemote } from '../../depdb/http/client.ts';
import { withReader } from '../depdb-reader.ts';
import { readUpload, resolveFiles, type ResolveResult } from '../../depdb/resolve/index.ts';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function text(r: ResolveResult): string {
  const out: string[] = [];
  for (const [release, v] of Object.entries(r.releases)) {
    out.push(`${release}: ${v.satisfiable ? 'satisfiable' : 'NOT satisfiable'}`);
    for (const [arch, a] of Object.entries(v.architectures)) {
      out.push(`  [${arch}] Depends: ${a.depends || '(none)'}`);
      for (const d of a.dependencies) {
        out.push(`    ${d.relation}${d.unversioned ? '  (unversioned: contents only)' : ''}`);
        for (const reason of d.reasons) out.push(`      ${reason.text}`);
      }
      for (const b of a.bundled)
        out.push(`    bundled: ${b.soname} → ${b.path} (${b.via}; needed by ${b.neededBy.join(', ')})`);
      for (const u of a.unresolved) {
        const s = u.suggestions.map((x) =>
          x.kind === 'similar'
            ? `${x.soname} (${x.packages.join(', ')})`
            : `${x.release}/${x.arch}: ${x.packages.join(', ')}`,
        );
        out.push(
          `    UNRESOLVED ${u.soname} (needed by ${u.neededBy.join(', ')})${s.length ? `; try ${s.join('; ')}` : ''}`,
        );
      }
    }
    for (const w of v.why) out.push(`  why: ${w}`);
  }
  for (const s of r.skipped) out.push(`skipped ${s.path}: ${s.reason}`);
  return out.join('\n') + '\n';
}

export function register(depdb: Command): void {
  depdb
    .command('resolve')
    .description(
      'Compute the Depends of ELF files (or a directory of them) for one or more releases, with reasons',
    )
    .argument('<paths...>', 'ELF files, or directories walked for ELF files (the upload)')
    .option(
      '--release <release>',
      'release to resolve against (repeatable; default: every imported release)',
      collect,
      [],
    )
    .option('--arch <arch>', 'only resolve the ELF files of this Debian architecture')
    .option(
      '--db <path|url>',
      'PGlite directory or postgres:// URL (default: $DATABASE_URL, else the data directory’s, if it exists)',
    )
    .option('--depdb <url>', 'resolve on a `pkgme depdb serve` server (the ELF files are read here)')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        paths: string[],
        o: { release: string[]; arch?: string; db?: string; depdb?: string; json?: boolean },
      ) => {
        const ropts = { releases: o.release, ...(o.arch ? { arch: o.arch } : {}) };
        const result = o.depdb
          ? await resolveRemote(o.depdb, readUpload(paths), ropts)
          : // The same local database rules as package|build|inspect: --db must not be an HTTP URL (it would
            // become a directory named "http:"), and the default database is read only if it exists.
            await withReader(o.db !== undefined ? { db: o.db } : {}, (reader) =>
              resolveFiles(reader, paths, ropts),
            );
        process.stdout.write(o.json ? JSON.stringify(result, null, 2) + '\n' : text(result));
      },
    );
}
