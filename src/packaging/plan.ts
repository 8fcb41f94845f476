/**
 * planPackage: the guessed fields, the resolver's verdicts and the user's overrides → one PackagePlan, the single
 * source of truth for everything generated (types.ts). Every choice is made here, with its provenance in
 * `plan.fields`, so the generators only format and the report can show why each value is what it is.
 *
 * Rules (docs/packaging.md, "Plan and overrides"): overrides win; a package needs a name and a version (there is no
 * honest default for either); the rest has a documented default. Bad input becomes Problems (errors stop the
 * pipeline before anything is written): no executables, mixed architectures, bundled glibc, unresolved libraries,
 * broken ELF files.
 */
import { lstatSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CONTROL_SOURCE } from '../backends/deb-control.ts';
import type { Problem, Upload } from '../backends/types.ts';
import type { ArchVerdict, ReleaseVerdict } from '../depdb/resolve/index.ts';
import { PkgmeError } from '../errors.ts';
import { getKey, listValue, mainGroup, parseDesktop } from '../inspect/guess/desktop.ts';
import { guess, type Guess } from '../inspect/guess/field.ts';
import { alternative, detectLicense } from '../inspect/guess/license.ts';
import { nameClash } from '../inspect/guess/name-version.ts';
import { guessSection } from '../inspect/guess/section.ts';
import { checkVersion, compareVersions } from '../formats/version/index.ts';
import { applyOverrides, validateOverride } from './overrides.ts';
import { archTrees, inTree, machineArchitecture } from './plan-arch.ts';
import {
  brokenElf,
  bundledGlibc,
  missingExecutables,
  noExecutables,
  unresolvedLibraries,
} from './plan-checks.ts';
import { finalDesktop } from './plan-desktop.ts';
import { launcherDir } from './plan-launcher.ts';
import { sensibleUsers, withSensibleUtils } from './plan-sensible.ts';
import { cleanDescription, cleanSynopsis, fallbackSynopsis } from './plan-text.ts';
import type { Overrides, PackagePlan } from './types.ts';

export interface PlanInput {
  fields: Record<string, Guess<unknown>>;
  problems: Problem[];
  releases: Record<string, ReleaseVerdict>;
  upload: Upload;
  /** The backend that inspected the upload ('binary', 'deb'); see fromDeb for when it is not given. */
  backend?: string;
  /**
   * Debian's versions of the names the package may take, by release then name (the dependency database's
   * depdb_names; see debianEpoch). A release present here has NAME_CLASHES_DEBIAN decided again by the plan.
   */
  debianPackages?: Record<string, Record<string, string[]>>;
}

/**
 * Whether the upload is a .deb (packed, or the unpacked tree of one): the input's backend when given, else whether
 * any guess came from a DEBIAN/control file, which only the deb backend reads.
 */
function fromDeb(input: PlanInput): boolean {
  if (input.backend !== undefined) return input.backend === 'deb';
  return Object.values(input.fields).some((g) => g.source === CONTROL_SOURCE);
}

export interface PlanOptions {
  overrides?: Overrides;
  release?: string;
  /** Maintainer when neither the metadata, an override nor DEBFULLNAME/DEBEMAIL give one. */
  maintainerDefault?: string;
  /** Seconds since the epoch, for an upload whose files carry no usable time (a .deb left packed). */
  now?: number;
  /** The environment to read DEBFULLNAME/DEBEMAIL from (default process.env). */
  env?: Record<string, string | undefined>;
  /** The os-release file that names the machine's release (default /etc/os-release). */
  osRelease?: string;
}

/**
 * Standards-Version per release: the debian-policy version that release ships (its lintian knows no newer one, so
 * lintian reports neither out-of-date-standards-version nor newer-standards-version). plan.test.ts reads
 * debian-policy's Version from each release's Packages index (bullseye 4.5.1.0, bookworm 4.6.2.0, trixie 4.7.2.0)
 * and, on bookworm, bookworm lintian's /usr/share/lintian/data/debian-policy/releases.json (newest 4.6.2.0). A
 * release newer than trixie gets trixie's value.
 */
export const STANDARDS_VERSIONS: Record<string, string> = {
  bullseye: '4.5.1',
  bookworm: '4.6.2',
  trixie: '4.7.2',
};
const NEWEST_STANDARDS = '4.7.2';

/**
 * The maintainer when nothing else says: a name and a mailbox under the reserved .invalid domain (RFC 2606), so no
 * mail goes to a stranger. lintian accepts it (checked in plan.test.ts): it has a phrase, a user and a domain
 * (bogus-mail-host, no-phrase and malformed-contact are lintian's errors); it is not on localhost.
 */
export const DEFAULT_MAINTAINER = 'pkgme automatic packaging <pkgme@pkgme.invalid>';

/**
 * Problems settled once the field has a value (NAME_UNKNOWN, VERSION_UNKNOWN: planPackage throws without one) and,
 * for VERSION_INVALID (a candidate that was skipped), only when the user gave the version.
 */
/** The backend's architecture findings: the plan decides them again (per-architecture trees, --set architecture). */
const RECOMPUTED = new Set(['MIXED_ARCHITECTURES', 'ARCHITECTURE_TREES']);

const SETTLES: Record<string, string[]> = {
  name: ['NAME_UNKNOWN'],
  version: ['VERSION_UNKNOWN', 'VERSION_INVALID'],
};

/** VERSION_CODENAME of os-release(5), the machine's own release. */
export function machineRelease(path = '/etc/os-release'): string | undefined {
  try {
    const m = /^VERSION_CODENAME=["']?([^"'\n]*)["']?$/m.exec(readFileSync(path, 'utf8'));
    return m?.[1] !== undefined && m[1] !== '' ? m[1] : undefined;
  } catch {
    return undefined;
  }
}

function str(g: Guess<unknown> | undefined): string | undefined {
  return typeof g?.value === 'string' && g.value.trim() !== '' ? g.value : undefined;
}

function strings(g: Guess<unknown> | undefined): string[] | undefined {
  return Array.isArray(g?.value) && g.value.every((x) => typeof x === 'string')
    ? (g.value as string[])
    : undefined;
}

/** A key of the desktop entry's [Desktop Entry] group, when the fields hold one. */
function desktopKey(desktop: string | undefined, key: string): string | undefined {
  if (desktop === undefined) return undefined;
  try {
    const g = mainGroup(parseDesktop(Buffer.from(desktop, 'utf8')));
    return g === undefined ? undefined : getKey(g, key);
  } catch {
    return undefined;
  }
}

function maintainerFrom(
  fields: Record<string, Guess<unknown>>,
  opts: PlanOptions,
  problems: Problem[],
): Guess<string> {
  const given = fields.maintainer;
  const value = str(given);
  if (value !== undefined && given !== undefined) {
    try {
      return guess(validateOverride('maintainer', value, 'maintainer'), given.source, given.confidence);
    } catch (err) {
      problems.push({
        severity: 'warning',
        code: 'MAINTAINER_INVALID',
        message: `maintainer from ${given.source} is not usable: ${(err as Error).message}`,
        hint: 'Set one with --set maintainer="Full Name <user@domain>".',
      });
    }
  }
  const env = opts.env ?? process.env;
  const email = env.DEBEMAIL?.trim();
  if (email !== undefined && email !== '') {
    const candidate = email.includes('<') ? email : `${env.DEBFULLNAME?.trim() ?? ''} <${email}>`;
    try {
      return guess(validateOverride('maintainer', candidate, 'DEBEMAIL'), 'env:DEBFULLNAME/DEBEMAIL', 0.9);
    } catch {
      // An unusable environment falls through to the default, like a missing one.
    }
  }
  if (opts.maintainerDefault !== undefined) return guess(opts.maintainerDefault, 'default', 0.5);
  problems.push({
    severity: 'warning',
    code: 'MAINTAINER_DEFAULT',
    message: `no maintainer given: using "${DEFAULT_MAINTAINER}"`,
    hint: 'Set yours with --set maintainer="Full Name <user@domain>", DEBFULLNAME/DEBEMAIL, or the metadata file.',
  });
  return guess(DEFAULT_MAINTAINER, 'default', 0.3);
}

/** The newest modification time in the upload: reproducible (same upload, same date), unlike the clock. */
function newestMtime(upload: Upload): number | undefined {
  if (upload.root === null) return undefined;
  let newest: number | undefined;
  for (const e of upload.inventory.entries) {
    try {
      const t = Math.floor(lstatSync(join(upload.root, e.path)).mtimeMs / 1000);
      if (newest === undefined || t > newest) newest = t;
    } catch {
      // A member that vanished says nothing about the date.
    }
  }
  return newest;
}

const MAX_LICENSE_TEXT = 512 * 1024;

function readLicense(root: string, source: string): string | undefined {
  const path = join(root, source.slice('file:'.length));
  try {
    if (lstatSync(path).size > MAX_LICENSE_TEXT) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The upload's license text(s) for debian/copyright: one file is the text of the whole license; several
 * (`file:LICENSE-CC-BY-3.0,file:LICENSE-GPL-2`, one per alternative) are keyed by the SPDX id each holds, so every
 * License paragraph gets its own text (without it a CC license fell back to a one-line pointer, and lintian said
 * incomplete-creative-commons-license).
 */
function licenseTexts(
  upload: Upload,
  g: Guess<unknown> | undefined,
): { licenseText?: string; licenseTexts?: Record<string, string> } {
  if (upload.root === null || g === undefined || g.source === 'user') return {};
  const sources = g.source.split(',').filter((s) => s.startsWith('file:'));
  if (sources.length === 1) {
    const text = readLicense(upload.root, sources[0]!);
    return text === undefined ? {} : { licenseText: text };
  }
  const texts: Record<string, string> = {};
  for (const source of sources) {
    const text = readLicense(upload.root, source);
    const alt =
      text === undefined
        ? undefined
        : alternative(basename(source.slice('file:'.length)), detectLicense(text));
    if (alt !== undefined && text !== undefined) texts[alt.spdx] = text;
  }
  return Object.keys(texts).length > 0 ? { licenseTexts: texts } : {};
}

interface ArchChoice {
  architecture: Guess<string>;
  /** The upload directory to package ('' = everything), for per-architecture uploads. */
  tree: string;
}

function chooseArchitecture(
  upload: Upload,
  fields: Record<string, Guess<unknown>>,
  problems: Problem[],
): ArchChoice {
  const arches = upload.inventory.architectures;
  const wanted = fields.architecture?.source === 'user' ? str(fields.architecture) : undefined;
  if (arches.length <= 1) {
    const elfArch = arches[0];
    if (wanted !== undefined && elfArch !== undefined && wanted !== elfArch)
      problems.push({
        severity: 'error',
        code: 'ARCHITECTURE_MISMATCH',
        message: `--set architecture=${wanted}, but the upload's ELF files are ${elfArch}`,
        hint: `Drop --set architecture (the ELF files decide), or upload the ${wanted} build.`,
      });
    if (wanted !== undefined) return { architecture: fields.architecture as Guess<string>, tree: '' };
    if (elfArch !== undefined) return { architecture: guess(elfArch, 'elf:e_machine', 1), tree: '' };
    const given = str(fields.architecture);
    return {
      architecture: guess(given ?? 'all', given ? fields.architecture!.source : 'default', 0.5),
      tree: '',
    };
  }
  const trees = archTrees(upload.inventory.entries);
  if (trees === undefined) {
    problems.push({
      severity: 'error',
      code: 'MIXED_ARCHITECTURES',
      message: `the upload mixes ELF files of several architectures: ${arches.join(', ')}`,
      hint: 'Upload one tarball per architecture, or put each architecture in its own directory (x86_64/, aarch64/).',
    });
    const first = wanted ?? arches[0]!;
    return { architecture: guess(first, wanted ? 'user' : 'elf:e_machine', wanted ? 1 : 0.3), tree: '' };
  }
  const machine = machineArchitecture();
  const arch = wanted ?? (machine in trees ? machine : undefined);
  const list = Object.entries(trees)
    .map(([a, t]) => `${t}/ (${a})`)
    .join(', ');
  if (arch === undefined || !(arch in trees)) {
    problems.push({
      severity: 'error',
      code: 'MIXED_ARCHITECTURES',
      message: `the upload holds one tree per architecture (${list}), none for ${arch ?? machine}`,
      hint: `Choose one with --set architecture=${Object.keys(trees)[0]!}.`,
    });
    const first = Object.keys(trees)[0]!;
    return { architecture: guess(first, 'elf:e_machine', 0.3), tree: trees[first]! };
  }
  const others = Object.entries(trees).filter(([a]) => a !== arch);
  problems.push({
    severity: 'warning',
    code: 'ARCHITECTURE_TREES',
    message: `the upload holds one tree per architecture; packaging ${trees[arch]}/ for ${arch}, not ${others.map(([a, t]) => `${t}/ (${a})`).join(', ')}`,
    hint: `Package the others with --set architecture=${others.map(([a]) => a).join(' / ')}.`,
  });
  return {
    architecture:
      wanted !== undefined
        ? (fields.architecture as Guess<string>)
        : guess(arch, `heuristic:architecture-tree:${trees[arch]}`, 0.8),
    tree: trees[arch]!,
  };
}

function standardsVersion(release: string, problems: Problem[]): string {
  const known = STANDARDS_VERSIONS[release];
  if (known !== undefined) return known;
  problems.push({
    severity: 'warning',
    code: 'STANDARDS_VERSION_GUESSED',
    message: `release ${release} is not one pkgme knows the Policy version of: using Standards-Version ${NEWEST_STANDARDS}`,
  });
  return NEWEST_STANDARDS;
}

function releaseOf(input: PlanInput, opts: PlanOptions): string {
  if (opts.release !== undefined) return opts.release;
  const imported = Object.keys(input.releases);
  if (imported.length === 1) return imported[0]!;
  const own = machineRelease(opts.osRelease);
  if (own !== undefined) return own;
  throw new PkgmeError('RELEASE_UNKNOWN', 'no target release: give one with --release', 'usage', {
    hint: `Imported releases: ${imported.join(', ') || 'none'}; the machine's /etc/os-release names none.`,
  });
}

/**
 * One executable per base name, the first (best-ranked) one: each becomes the launcher <dir>/<basename>, and
 * uploads often ship a second copy (git's bin/git and lib/git-core/git), which would be two launchers with one name
 * (LAYOUT_LAUNCHER_CLASH). Applied after choosing the architecture tree, so x86_64/app and aarch64/app do not
 * shadow each other.
 */
function mainPerName(executables: string[]): string[] {
  const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
  return executables.filter((p, i) => executables.findIndex((q) => base(q) === base(p)) === i);
}

function verdictFor(input: PlanInput, release: string, arch: string): ArchVerdict | undefined {
  const v = input.releases[release];
  if (v === undefined) return undefined;
  return v.arch === arch ? v : v.architectures[arch];
}

/** The verdict for the report: the release's own when its main architecture is the chosen one. */
function releaseVerdict(release: ReleaseVerdict, chosen: ArchVerdict): ReleaseVerdict {
  return release.arch === chosen.arch ? release : { ...chosen, architectures: { [chosen.arch]: chosen } };
}

function required(field: 'name' | 'version', value: string | undefined): string {
  if (value !== undefined) return value;
  const code = field === 'name' ? 'NAME_UNKNOWN' : 'VERSION_UNKNOWN';
  const example = field === 'name' ? 'myapp' : '1.2.3';
  throw new PkgmeError(
    code,
    `no package ${field}: none in the metadata file, the upload's name or its top directory`,
    'input',
    { hint: `Add --set ${field}=${example}.`, details: { field } },
  );
}

/**
 * The epoch a package named like a Debian one takes: the highest of Debian's versions' epochs, when the version is
 * guessed (a user's --set version= is taken as given) and carries none. Debian's other packages' relations on the
 * name compare against Debian's epoch (bookworm's findutils: `Breaks: mc (<< 3:4.8.29)`), and dpkg ranks any
 * version without one below all with one: our mc 4.8.29-1 would be "older" than Debian's 3:4.8.29-2 and broken by
 * findutils, so apt refuses to install it.
 */
export function debianEpoch(versions: string[], version: Guess<unknown> | undefined): number {
  const own = str(version);
  if (version?.source === 'user' || own === undefined || own.includes(':')) return 0;
  let epoch = 0;
  for (const v of versions) {
    const r = checkVersion(v);
    if (!('problem' in r) && r.version.epoch > epoch) epoch = r.version.epoch;
  }
  return epoch;
}

/** The newest of Debian's versions (dpkg's order), for the warning. */
function newestVersion(versions: string[]): string {
  return versions.reduce((a, b) => {
    try {
      return compareVersions(a, b) >= 0 ? a : b;
    } catch {
      return a;
    }
  });
}

export function planPackage(input: PlanInput, opts: PlanOptions = {}): PackagePlan {
  const fields = applyOverrides(input.fields, opts.overrides ?? {});
  const pkg = required('name', str(fields.name));
  let upstream = required('version', str(fields.version));
  const settled = new Set(['NAME_UNKNOWN', 'VERSION_UNKNOWN']);
  for (const [field, codes] of Object.entries(SETTLES))
    if (fields[field]?.source === 'user') for (const c of codes) settled.add(c);
  const release = releaseOf(input, opts);
  // With the release's names known, the clash is decided here, against the final name (a backend's warning was
  // about the guessed one).
  const debianNames = input.debianPackages?.[release];
  const problems: Problem[] = input.problems.filter(
    (p) =>
      !settled.has(p.code) &&
      !RECOMPUTED.has(p.code) &&
      !(p.code === 'NAME_CLASHES_DEBIAN' && (fields.name?.source === 'user' || debianNames !== undefined)),
  );
  const decided: Record<string, Guess<unknown>> = { ...fields };

  const revision = str(fields.revision) ?? '1';
  if (fields.revision === undefined) decided.revision = guess(revision, 'default', 1);
  const debianVersions = debianNames?.[pkg] ?? [];
  if (debianVersions.length > 0) {
    const newest = newestVersion(debianVersions);
    const epoch = debianEpoch(debianVersions, fields.version);
    if (epoch > 0) {
      upstream = `${epoch}:${upstream}`;
      decided.version = guess(
        upstream,
        `${fields.version!.source}+debian-epoch:${release}/${pkg}=${newest}`,
        fields.version!.confidence,
      );
    }
    // A name the user chose is their decision; the epoch it brought is still said.
    if (fields.name?.source !== 'user' || epoch > 0)
      problems.push(
        nameClash(pkg, {
          release,
          version: newest,
          ...(epoch > 0 ? { epochTaken: `${upstream}-${revision}` } : {}),
        }),
      );
  }
  const colon = upstream.indexOf(':');
  const upstreamVersion = colon >= 0 ? upstream.slice(colon + 1) : upstream;

  const { architecture, tree } = chooseArchitecture(input.upload, fields, problems);
  decided.architecture = architecture;
  const entries = input.upload.inventory.entries.filter((e) => inTree(e.path, tree));

  decided.release = guess(release, opts.release !== undefined ? 'user' : 'default', 1);

  const userExes = fields.executables?.source === 'user';
  const inTreeExes = (strings(fields.executables) ?? []).filter((p) => userExes || inTree(p, tree));
  // A user's list is taken as given (a clash is their error to see); a guessed one keeps one per launcher name.
  const executables = userExes ? inTreeExes : mainPerName(inTreeExes);
  decided.executables = guess(
    executables,
    fields.executables?.source ?? 'default',
    fields.executables?.confidence ?? 0.3,
  );
  // A packed .deb (root null) has no inventory: its backend vouches for its content.
  const deb = fromDeb(input);
  if (executables.length === 0 && input.upload.root !== null) problems.push(noExecutables(entries, deb));
  problems.push(...missingExecutables(input.upload.inventory.entries, executables));
  problems.push(...bundledGlibc(entries, deb));
  problems.push(...brokenElf(entries, executables));

  const verdict = verdictFor(input, release, architecture.value);
  const dependsOverridden = fields.depends?.source === 'user';
  let depends = '';
  if (dependsOverridden) depends = str(fields.depends) ?? '';
  else if (verdict !== undefined) {
    depends = verdict.depends;
    decided.depends = guess(depends, `resolver:${release}/${verdict.arch}`, verdict.satisfiable ? 1 : 0.5);
  }
  // A backend's own Depends (a re-packaged .deb's) stands in when the resolver has nothing for the release; the
  // deb backend reports that as DEPENDS_NOT_RECHECKED.
  const backendDepends = dependsOverridden || verdict !== undefined ? undefined : str(fields.depends);
  if (backendDepends !== undefined) depends = backendDepends;
  if (input.upload.root !== null && !deb) {
    const sensible = withSensibleUtils(depends, sensibleUsers(input.upload.root, entries), dependsOverridden);
    if (sensible.depends !== depends && decided.depends !== undefined)
      decided.depends = { ...decided.depends, value: sensible.depends };
    depends = sensible.depends;
    problems.push(...sensible.problems);
  }
  if (verdict !== undefined) problems.push(...unresolvedLibraries(verdict, release, dependsOverridden));
  else if (
    !dependsOverridden &&
    backendDepends === undefined &&
    entries.some((e) => e.elf !== undefined && e.elf.needed.length > 0)
  )
    problems.push({
      severity: 'error',
      code: 'DEPENDS_UNKNOWN',
      message: `no dependency data for ${release} (${architecture.value}): the package's Depends cannot be computed`,
      hint: `Import the release (pkgme depdb import --source --release ${release} from an apt repository of it, or pkgme depdb import --local for this machine's own), choose an imported one with --release, or give --set depends=….`,
    });

  const desktopText = executables.length > 0 ? str(fields.desktop) : undefined;
  const displayName = desktopKey(desktopText, 'Name') ?? str(fields.displayName) ?? pkg;
  let categories = strings(fields.categories);
  if (categories === undefined) {
    const c = desktopKey(desktopText, 'Categories');
    categories = c === undefined ? [] : listValue(c);
    if (categories.length > 0) decided.categories = guess(categories, fields.desktop!.source, 0.8);
  }
  // The backend's section came from the categories it saw; corrected categories decide it again.
  const userCategories = fields.categories?.source === 'user';
  const section =
    fields.section?.source === 'user' || (!userCategories && fields.section !== undefined)
      ? fields.section!
      : guessSection(categories.length > 0 ? (decided.categories as Guess<string[]>) : undefined);
  decided.section = section;

  // Candidates in order of trust; the first one that survives lintian's synopsis rules wins.
  const candidates: Array<[string | undefined, string, number]> = [
    [str(fields.summary), fields.summary?.source ?? '', fields.summary?.confidence ?? 0],
    [str(fields.description)?.split('\n')[0], fields.description?.source ?? '', 0.6],
    [desktopKey(desktopText, 'Comment'), fields.desktop?.source ?? '', 0.5],
  ];
  let summary: string | undefined;
  for (const [raw, source, confidence] of candidates) {
    const clean = raw === undefined ? undefined : cleanSynopsis(raw, pkg);
    if (clean === undefined) continue;
    summary = clean;
    decided.summary = guess(summary, source, confidence);
    break;
  }
  if (fields.summary?.source === 'user' && cleanSynopsis(str(fields.summary) ?? '', pkg) === undefined)
    problems.push({
      severity: 'error',
      code: 'SUMMARY_INVALID',
      message: `--set summary="${str(fields.summary)}" is not a usable synopsis: lintian refuses one word, the package name or an article first`,
      hint: 'Give a few words saying what it does, e.g. --set summary="Prints the zlib version".',
    });
  if (summary === undefined) {
    summary = fallbackSynopsis(displayName);
    decided.summary = guess(summary, 'default', 0.2);
    problems.push({
      severity: 'warning',
      code: 'SUMMARY_DEFAULT',
      message: `no usable one-line summary: using "${summary}"`,
      hint: 'Set one with --set summary="What it does, in a few words".',
    });
  }
  const description = cleanDescription(str(fields.description), summary, displayName);
  decided.description = guess(
    description,
    fields.description?.source ?? 'default',
    fields.description?.confidence ?? 0.2,
  );

  const maintainer = maintainerFrom(fields, opts, problems);
  decided.maintainer = maintainer;

  let homepage = str(fields.homepage);
  if (homepage !== undefined && fields.homepage?.source !== 'user') {
    try {
      homepage = validateOverride('homepage', homepage, 'homepage');
    } catch {
      problems.push({
        severity: 'warning',
        code: 'HOMEPAGE_INVALID',
        message: `homepage "${homepage}" from ${fields.homepage!.source} is not an http(s) URL: left out`,
        hint: 'Set one with --set homepage=https://….',
      });
      homepage = undefined;
      delete decided.homepage;
    }
  }

  let license = str(fields.license);
  if (license === undefined) {
    license = 'proprietary';
    decided.license = guess(license, 'default', 0.2);
    problems.push({
      severity: 'warning',
      code: 'LICENSE_UNKNOWN',
      message: 'no license found (no LICENSE/COPYING file or metadata): the package says "proprietary"',
      hint: 'Add a LICENSE file to the upload or --set license=<SPDX id>.',
    });
  }
  const texts = licenseTexts(input.upload, fields.license);

  const date =
    (typeof fields.date?.value === 'number' ? fields.date.value : undefined) ??
    newestMtime(input.upload) ??
    opts.now ??
    Math.floor(Date.now() / 1000);
  if (fields.date === undefined) decided.date = guess(date, 'heuristic:newest-mtime', 0.8);

  let copyright = str(fields.copyright);
  if (copyright === undefined) {
    copyright = `${new Date(date * 1000).getUTCFullYear()} the ${displayName} developers`;
    decided.copyright = guess(copyright, 'default', 0.2);
    problems.push({
      severity: 'warning',
      code: 'COPYRIGHT_UNKNOWN',
      message: `no copyright holder found: debian/copyright says "${copyright}"`,
      hint: 'Set it with --set copyright="2024 Your Name".',
    });
  }

  const iconValue = str(fields.icon);
  const desktop =
    desktopText === undefined
      ? null
      : (finalDesktop(desktopText, {
          package: pkg,
          executable: executables[0]!,
          launcherDir: launcherDir({ section: section.value as string }),
          icon: iconValue ?? null,
          name: displayName,
          categories,
          summary,
          userCategories,
          userSummary: fields.summary?.source === 'user',
        }) ?? desktopText);
  if (desktop !== null && desktop !== desktopText && fields.desktop !== undefined)
    decided.desktop = guess(desktop, fields.desktop.source, fields.desktop.confidence);
  const plan: PackagePlan = {
    package: pkg,
    upstreamVersion,
    revision,
    version: `${upstream}-${revision}`,
    architecture: architecture.value,
    maintainer: maintainer.value,
    section: section.value as string,
    priority: 'optional',
    ...(homepage !== undefined ? { homepage } : {}),
    summary,
    description,
    license,
    ...texts,
    copyright,
    release,
    standardsVersion: standardsVersion(release, problems),
    depends,
    ...(verdict !== undefined ? { verdict: releaseVerdict(input.releases[release]!, verdict) } : {}),
    executables,
    desktop,
    icon: iconValue ?? null,
    categories,
    date,
    ...(tree !== '' ? { appRoot: tree } : {}),
    fields: decided,
    problems,
  };
  return plan;
}
