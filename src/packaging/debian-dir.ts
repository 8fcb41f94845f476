/**
 * The debian/ directory of the source package: the texts from the generators plus the dh files that make any Debian
 * builder reproduce the Layout (and so the in-process .deb):
 *
 * - <pkg>.install: each top entry of the application tree → usr/lib/<pkg>/ (dh_install copies with cp -a, so files,
 *   directories, modes and symlinks arrive as uploaded); upload files placed elsewhere under the same base name
 *   (icons) from their path in the source tree; every generated file from debian/pkgme/<path in the package>.
 * - <pkg>.links: launcher symlinks (dh_link writes them in the same relative form the Layout holds).
 * - <pkg>.manpages: generated man pages (dh_installman puts them in man<section>, dh_compress gzips them).
 * - <pkg>.lintian-overrides when there are overrides (dh_lintian).
 *
 * Paths in dh files are whitespace-separated and globbed; a space in a top-level name is written as "?" (which the
 * glob matches), the only way to name it without dh-exec.
 */
import { readFileSync } from 'node:fs';
import { copyFile, chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { PkgmeError } from '../errors.ts';
import type { Problem, Upload } from '../backends/types.ts';
import type { DebianTexts } from './build.ts';
import {
  changelog,
  control,
  copyright,
  lintianOverrides,
  METAINFO_SOURCE_PATTERN,
  rules,
  rulesLintianOverrides,
  type LintianFacts,
} from './debian/index.ts';
import { elfFacts, OLD_FSF_ADDRESS } from './debian/lintian-overrides.ts';
import { dataScriptHints, hashbang, notElfOrScript, sourceMissing } from './debian/lintian-rules.ts';
import { metadataLicense } from './debian/metainfo.ts';
import { fixpermsMode } from './dh.ts';
import { appRootOf } from './layout.ts';
import { scanUpload, type ScannedFile } from './lintian-scan.ts';
import type { Layout, PackagePlan, Placement } from './types.ts';

/**
 * The plan's conffiles that dh_installdeb does not find by itself (it marks every file under /etc): written to
 * debian/<pkg>.conffiles, which dh_installdeb copies to DEBIAN/conffiles before appending the /etc files.
 */
export function extraConffiles(plan: PackagePlan): string[] {
  return (plan.conffiles ?? []).filter((c) => !c.startsWith('/etc/'));
}

/** Where a generated file lives in the source package. */
export function generatedSourcePath(to: string): string {
  return `debian/pkgme/${to.replace(/^\/+/, '')}`;
}

function globSafe(path: string): string {
  if (/[[\]*?{}\\]/.test(path)) {
    throw new PkgmeError(
      'DEBIAN_DIR_GLOB_NAME',
      `upload path ${JSON.stringify(path)} has a glob character, which dh_install cannot name`,
      'input',
      { hint: 'Rename the file in the upload (no [ ] * ? { } \\ in top-level names).', details: { path } },
    );
  }
  return path.replace(/\s/g, '?');
}

function isMan(p: Placement): boolean {
  return p.kind === 'generated' && /^\/usr\/share\/man\/man[1-9]\/[^/]+\.[1-9]$/.test(p.to);
}

interface DhFiles {
  install: string[];
  links: string[];
  manpages: string[];
  /** Generated files and upload files that must be copied into debian/pkgme. */
  copies: Array<{ to: string; data: Uint8Array | string; mode: number } | { to: string; from: string }>;
}

/** The dh file lines for a Layout (pure: no disk access). */
export function dhFiles(layout: Layout, sourceRoot = layout.appRoot): DhFiles {
  const out: DhFiles = { install: [], links: [], manpages: [], copies: [] };
  const appDir = layout.appDir.replace(/^\/+/, '');
  const top = new Set<string>();
  const under = (root: string, path: string): string | undefined =>
    root === ''
      ? path
      : path === root
        ? ''
        : path.startsWith(`${root}/`)
          ? path.slice(root.length + 1)
          : undefined;
  // The app root as a path in the unpacked source tree (it may be a subtree, e.g. one architecture's directory).
  const appInSource = under(sourceRoot, layout.appRoot);
  const inApp = (from: string): string | undefined => under(layout.appRoot, from);
  const inSource = (from: string): string | undefined => under(sourceRoot, from);
  for (const p of layout.placements) {
    const to = p.to.replace(/^\/+/, '');
    if (p.kind === 'upload') {
      const app = inApp(p.from);
      const src = inSource(p.from);
      if (app !== undefined && appInSource !== undefined && to === `${appDir}/${app}`) {
        const first = app.split('/')[0]!;
        top.add(appInSource === '' ? first : `${appInSource}/${first}`);
      } else if (src !== undefined && src !== '' && posix.basename(src) === posix.basename(to)) {
        out.install.push(`${globSafe(src)} ${posix.dirname(to)}/`);
      } else {
        out.copies.push({ to: p.to, from: p.from });
        out.install.push(`${generatedSourcePath(p.to)} ${posix.dirname(to)}/`);
      }
    } else if (p.kind === 'symlink') {
      const target = p.target.startsWith('/')
        ? p.target
        : posix.normalize(`${posix.dirname(p.to)}/${p.target}`);
      out.links.push(`${target.replace(/^\/+/, '')} ${to}`);
    } else {
      out.copies.push({ to: p.to, data: p.data, mode: p.mode });
      if (isMan(p)) out.manpages.push(generatedSourcePath(p.to));
      else out.install.push(`${generatedSourcePath(p.to)} ${posix.dirname(to)}/`);
    }
  }
  const tops = [...top].sort().map((t) => `${globSafe(t)} ${appDir}/`);
  out.install = [...tops, ...out.install];
  return out;
}

async function put(path: string, data: Uint8Array | string, mode: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, data);
  await chmod(path, mode);
}

const lines = (l: string[]) => l.map((x) => `${x}\n`).join('');

/**
 * Writes `<dir>/debian/…`. `upload` gives the source tree's root (what dpkg-source unpacks the .orig to), and is
 * needed when an upload file is placed under another name (copied into debian/pkgme).
 */
export async function writeDebianDir(
  plan: PackagePlan,
  layout: Layout,
  texts: DebianTexts,
  dir: string,
  upload?: Upload,
): Promise<void> {
  const uploadRoot = upload?.root ?? undefined;
  const debian = join(dir, 'debian');
  const pkg = plan.package;
  await put(join(debian, 'control'), texts.control, 0o644);
  await put(join(debian, 'changelog'), texts.changelog, 0o644);
  await put(join(debian, 'copyright'), texts.copyright, 0o644);
  await put(join(debian, 'rules'), texts.rules, 0o755);
  await put(join(debian, 'source', 'format'), '3.0 (quilt)\n', 0o644);
  const files = dhFiles(layout, upload !== undefined ? appRootOf(upload) : layout.appRoot);
  if (files.install.length > 0) await put(join(debian, `${pkg}.install`), lines(files.install), 0o644);
  if (files.links.length > 0) await put(join(debian, `${pkg}.links`), lines(files.links), 0o644);
  if (files.manpages.length > 0) await put(join(debian, `${pkg}.manpages`), lines(files.manpages), 0o644);
  const conffiles = extraConffiles(plan);
  if (conffiles.length > 0) await put(join(debian, `${pkg}.conffiles`), lines(conffiles), 0o644);
  if (texts.lintianOverrides !== undefined) {
    await put(join(debian, `${pkg}.lintian-overrides`), texts.lintianOverrides, 0o644);
  }
  if (texts.sourceLintianOverrides !== undefined) {
    await put(join(debian, 'source', 'lintian-overrides'), texts.sourceLintianOverrides, 0o644);
  }
  for (const c of files.copies) {
    const dest = join(dir, generatedSourcePath(c.to));
    if ('data' in c) {
      await put(dest, c.data, c.mode);
    } else {
      if (uploadRoot === undefined) {
        throw new PkgmeError(
          'DEBIAN_DIR_NEEDS_UPLOAD',
          `upload file ${c.from} must be copied into debian/`,
          'internal',
          {
            hint: 'Pass the unpacked upload root to writeDebianDir.',
            details: { from: c.from },
          },
        );
      }
      await mkdir(dirname(dest), { recursive: true });
      await copyFile(join(uploadRoot, c.from), dest);
    }
  }
}

/**
 * The lintian facts of what the Layout ships from the upload: unstripped ELF files (rules keeps dh_strip off) and
 * shared libraries with no DT_NEEDED, as package paths; and, for the files of the upload tree (/usr/lib/<package>),
 * what lintian reads in their contents (uploadTreeFacts).
 */
export function lintianFacts(upload: Upload, layout: Layout): LintianFacts {
  const byPath = new Map(upload.inventory.entries.map((e) => [e.path, e]));
  const facts: LintianFacts = { unstripped: [], libsWithoutNeeded: [], embeddedLibraries: [] };
  const shipped: Parameters<typeof elfFacts>[0][number][] = [];
  for (const p of layout.placements) {
    if (p.kind !== 'upload') continue;
    const elf = byPath.get(p.from)?.elf;
    if (elf === undefined) continue;
    shipped.push({ to: p.to, elf });
    if (elf.stripped === false) facts.unstripped.push(p.to);
    if (elf.kind === 'shared-library' && elf.needed.length === 0) facts.libsWithoutNeeded.push(p.to);
  }
  // Static and non-PIE executables and bundled library copies: the developer's build as shipped.
  Object.assign(facts, elfFacts(shipped, layout.appDir));
  // Only a re-packaged .deb ships under /opt (its fixed placements): its top directories there get the documented
  // dir-or-file-in-opt override.
  const opt = new Set<string>();
  for (const p of layout.placements) {
    const m = /^\/opt\/([^/]+)/.exec(p.to);
    if (m) opt.add(`/opt/${m[1]}`);
  }
  if (opt.size > 0) facts.optDirs = [...opt].sort();
  Object.assign(facts, uploadTreeFacts(upload, layout));
  return facts;
}

/**
 * The upload tree's regular files (package paths, no leading `/`) with the mode bits they have in the .deb
 * (dh_fixperms applied) and their scan, and every executable file the package ships (for "the package ships its
 * own interpreter").
 */
function treeFiles(
  upload: Upload,
  layout: Layout,
): { files: Array<{ name: string; executable: boolean; scan: ScannedFile }>; executables: Set<string> } {
  const tree = `${layout.appDir.replace(/\/+$/, '')}/`;
  const byPath = new Map(upload.inventory.entries.map((e) => [e.path, e]));
  const scans = scanUpload(upload);
  const files: Array<{ name: string; executable: boolean; scan: ScannedFile }> = [];
  const executables = new Set<string>();
  for (const p of layout.placements) {
    const name = p.to.replace(/^\/+/, '');
    if (p.kind === 'generated') {
      if ((fixpermsMode(name, 'file', p.mode) & 0o111) !== 0) executables.add(name);
      continue;
    }
    if (p.kind !== 'upload') continue;
    const e = byPath.get(p.from);
    const scan = scans.get(p.from);
    if (e === undefined || e.type !== 'file' || scan === undefined) continue;
    const executable = (fixpermsMode(name, 'file', e.mode) & 0o111) !== 0;
    if (executable) executables.add(name);
    if (p.to.startsWith(tree)) files.push({ name, executable, scan });
  }
  return { files, executables };
}

/**
 * Executable scripts of the upload tree whose `#!` names an interpreter Debian does not ship (by lintian's
 * unusual-interpreter rule) and the package does not ship either: they fail when run (mc's extfs helpers with
 * `#! /usr/bin/python`, which bookworm has only through python-is-python3). One warning for the reviewer, before
 * lintian says the same; never overridden (docs/packaging.md "The upload's file contents").
 */
export function scriptProblems(upload: Upload, layout: Layout): Problem[] {
  const { files, executables } = treeFiles(upload, layout);
  const found: string[] = [];
  for (const { name, executable, scan } of files) {
    if (!executable || !scan.script) continue;
    const hint = dataScriptHints(name, hashbang(scan.head), executables).find(
      (h) => h.tag === 'unusual-interpreter',
    );
    if (hint !== undefined) found.push(`/${name} (${hint.note ?? '?'})`);
  }
  if (found.length === 0) return [];
  const shown = found.slice(0, 5).join(', ') + (found.length > 5 ? `, and ${found.length - 5} more` : '');
  return [
    {
      severity: 'warning',
      code: 'SCRIPT_INTERPRETER_UNKNOWN',
      message: `${found.length} executable script(s) name an interpreter Debian does not ship, so they fail when run: ${shown}`,
      hint: 'Fix the #! line in the upload (e.g. python3 instead of python), or add the package that provides the interpreter with --set depends=… (python-is-python3 provides /usr/bin/python); lintian reports these as unusual-interpreter and pkgme check fails on it.',
    },
  ];
}

/**
 * What lintian 2.116 reads in the contents of the upload tree's files, by its own rules (src/packaging/debian/
 * lintian-rules.ts), each file with the mode it has in the .deb (dh_fixperms applied to the upload's mode):
 * - dataScripts: non-executable files with a #! line, and the Scripts hints that line alone gives them;
 * - notElfOrScript: executable files that are neither ELF nor #! scripts (sourced shell helpers: mc's mc.sh);
 * - dpkgDatabaseUsers: ELF files and scripts mentioning /var/lib/dpkg (mc's extfs helpers);
 * - nationalEncoding: files file(1) calls text that are not UTF-8 (Latin-1 data files).
 * Executable scripts get none of the Scripts overrides: their #! line is used, and a wrong one is a real problem.
 */
export function uploadTreeFacts(
  upload: Upload,
  layout: Layout,
): Pick<LintianFacts, 'dataScripts' | 'notElfOrScript' | 'dpkgDatabaseUsers' | 'nationalEncoding'> {
  const { files, executables } = treeFiles(upload, layout);
  const out: ReturnType<typeof uploadTreeFacts> = {};
  const dataScripts: NonNullable<LintianFacts['dataScripts']> = [];
  const notElf: string[] = [];
  const dpkg: string[] = [];
  const encoding: string[] = [];
  for (const { name, executable, scan } of files) {
    if (scan.script && !executable) {
      const hints = dataScriptHints(name, hashbang(scan.head), executables);
      if (hints.length > 0) dataScripts.push({ path: `/${name}`, hints });
    }
    if (notElfOrScript(name, { executable, elf: scan.elf, script: scan.script })) notElf.push(`/${name}`);
    if (scan.dpkgDatabase) dpkg.push(`/${name}`);
    if (!scan.elf && !scan.validUtf8 && /text$/.test(scan.fileType ?? '')) encoding.push(`/${name}`);
  }
  if (dataScripts.length > 0) out.dataScripts = dataScripts;
  if (notElf.length > 0) out.notElfOrScript = notElf;
  if (dpkg.length > 0) out.dpkgDatabaseUsers = dpkg;
  if (encoding.length > 0) out.nationalEncoding = encoding;
  return out;
}

/**
 * debian/source/lintian-overrides:
 * - excessive-debhelper-overrides: debian/rules overrides 29 dh steps (lintian warns from 20), each one on purpose
 *   and commented: nothing is built, stripped or rewritten, and no step may add a maintainer script.
 * - source-is-missing for each file of the source tree lintian's Files/SourceMissing check flags (sourceMissing):
 *   ELF files, compiled Python, Flash, minified JavaScript and .js/HTML files with lines over 512 bytes, each
 *   without a file the check accepts as its source. The upload is the developer's finished build; its sources are
 *   not part of it, and pkgme packages the build as shipped.
 */
export function sourceLintianOverrides(plan: PackagePlan, upload: Upload, layout: Layout): string {
  void layout;
  // The unpacked source tree is the upload below its single top directory (what dpkg-source strips), whatever
  // subtree the Layout ships (one architecture's, say).
  const root = appRootOf(upload);
  const rel = (p: string): string | undefined =>
    root === '' ? p : p.startsWith(`${root}/`) ? p.slice(root.length + 1) : undefined;
  const tree = new Set<string>();
  for (const e of upload.inventory.entries) {
    const r = rel(e.path);
    if (r !== undefined && r !== '' && r !== 'debian' && !r.startsWith('debian/')) tree.add(r);
  }
  const scans = scanUpload(upload);
  const nonFree = /^(?:non-free|non-free-firmware|restricted|multiverse)\//.test(plan.section ?? '');
  const paths: string[] = [];
  for (const e of upload.inventory.entries) {
    const r = rel(e.path);
    if (r === undefined || !tree.has(r) || e.type !== 'file') continue;
    const scan = scans.get(e.path);
    const elf = e.elf !== undefined || e.elfError !== undefined;
    const file = {
      path: r,
      elf,
      ...(scan?.fileType !== undefined ? { fileType: scan.fileType } : {}),
      ...(scan?.longestLine !== undefined ? { longestLine: scan.longestLine } : {}),
      ...(scan?.deployJava !== undefined ? { deployJava: scan.deployJava } : {}),
    };
    if (sourceMissing(file, (p) => tree.has(p), nonFree)) paths.push(r.replace(/[\s[\]]/g, '*'));
  }
  const out = rulesLintianOverrides(plan);
  if (paths.length > 0 && plan.fixedPlacements === undefined) {
    out.push(
      "# The upload is the developer's finished build: its sources are not part of it (pkgme packages binaries).",
      ...[...new Set(paths)].sort().map((p) => `${plan.package} source: source-is-missing [${p}]`),
    );
  }
  return out.join('\n') + '\n';
}

/** A metainfo pkgme wrote (it lives under debian/pkgme/usr/share/metainfo/ in the source package). */
function isGeneratedMetainfo(p: Placement): boolean {
  return p.kind === 'generated' && generatedSourcePath(p.to).startsWith(METAINFO_SOURCE_PATTERN.slice(0, -1));
}

/** An upstream AppStream file is at most this big; a larger .xml is not read. */
const MAX_METAINFO_BYTES = 1024 * 1024;

/**
 * The upload's own AppStream files (`*.metainfo.xml`, `*.appdata.xml`, or .xml under a metainfo/appdata directory)
 * with the metadata_license each states, by source-package path (the upload path below appRoot, as
 * sourceLintianOverrides names them): debian/copyright gives each its metadata license.
 */
export function upstreamMetainfo(
  plan: PackagePlan,
  upload: Upload,
  layout: Layout,
): Array<{ path: string; license: string }> {
  if (upload.root === null || plan.fixedPlacements !== undefined) return [];
  const out: Array<{ path: string; license: string }> = [];
  for (const e of upload.inventory.entries) {
    if (e.type !== 'file' || e.size > MAX_METAINFO_BYTES) continue;
    if (!/\.(?:metainfo|appdata)\.xml$|(?:^|\/)(?:metainfo|appdata)\/[^/]+\.xml$/.test(e.path)) continue;
    const path = layout.appRoot === '' ? e.path : e.path.slice(layout.appRoot.length + 1);
    if (
      path === '' ||
      path.startsWith('debian/') ||
      (layout.appRoot !== '' && !e.path.startsWith(`${layout.appRoot}/`))
    )
      continue;
    let license: string | undefined;
    try {
      license = metadataLicense(readFileSync(join(upload.root, e.path), 'utf8'));
    } catch {
      continue; // unreadable: no paragraph for it
    }
    if (license !== undefined && license.trim() !== '') out.push({ path, license });
  }
  return out;
}

/** The debian/ texts from the generators of src/packaging/debian (what buildDeb and writeSource use by default). */
export function debianTexts(plan: PackagePlan, upload: Upload, layout: Layout): DebianTexts {
  const copyrightText = copyright(plan, {
    metainfo: layout.placements.some(isGeneratedMetainfo),
    upstreamMetainfo: upstreamMetainfo(plan, upload, layout),
  });
  const overrides = lintianOverrides(plan, {
    ...lintianFacts(upload, layout),
    oldFsfAddress: OLD_FSF_ADDRESS.test(copyrightText),
  });
  return {
    sourceLintianOverrides: sourceLintianOverrides(plan, upload, layout),
    control: control(plan),
    changelog: changelog(plan),
    copyright: copyrightText,
    rules: rules(plan),
    ...(overrides.trim() === '' ? {} : { lintianOverrides: overrides }),
  };
}
