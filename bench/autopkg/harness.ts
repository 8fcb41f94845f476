/**
 * The auto-packaging rate (issue 4): every corpus member goes through packageUpload with NO overrides (source
 * package + .deb), then checkPackage with the install test. A member counts as auto-packaged only if all of these
 * hold: packaging succeeded with no correction, lintian found 0 errors and only allowed warnings (on the .deb and the
 * .dsc), desktop-file-validate and appstreamcli passed, and `apt-get install ./pkg.deb` in the release's chroot
 * succeeded with every installed ELF file's libraries found. Every failure keeps its class: the stage (package,
 * lintian, install…) and the error code or first error line, so the report says why, not only how many.
 *
 *   node --import tsx bench/autopkg/harness.ts [ID…]     (PKGME_AUTOPKG_LIMIT=N: the first N members)
 *   node --import tsx bench/autopkg/harness.ts --report  (the report of every member recorded so far)
 */
import {
  appendFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PkgmeError } from '../../src/errors.ts';
import { checkPackage, type CheckReport } from '../../src/packaging/check/index.ts';
import { packageUpload } from '../../src/packaging/pipeline.ts';
import type { DepDbStore } from '../../src/depdb/store/store.ts';
import { buildUploads, type Upload } from './fetch.ts';
import { MEMBERS, memberId, type Member } from './recipe.ts';
import { withCorpusStore } from './store.ts';

export const RELEASE = 'bookworm';

export interface MemberOutcome {
  id: string;
  kind: Member['kind'];
  traits: string[];
  sourceVersion: string;
  upload: string;
  ok: boolean;
  /** Where it failed: 'package' or a check's name (lintian, desktop-file-validate, appstreamcli, install). */
  stage?: string;
  /** The error code (packaging) or the check's first error line. */
  failure?: string;
  package?: string;
  version?: string;
  depends?: string;
  warnings: string[];
  checks?: Array<{ name: string; ok: boolean; errors: string[]; warnings: string[] }>;
  packageMs: number;
  checkMs: number;
}

function errorClass(err: unknown): string {
  if (err instanceof PkgmeError) return `${err.code}: ${err.message}`;
  return `internal: ${err instanceof Error ? err.message : String(err)}`;
}

/** Packages and checks one upload; `out` is a scratch directory (emptied first). */
export async function runMember(u: Upload, store: DepDbStore, out: string): Promise<MemberOutcome> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const base: MemberOutcome = {
    id: u.id,
    kind: u.member.kind,
    traits: u.member.traits,
    sourceVersion: u.sourceVersion,
    upload: u.path.slice(u.path.lastIndexOf('/') + 1),
    ok: false,
    warnings: [],
    packageMs: 0,
    checkMs: 0,
  };
  const t0 = performance.now();
  let result;
  try {
    result = await packageUpload(u.path, { out, build: true, store, release: RELEASE });
  } catch (err) {
    return { ...base, stage: 'package', failure: errorClass(err), packageMs: performance.now() - t0 };
  }
  const packageMs = performance.now() - t0;
  const { plan } = result;
  const facts = {
    ...base,
    package: plan.package,
    version: plan.version,
    depends: plan.depends,
    warnings: plan.problems.filter((p) => p.severity !== 'error').map((p) => p.code),
    packageMs,
  };
  const deb = result.files.find((f) => f.kind === 'deb')?.path;
  const dsc = result.files.find((f) => f.kind === 'dsc')?.path;
  const t1 = performance.now();
  let report: CheckReport;
  try {
    report = await checkPackage({
      ...(deb ? { deb } : {}),
      ...(dsc ? { dsc } : {}),
      install: true,
      release: RELEASE,
    });
  } catch (err) {
    return { ...facts, stage: 'check', failure: errorClass(err), checkMs: performance.now() - t1 };
  }
  const checkMs = performance.now() - t1;
  const checks = report.checks.map((c) => ({
    name: c.name,
    ok: c.ok,
    errors: c.errors,
    warnings: c.warnings,
  }));
  const failed = report.checks.find((c) => !c.ok);
  if (report.ok && deb && dsc) return { ...facts, ok: true, checks, checkMs };
  return {
    ...facts,
    checks,
    checkMs,
    stage: failed?.name ?? 'check',
    failure: failed?.errors[0] ?? (deb && dsc ? 'check not ok' : 'no .deb or .dsc written'),
  };
}

/** The members selected by ids (or PKGME_AUTOPKG_LIMIT, the first N), in recipe order. */
export function selectMembers(
  ids: string[] = [],
  limit = Number(process.env.PKGME_AUTOPKG_LIMIT ?? 0),
): Member[] {
  let ms = ids.length ? MEMBERS.filter((m) => ids.includes(memberId(m))) : MEMBERS;
  if (limit > 0) ms = ms.slice(0, limit);
  return ms;
}

export interface CorpusResult {
  outcomes: MemberOutcome[];
  /** Share auto-packaged (0..1). */
  rate: number;
}

export async function runAutopkg(
  members: Member[],
  onMember?: (o: MemberOutcome) => void,
): Promise<CorpusResult> {
  const uploads = buildUploads(members);
  const work = join(import.meta.dirname, '..', '.work', 'autopkg');
  const outcomes: MemberOutcome[] = [];
  mkdirSync(work, { recursive: true });
  await withCorpusStore(async (store) => {
    for (const u of uploads) {
      const o = await runMember(u, store, join(work, `out-${process.pid}`));
      outcomes.push(o);
      // One line per member as it finishes: a long run that is stopped keeps what it measured.
      appendFileSync(join(work, `progress-${process.pid}.jsonl`), JSON.stringify(o) + '\n');
      onMember?.(o);
    }
  });
  rmSync(join(work, `out-${process.pid}`), { recursive: true, force: true });
  const rate = outcomes.length ? outcomes.filter((o) => o.ok).length / outcomes.length : 0;
  return { outcomes, rate };
}

const s = (ms: number): string => (ms / 1000).toFixed(1);

export function outcomeLine(o: MemberOutcome): string {
  const what = o.ok ? 'ok' : `FAIL ${o.stage}: ${(o.failure ?? '').split('\n')[0]!.slice(0, 160)}`;
  return `${o.id} (${o.kind}, ${o.sourceVersion}): ${what} [package ${s(o.packageMs)} s, check ${s(o.checkMs)} s]`;
}

/** A failure's class: the stage and the tag or code (`lintian: E statically-linked-binary`, `package: X_CODE`). */
function classOf(stage: string, line: string): string {
  const tag = /^([EW]): [^:]+: (\S+)/.exec(line) ?? /(?:^|: )([EW]): [^:]+:[^:]*: (\S+)/.exec(line);
  if (tag) return `${stage}: ${tag[1]} ${tag[2]}`;
  return `${stage}: ${line.split(/[:\n]/)[0]!.trim().slice(0, 60)}`;
}

/** Every distinct failure class of a member. */
export function failureClasses(o: MemberOutcome): string[] {
  if (o.ok) return [];
  const failed = (o.checks ?? []).filter((c) => !c.ok);
  if (!failed.length) return [classOf(o.stage ?? 'package', o.failure ?? '')];
  return [
    ...new Set(
      failed.flatMap((c) => (c.errors.length ? c.errors : ['not ok']).map((e) => classOf(c.name, e))),
    ),
  ];
}

/** The report as markdown lines: table, rate, failure classes. */
export function report(r: CorpusResult): string[] {
  const out = [
    '| member | kind | traits | package | result | stage | package s | check s |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const o of r.outcomes)
    out.push(
      `| ${o.id} | ${o.kind} | ${o.traits.join(' ')} | ${o.package ?? '—'} ${o.version ?? ''} | ` +
        `${o.ok ? 'ok' : 'FAIL'} | ${o.stage ?? ''} | ${s(o.packageMs)} | ${s(o.checkMs)} |`,
    );
  const ok = r.outcomes.filter((o) => o.ok).length;
  out.push('');
  out.push(`auto-packaging rate: ${ok}/${r.outcomes.length} = ${(r.rate * 100).toFixed(1)} %`);
  // Every failing check of every member counts (not only the first), so one fix's effect can be read off: a member
  // whose only failing class is X would pass once X is fixed.
  const classes = new Map<string, string[]>();
  const only = new Map<string, string[]>();
  for (const o of r.outcomes) {
    if (o.ok) continue;
    const keys = failureClasses(o);
    for (const key of keys) classes.set(key, [...(classes.get(key) ?? []), o.id]);
    if (keys.length === 1) only.set(keys[0]!, [...(only.get(keys[0]!) ?? []), o.id]);
  }
  out.push('failure classes (members; those failing for this class alone):');
  for (const [k, ids] of [...classes].sort((a, b) => b[1].length - a[1].length))
    out.push(`  ${k} (${ids.length}; alone ${only.get(k)?.length ?? 0}): ${ids.join(', ')}`);
  out.push('failures in full:');
  for (const o of r.outcomes) if (!o.ok) out.push(`  ${o.id}: ${o.stage}: ${o.failure ?? ''}`);
  const pk = r.outcomes.map((o) => o.packageMs).sort((a, b) => a - b);
  const ck = r.outcomes.map((o) => o.checkMs).sort((a, b) => a - b);
  if (pk.length)
    out.push(
      `time per member: packaging median ${s(pk[pk.length >> 1]!)} s (max ${s(pk[pk.length - 1]!)} s), ` +
        `checks median ${s(ck[ck.length >> 1]!)} s (max ${s(ck[ck.length - 1]!)} s)`,
    );
  return out;
}

/** Writes bench/.work/autopkg.json and autopkg.txt. */
export function save(r: CorpusResult, lines: string[]): void {
  const work = join(import.meta.dirname, '..', '.work');
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, 'autopkg.json'), JSON.stringify(r, null, 1));
  writeFileSync(join(work, 'autopkg.txt'), lines.join('\n') + '\n');
}

/** The outcomes recorded so far by runs of this checkout (progress-*.jsonl), the latest per member. */
export function recordedOutcomes(): MemberOutcome[] {
  const work = join(import.meta.dirname, '..', '.work', 'autopkg');
  const byId = new Map<string, MemberOutcome>();
  const files = readdirSync(work)
    .filter((f) => /^progress-\d+\.jsonl$/.test(f))
    .map((f) => join(work, f))
    .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
  for (const f of files)
    for (const l of readFileSync(f, 'utf8').split('\n'))
      if (l) byId.set((JSON.parse(l) as MemberOutcome).id, JSON.parse(l) as MemberOutcome);
  const order = MEMBERS.map(memberId);
  return [...byId.values()].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--report') {
  // Runs split over several processes (or stopped early): the report of what they recorded.
  const outcomes = recordedOutcomes();
  const r = { outcomes, rate: outcomes.filter((o) => o.ok).length / Math.max(1, outcomes.length) };
  const lines = report(r);
  console.log(lines.join('\n'));
  save(r, lines);
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await runAutopkg(selectMembers(process.argv.slice(2)), (o) => console.log(outcomeLine(o)));
  const lines = report(r);
  console.log(lines.join('\n'));
  save(r, lines);
}
