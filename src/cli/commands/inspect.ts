/**
 * `pkgme inspect UPLOAD [--which-backends] [--set f=v]… [--overrides FILE] [--release R]… [--db PATH|URL] [--json]`:
 * which backend takes the upload, what pkgme guesses about it (every field with its source and confidence) and its
 * Depends per release (docs/backends.md). The JSON document is the contract `{backend, backends, fields, releases,
 * problems}`. With --set/--overrides the corrected fields are shown (source "user"), exactly as `pkgme package`
 * reads them, so a user sees the corrections before building.
 */
import type { Command } from 'commander';
import { withStore } from '../../depdb/store/open.ts';
import { inspectUpload, type InspectResult } from '../../inspect/inspect.ts';
import { applyOverrides } from '../../packaging/overrides.ts';
import { declareOverrideOptions, readOverrides, type OverrideOptions } from '../overrides.ts';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function short(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  const line = s.split('\n')[0]!;
  return line.length > 70 || s.includes('\n') ? `${line.slice(0, 70)}…` : line;
}

function text(r: InspectResult): string {
  const out: string[] = [];
  if (r.backend !== null) out.push(`backend: ${r.backend}`);
  for (const b of r.backends) out.push(`  ${b.name}: score ${b.score} (${b.reason})`);
  for (const [name, g] of Object.entries(r.fields))
    out.push(`${name}: ${short(g.value)}  [${g.source}, ${g.confidence}]`);
  for (const [release, v] of Object.entries(r.releases))
    for (const [arch, a] of Object.entries(v.architectures))
      out.push(`${release} [${arch}] Depends: ${a.depends || '(none)'}`);
  for (const p of r.problems) out.push(`${p.severity}: ${p.code}: ${p.message}`);
  return out.join('\n') + '\n';
}

export function register(program: Command): void {
  declareOverrideOptions(program.command('inspect'))
    .description('Guess what an upload is: backend, fields with provenance, Depends per release')
    .argument('<upload>', 'a tarball, zip file, directory or .deb')
    .option('--which-backends', 'only list every backend with its score and reason')
    .option(
      '--release <release>',
      'release to resolve against (repeatable; default: every imported)',
      collect,
      [],
    )
    .option(
      '--db <path|url>',
      'PGlite directory or postgres:// URL (default: $DATABASE_URL, else the data directory)',
    )
    .option('--json', 'print the result as JSON')
    .action(
      async (
        upload: string,
        o: OverrideOptions & { whichBackends?: boolean; release: string[]; db?: string; json?: boolean },
      ) => {
        const overrides = readOverrides(o);
        const base = { releases: o.release, whichBackends: o.whichBackends === true };
        const result = o.whichBackends
          ? await inspectUpload(upload, base)
          : await withStore(o.db, (store) => inspectUpload(upload, { ...base, store }));
        if (result.backend !== null) result.fields = applyOverrides(result.fields, overrides);
        process.stdout.write(o.json ? JSON.stringify(result, null, 2) + '\n' : text(result));
      },
    );
}
