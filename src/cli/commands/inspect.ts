/**
 * `pkgme inspect UPLOAD [--which-backends] [--set f=v]… [--overrides FILE] [--release R]… [--db PATH|URL | --depdb URL]
 * [--json]`:
 * which backend takes the upload, what pkgme guesses about it (every field with its source and confidence) and its
 * Depends per release (docs/backends.md). The JSON document is the contract `{backend, backends, fields, releases,
 * problems}`, plus `plan`: the package `pkgme package` would make (name, version, Depends for the target release,
 * launchers…, and its own problems), or `planError` when it could not be planned. With --set/--overrides the fields
 * and the plan show the corrections (source "user"), read exactly as `pkgme package` reads them, so a user sees the
 * corrected plan before building. Without --db/--depdb/DATABASE_URL the default database is read only if it exists
 * (DEPDB_NO_DATABASE otherwise, src/cli/depdb-reader.ts); --which-backends needs none.
 */
import type { Command } from 'commander';
import type { DepDbReader } from '../../depdb/types.ts';
import { PkgmeError } from '../../errors.ts';
import { inspectOpened, inspectUpload, openUpload, type InspectResult } from '../../inspect/inspect.ts';
import { applyOverrides } from '../../packaging/overrides.ts';
import { planWithNames } from '../../packaging/pipeline.ts';
import type { Overrides, PackagePlan } from '../../packaging/types.ts';
import { declareReaderOptions, withReader, type ReaderOptions } from '../depdb-reader.ts';
import { declareOverrideOptions, readOverrides, type OverrideOptions } from '../overrides.ts';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function short(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  const line = s.split('\n')[0]!;
  return line.length > 70 || s.includes('\n') ? `${line.slice(0, 70)}…` : line;
}

/** The plan as inspect shows it: the decisions, without what the document already holds (fields, verdicts). */
export type PlanSummary = Omit<
  PackagePlan,
  'fields' | 'verdict' | 'fixedPlacements' | 'licenseText' | 'licenseTexts'
>;

export interface InspectOutput extends InspectResult {
  plan?: PlanSummary | null;
  planError?: ReturnType<PkgmeError['toJSON']>;
}

function summary(plan: PackagePlan): PlanSummary {
  const { fields: _f, verdict: _v, fixedPlacements: _p, licenseText: _l, licenseTexts: _t, ...rest } = plan;
  return rest;
}

/**
 * Inspects, then plans with the corrections. A planning error (no name, no dependency data…) is shown as
 * `planError`, not raised: inspect reports what it found even when the upload cannot be packaged yet.
 */
async function inspectAndPlan(
  path: string,
  opts: { releases: string[]; store: DepDbReader; overrides: Overrides },
): Promise<InspectOutput> {
  const { upload, cleanup } = await openUpload(path);
  try {
    const result: InspectOutput = await inspectOpened(upload, { releases: opts.releases, store: opts.store });
    if (result.backend === null) return result;
    try {
      const release = opts.releases.length === 1 ? opts.releases[0] : undefined;
      // Planned as `pkgme package` plans (Debian's names included), so the plan shown is the one it would make.
      result.plan = summary(
        await planWithNames(upload, result, {
          overrides: opts.overrides,
          ...(release ? { release } : {}),
          store: opts.store,
        }),
      );
    } catch (err) {
      if (!(err instanceof PkgmeError)) throw err;
      result.plan = null;
      result.planError = err.toJSON();
    }
    result.fields = applyOverrides(result.fields, opts.overrides);
    return result;
  } finally {
    cleanup();
  }
}

function text(r: InspectOutput): string {
  const out: string[] = [];
  if (r.backend !== null) out.push(`backend: ${r.backend}`);
  for (const b of r.backends) out.push(`  ${b.name}: score ${b.score} (${b.reason})`);
  for (const [name, g] of Object.entries(r.fields))
    out.push(`${name}: ${short(g.value)}  [${g.source}, ${g.confidence}]`);
  for (const [release, v] of Object.entries(r.releases))
    for (const [arch, a] of Object.entries(v.architectures))
      out.push(`${release} [${arch}] Depends: ${a.depends || '(none)'}`);
  for (const p of r.problems) out.push(`${p.severity}: ${p.code}: ${p.message}`);
  if (r.plan)
    out.push(
      `plan: ${r.plan.package} ${r.plan.version} (${r.plan.architecture}, ${r.plan.release}), section ${r.plan.section}`,
      `plan Depends: ${r.plan.depends || '(none)'}`,
      ...r.plan.problems.map((p) => `plan ${p.severity}: ${p.code}: ${p.message}`),
    );
  if (r.planError) out.push(`plan: cannot be made: ${r.planError.code}: ${r.planError.message}`);
  return out.join('\n') + '\n';
}

export function register(program: Command): void {
  declareReaderOptions(
    declareOverrideOptions(program.command('inspect'))
      .description('Guess what an upload is: backend, fields with provenance, Depends per release')
      .argument('<upload>', 'a tarball, zip file, directory or .deb')
      .option('--which-backends', 'only list every backend with its score and reason')
      .option(
        '--release <release>',
        'release to resolve against (repeatable; default: every imported)',
        collect,
        [],
      ),
  )
    .option('--json', 'print the result as JSON')
    .action(
      async (
        upload: string,
        o: OverrideOptions & ReaderOptions & { whichBackends?: boolean; release: string[]; json?: boolean },
      ) => {
        const overrides = readOverrides(o);
        const base = { releases: o.release, whichBackends: o.whichBackends === true };
        const result = o.whichBackends
          ? await inspectUpload(upload, base)
          : await withReader(o, (store) => inspectAndPlan(upload, { releases: o.release, store, overrides }));
        process.stdout.write(o.json ? JSON.stringify(result, null, 2) + '\n' : text(result));
      },
    );
}
