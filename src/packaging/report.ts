/**
 * The machine-readable packaging report, `<package>_<version>.pkgme.json` beside the .dsc (issue 4: "a
 * machine-readable report of the guesses and the dependency explanations goes beside the source package"). A reviewer
 * or a script reads every decision from it: which backend took the upload and why the others did not, every field
 * with its source and confidence, the Depends for the target release with a reason per dependency, what the package
 * ships, what went wrong, and the files written with their checksums.
 *
 * The report is part of the package's reproducible output: the same inputs give the same bytes. So it holds no
 * timestamps of the run, no absolute paths (the --out directory and the job directory differ between runs) and keys
 * in a fixed order. The schema is documented in docs/packaging.md ("Pipeline and CLI"); bump REPORT_SCHEMA when a
 * field changes meaning or disappears (adding a field is compatible).
 */
import type { Ranked } from '../backends/registry.ts';
import type { Problem } from '../backends/types.ts';
import type { ArchVerdict } from '../depdb/resolve/index.ts';
import type { Guess } from '../inspect/guess/field.ts';
import type { Layout, PackagePlan } from './types.ts';

export const REPORT_SCHEMA = 1;

/** One file pkgme wrote, named by its base name (the report never names the --out directory). */
export interface WrittenFile {
  kind: 'dsc' | 'orig' | 'debian' | 'deb' | 'report';
  name: string;
  size: number;
  sha256: string;
}

/** The resolver's answer for the target release, as the package uses it. */
export interface ReleaseReport {
  release: string;
  architecture: string;
  /** The Depends field written to debian/control and the .deb (without ${misc:Depends}). */
  depends: string;
  /** Where `depends` came from: the resolver, or the user's `--set depends=`. */
  dependsSource: string;
  /** Each dependency with its reasons (binary → soname → library → package → the symbol that set the minimum). */
  dependencies: ArchVerdict['dependencies'];
  bundled: ArchVerdict['bundled'];
  unresolved: ArchVerdict['unresolved'];
  satisfiable: boolean;
  why: string[];
}

export interface LayoutReport {
  appDir: string;
  /** The upload directory that became appDir ('' for the upload's root). */
  appRoot: string;
  /** /usr/bin (or /usr/games) entries: symlinks (with their target) and generated wrapper scripts. */
  launchers: Array<{ path: string; kind: 'symlink' | 'wrapper'; target?: string }>;
  /** Files pkgme generated for the package (desktop entry, metainfo, icons, man pages…), by path. */
  generated: string[];
  /** Upload members shipped (files, directories and symlinks), and symlinks pkgme added. */
  uploadPlacements: number;
  symlinks: number;
  /** True for a re-packaged .deb: its own tree is shipped as it is. */
  fixed: boolean;
}

export interface PackageReport {
  schema: typeof REPORT_SCHEMA;
  upload: {
    name: string;
    /** sha256 of the uploaded file; null for a directory upload (its .orig tarball's sum is under files). */
    sha256: string | null;
    size: number | null;
  };
  backend: string;
  /** Every backend's verdict: score (0 = not eligible) and reason, in registry order. */
  backends: Ranked[];
  package: {
    name: string;
    version: string;
    architecture: string;
    release: string;
  };
  /** Every field as finally decided, with provenance; user corrections have source "user". */
  fields: Record<string, Guess<unknown>>;
  release: ReleaseReport;
  layout: LayoutReport;
  problems: Problem[];
  /** Every file written beside this report, the report itself excepted. */
  files: WrittenFile[];
}

export interface ReportInput {
  upload: PackageReport['upload'];
  backend: string;
  backends: Ranked[];
  plan: PackagePlan;
  layout: Layout;
  files: WrittenFile[];
}

/** Package paths as absolute paths: icon placements come without the leading slash (icons.ts's convention). */
function abs(to: string): string {
  return to.startsWith('/') ? to : `/${to}`;
}

/** Launchers are what /usr/bin (/usr/games for a game) gets: a symlink into appDir, or a generated wrapper script. */
function launchers(layout: Layout): LayoutReport['launchers'] {
  const out: LayoutReport['launchers'] = [];
  for (const p of layout.placements) {
    const path = abs(p.to);
    if (!path.startsWith('/usr/bin/') && !path.startsWith('/usr/games/')) continue;
    if (p.kind === 'symlink') out.push({ path, kind: 'symlink', target: p.target });
    else if (p.kind === 'generated') out.push({ path, kind: 'wrapper' });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function layoutReport(plan: PackagePlan, layout: Layout): LayoutReport {
  const placements = plan.fixedPlacements
    ? [...plan.fixedPlacements, ...layout.placements]
    : layout.placements;
  return {
    appDir: layout.appDir,
    appRoot: layout.appRoot,
    launchers: launchers(layout),
    generated: placements
      .filter((p) => p.kind === 'generated')
      .map((p) => abs(p.to))
      .sort(),
    uploadPlacements: placements.filter((p) => p.kind === 'upload').length,
    symlinks: placements.filter((p) => p.kind === 'symlink').length,
    fixed: plan.fixedPlacements !== undefined,
  };
}

function releaseReport(plan: PackagePlan): ReleaseReport {
  const v = plan.verdict;
  const arch = v?.architectures[plan.architecture] ?? v;
  return {
    release: plan.release,
    architecture: plan.architecture,
    depends: plan.depends,
    dependsSource: plan.fields.depends?.source ?? (v ? 'resolver' : 'none'),
    dependencies: arch?.dependencies ?? [],
    bundled: arch?.bundled ?? [],
    unresolved: arch?.unresolved ?? [],
    satisfiable: arch?.satisfiable ?? true,
    why: arch?.why ?? [],
  };
}

export function buildReport(input: ReportInput): PackageReport {
  const { plan } = input;
  return {
    schema: REPORT_SCHEMA,
    upload: input.upload,
    backend: input.backend,
    backends: input.backends,
    package: {
      name: plan.package,
      version: plan.version,
      architecture: plan.architecture,
      release: plan.release,
    },
    fields: plan.fields,
    release: releaseReport(plan),
    layout: layoutReport(plan, input.layout),
    problems: plan.problems,
    files: input.files,
  };
}

/** The report's file name: `<package>_<version without epoch>.pkgme.json`, as Debian names the .dsc. */
export function reportName(plan: PackagePlan): string {
  return `${plan.package}_${plan.version.replace(/^\d+:/, '')}.pkgme.json`;
}

/** The bytes written: two-space JSON and a final newline (stable key order: buildReport's). */
export function serializeReport(report: PackageReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}
