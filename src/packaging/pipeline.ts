/**
 * packageUpload: the packaging engine's one entry point (issue 4), shared by `pkgme package`, `pkgme build` and
 * later the service's worker. It strings the stages together in order:
 *
 *   open upload → backends → fields → resolve for the release (depdb) → Debian's names (depdb) → planPackage
 *   (overrides win) → icons → planLayout → writeSource (+ buildDeb) → the report beside the .dsc
 *
 * Each stage is its own module with a typed input and output; this file only orders them, keeps the unpacked upload
 * alive while the source package and the .deb are written from it, and guarantees the filesystem contract:
 * - nothing is written outside `out` except the job directory (removed on success and on failure);
 * - `out` never holds a partial result: everything is written into a private directory inside `out` and renamed
 *   into place only once every file exists (renames within one filesystem), so a failed run leaves `out` as it was.
 */
import { createHash } from 'node:crypto';
import {
  createReadStream,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { debPlanParts } from '../backends/deb-plan.ts';
import type { Problem, Upload } from '../backends/types.ts';
import type { DepDbReader } from '../depdb/types.ts';
import { PkgmeError } from '../errors.ts';
import { planIcons } from '../inspect/guess/icons.ts';
import { inspectOpened, openUpload, type InspectResult } from '../inspect/inspect.ts';
import { buildDeb } from './build.ts';
import { manpage, metainfo } from './debian/index.ts';
import { wantsMetainfo } from './debian/metainfo.ts';
import { debianTexts, scriptProblems } from './debian-dir.ts';
import { iconFiles, type IconFile } from './icons.ts';
import { planLayout, type PlannedLayout } from './layout.ts';
import { planPackage } from './plan.ts';
import { buildReport, reportName, serializeReport, type PackageReport, type WrittenFile } from './report.ts';
import { writeSource } from './source.ts';
import type { Overrides, PackagePlan } from './types.ts';

/** The stages in the order they run, for progress displays (a bar of STAGES.length steps). */
export const STAGES = ['open', 'inspect', 'plan', 'layout', 'source', 'deb', 'report'] as const;
export type Stage = (typeof STAGES)[number];

export interface PackageOptions {
  /** The user's corrections (`--set`, `--overrides`): they win over every guess. */
  overrides?: Overrides;
  /** Target release; default: planPackage's rule (the only imported release, else the machine's). */
  release?: string;
  /** Directory that receives the outputs (created if missing). */
  out: string;
  /** Also build the binary .deb. */
  build?: boolean;
  /** The dependency database; without it Depends cannot be resolved. */
  store?: DepDbReader;
  /** Called as each stage starts. */
  onProgress?: (stage: Stage) => void;
}

export interface OutputFile {
  kind: WrittenFile['kind'];
  /** Where it is now: inside `out`. */
  path: string;
  size: number;
  sha256: string;
}

export interface PackageResult {
  plan: PackagePlan;
  files: OutputFile[];
  report: PackageReport;
}

/** Which output a file written by writeSource/buildDeb is, from its Debian file name. */
function kindOf(name: string): WrittenFile['kind'] | null {
  if (name.endsWith('.dsc')) return 'dsc';
  if (/\.orig\.tar\.[a-z0-9]+$/.test(name)) return 'orig';
  if (/\.debian\.tar\.[a-z0-9]+$/.test(name)) return 'debian';
  if (name.endsWith('.deb')) return 'deb';
  if (name.endsWith('.pkgme.json')) return 'report';
  return null;
}

/** sha256 and size, streamed: a .deb or .orig tarball may be hundreds of MB. */
export async function digestFile(path: string): Promise<{ size: number; sha256: string }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    h.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: h.digest('hex') };
}

/** The uploaded file's identity for the report; a directory has none (its .orig tarball's sum is in `files`). */
async function uploadIdentity(upload: Upload): Promise<PackageReport['upload']> {
  if (!upload.isFile) return { name: upload.name, sha256: null, size: null };
  const d = await digestFile(upload.path);
  return { name: upload.name, sha256: d.sha256, size: d.size };
}

/**
 * Errors found while planning stop the run before anything is generated: the first one is the error (its code is
 * the stable one a script branches on, e.g. BUNDLED_GLIBC), and every error is listed in the details.
 */
function failOnErrors(problems: Problem[]): void {
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length === 0) return;
  const first = errors[0]!;
  const more =
    errors.length > 1
      ? ` (and ${errors.length - 1} more: ${errors
          .slice(1)
          .map((e) => e.code)
          .join(', ')})`
      : '';
  throw new PkgmeError(first.code, `${first.message}${more}`, 'input', {
    ...(first.hint !== undefined ? { hint: first.hint } : {}),
    details: { problems: errors },
  });
}

/**
 * A re-packaged .deb (the deb backend) ships its own tree as it is (fixedPlacements) and keeps its Depends merged with
 * the resolver's (src/backends/deb-plan.ts); a user's `--set depends=` still wins.
 */
function withDebParts(plan: PackagePlan, upload: Upload, inspected: InspectResult): PackagePlan {
  const parts = debPlanParts(
    upload,
    { fields: inspected.fields, problems: inspected.problems },
    { package: plan.package, release: plan.release, ...(plan.verdict ? { verdict: plan.verdict } : {}) },
  );
  const userDepends = plan.fields.depends?.source === 'user';
  const fields = { ...plan.fields, ...parts.fields };
  if (userDepends) fields.depends = plan.fields.depends!;
  const merged = parts.fields.depends?.value;
  return {
    ...plan,
    fixedPlacements: parts.fixedPlacements,
    // The .deb's other relation fields and its conffiles go into debian/control and DEBIAN/conffiles.
    ...(Object.keys(parts.relations).length > 0 ? { relations: parts.relations } : {}),
    ...(parts.conffiles !== undefined ? { conffiles: parts.conffiles } : {}),
    depends: userDepends || typeof merged !== 'string' ? plan.depends : merged,
    fields,
    problems: [...plan.problems, ...parts.problems],
  };
}

/**
 * The PackagePlan of an inspected upload: planPackage (the user's overrides win) plus, for a re-packaged .deb, its
 * own tree and Depends. Exported so `pkgme inspect --set …` shows the very plan `pkgme package` would follow.
 */
export function planUpload(
  upload: Upload,
  inspected: InspectResult,
  opts: Pick<PackageOptions, 'overrides' | 'release'> & {
    debianPackages?: Record<string, Record<string, string[]>>;
  } = {},
): PackagePlan {
  let plan = planPackage(
    {
      fields: inspected.fields,
      problems: inspected.problems,
      releases: inspected.releases,
      upload,
      ...(inspected.backend !== null ? { backend: inspected.backend } : {}),
      ...(opts.debianPackages ? { debianPackages: opts.debianPackages } : {}),
    },
    {
      ...(opts.overrides ? { overrides: opts.overrides } : {}),
      ...(opts.release ? { release: opts.release } : {}),
    },
  );
  if (plan.uploadName === undefined) plan = { ...plan, uploadName: upload.name };
  if (inspected.backend === 'deb') plan = withDebParts(plan, upload, inspected);
  return plan;
}

/**
 * Debian's versions of the names the package may take (the guessed one and a user's --set package=), in every
 * release the store has, for planPackage's clash check and epoch: one indexed query per release. Undefined when the
 * store cannot tell (none, or a reader without packageVersions).
 */
async function debianPackagesFor(
  store: DepDbReader | undefined,
  inspected: InspectResult,
  overrides: Overrides | undefined,
): Promise<Record<string, Record<string, string[]>> | undefined> {
  if (store?.packageVersions === undefined) return undefined;
  const names = [inspected.fields.name?.value, overrides?.name].filter(
    (n): n is string => typeof n === 'string' && n !== '',
  );
  if (names.length === 0) return undefined;
  const out: Record<string, Record<string, string[]>> = {};
  for (const release of new Set((await store.releases()).map((r) => r.release)))
    out[release] = Object.fromEntries(await store.packageVersions(release, names));
  return out;
}

/**
 * planUpload with Debian's names read from the store first: the plan `pkgme package` makes and `pkgme inspect`
 * shows, with the same clash warning and epoch.
 */
export async function planWithNames(
  upload: Upload,
  inspected: InspectResult,
  opts: Pick<PackageOptions, 'overrides' | 'release'> & { store?: DepDbReader },
): Promise<PackagePlan> {
  const debianPackages = await debianPackagesFor(opts.store, inspected, opts.overrides);
  return planUpload(upload, inspected, {
    ...(opts.overrides ? { overrides: opts.overrides } : {}),
    ...(opts.release ? { release: opts.release } : {}),
    ...(debianPackages ? { debianPackages } : {}),
  });
}

/**
 * Inspect already reported the icon header problems (binary backend) that iconFiles finds again while decoding: one
 * entry per (code, message) keeps the report readable. In place, first occurrence kept.
 */
function dedupeProblems(problems: Problem[]): void {
  const seen = new Set<string>();
  const kept = problems.filter((p) => {
    const key = `${p.code}\0${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  problems.splice(0, problems.length, ...kept);
}

/**
 * The generated inputs of planLayout (icons, AppStream metainfo, a man page per launcher) and the layout. Icon
 * problems (a giant or corrupt icon, an SVG that cannot be rendered) are warnings added to `problems`: the package is
 * still made, without that icon. A re-packaged .deb brings its own icons, metainfo and man pages.
 */
async function layoutFor(plan: PackagePlan, upload: Upload, problems: Problem[]): Promise<PlannedLayout> {
  if (plan.fixedPlacements !== undefined) return planLayout(plan, upload, { icons: [] });
  const root = upload.root!;
  let icons: IconFile[] = [];
  if (plan.icon !== null) {
    const iconPlan = planIcons(root, upload.inventory.entries, plan.package, plan.icon);
    icons = await iconFiles(root, iconPlan, plan.icon, problems);
    dedupeProblems(problems);
  }
  const manpages: Record<string, string> = {};
  for (const exe of plan.executables) manpages[basename(exe)] = manpage(plan, exe);
  return planLayout(plan, upload, {
    icons,
    ...(wantsMetainfo(plan) ? { metainfo: metainfo(plan) } : {}),
    manpages,
  });
}

/** The outputs written into the private directory, by kind, with size and sha256 (the report comes later). */
async function describe(dir: string): Promise<Array<WrittenFile & { path: string }>> {
  const files: Array<WrittenFile & { path: string }> = [];
  for (const name of readdirSync(dir).sort()) {
    const kind = kindOf(name);
    if (kind === null) continue;
    const path = join(dir, name);
    files.push({ kind, name, path, ...(await digestFile(path)) });
  }
  return files;
}

/**
 * A rename onto an existing file replaces it, but onto a directory it fails; checked for every output before the
 * first rename, so the renames cannot stop half-way and leave some new files beside old ones.
 */
function checkTargets(out: string, names: string[]): void {
  const blocked = names.filter((n) => lstatSync(join(out, n), { throwIfNoEntry: false })?.isDirectory());
  if (blocked.length > 0)
    throw new PkgmeError(
      'OUTPUT_BLOCKED',
      `--out ${out} has directories where the outputs go: ${blocked.join(', ')}`,
      'usage',
      {
        hint: 'Remove them or choose another --out directory.',
        details: { out, blocked },
      },
    );
}

/**
 * A directory upload is read in place and becomes the .orig tarball: an --out inside it would be packaged into
 * itself (with the half-written outputs), so it is refused.
 */
function checkOutOutsideUpload(path: string, out: string): void {
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory() !== true) return;
  const rel = relative(resolve(path), resolve(out));
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel)))
    throw new PkgmeError(
      'OUTPUT_INSIDE_UPLOAD',
      `--out ${out} is inside the upload directory ${path}`,
      'usage',
      {
        hint: 'Choose an --out directory outside the upload (e.g. its parent).',
        details: { upload: path, out },
      },
    );
}

export async function packageUpload(path: string, opts: PackageOptions): Promise<PackageResult> {
  checkOutOutsideUpload(path, opts.out);
  const progress = opts.onProgress ?? (() => {});
  progress('open');
  const { upload, cleanup } = await openUpload(path);
  let tmp: string | undefined;
  try {
    progress('inspect');
    const inspected: InspectResult = await inspectOpened(upload, {
      ...(opts.store ? { store: opts.store } : {}),
      ...(opts.release ? { releases: [opts.release] } : {}),
    });
    progress('plan');
    let plan = await planWithNames(upload, inspected, opts);
    failOnErrors(plan.problems);
    progress('layout');
    const problems = [...plan.problems];
    const layout = await layoutFor(plan, upload, problems);
    plan = { ...plan, problems: [...problems, ...layout.warnings, ...scriptProblems(upload, layout)] };
    failOnErrors(plan.problems);
    const texts = debianTexts(plan, upload, layout);

    mkdirSync(opts.out, { recursive: true });
    tmp = mkdtempSync(join(opts.out, '.pkgme-'));
    progress('source');
    await writeSource(plan, upload, layout, tmp, texts);
    if (opts.build) {
      progress('deb');
      await buildDeb(plan, upload, layout, tmp, texts);
    }
    progress('report');
    const written = await describe(tmp);
    const report = buildReport({
      upload: await uploadIdentity(upload),
      backend: inspected.backend ?? '',
      backends: inspected.backends,
      plan,
      layout,
      files: written.map(({ kind, name, size, sha256 }) => ({ kind, name, size, sha256 })),
    });
    const reportPath = join(tmp, reportName(plan));
    writeFileSync(reportPath, serializeReport(report));
    const all = [
      ...written,
      {
        kind: 'report' as const,
        name: reportName(plan),
        path: reportPath,
        ...(await digestFile(reportPath)),
      },
    ];
    checkTargets(
      opts.out,
      all.map((f) => f.name),
    );
    const files: OutputFile[] = [];
    for (const f of all) {
      const dest = join(opts.out, f.name);
      renameSync(f.path, dest);
      files.push({ kind: f.kind, path: dest, size: f.size, sha256: f.sha256 });
    }
    return { plan, files, report };
  } finally {
    cleanup();
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
  }
}
