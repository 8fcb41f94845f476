/**
 * A .deb's control member → guessed fields and problems. The control file is the developer's own statement, so its
 * fields are kept (source `file:DEBIAN/control`, confidence 1) wherever they are sane, and reshaped or refused with
 * a problem where not. The maintainer scripts are never kept: pkgme never runs uploaded code, at inspection or at
 * install, and a generated package has no scripts of its own beyond what debhelper writes.
 */
import type { Paragraph } from '../formats/deb822/paragraph.ts';
import { parseRelations, type RelationGroup, formatRelations } from '../formats/relation/index.ts';
import { checkVersion } from '../formats/version/index.ts';
import { guess, type Guess } from '../inspect/guess/field.ts';
import { PACKAGE_NAME, toPackageName } from '../inspect/guess/name-version.ts';
import type { Problem } from './types.ts';

export const CONTROL_SOURCE = 'file:DEBIAN/control';

/** The relation fields kept (their non-library relations), by control name → field name. */
export const RELATION_FIELDS: Record<string, string> = {
  Depends: 'depends',
  'Pre-Depends': 'preDepends',
  Recommends: 'recommends',
  Suggests: 'suggests',
  Enhances: 'enhances',
  Conflicts: 'conflicts',
  Breaks: 'breaks',
  Replaces: 'replaces',
  Provides: 'provides',
};

/** Fields that state what the program needs at run time: their library relations are the resolver's job. */
const NEED_FIELDS = new Set(['Depends', 'Pre-Depends', 'Recommends']);

/** Control files that are code run by dpkg (or debconf) as root at install: dropped, never run. */
const SCRIPTS = ['preinst', 'postinst', 'prerm', 'postrm', 'config', 'triggers', 'templates'];
/** Control files pkgme regenerates (md5sums, control) or keeps as data (conffiles). */
const REGENERATED = new Set(['control', 'md5sums', 'conffiles']);

/**
 * Debian policy 8.1 names a shared-library package after its soname (libpng16-16, libgtk-3-0, libstdc++6; the old
 * zlib1g and libc6 too): "lib…" with a digit in it, not one of the companion packages (-dev, -common, -data, -bin,
 * -doc, -tools…). This is the test for relations a resolver answer does not name; the resolver's own packages count
 * as libraries whatever their names.
 */
export function looksLikeLibraryPackage(name: string): boolean {
  if (/-(dev|common|data|bin|doc|tools|utils|perl|java|dbg|udeb|locale|l10n)$/.test(name)) return false;
  return /^lib.*\d/.test(name) || /^zlib1g$/.test(name);
}

export function isLibraryGroup(group: RelationGroup, libraries: ReadonlySet<string> = new Set()): boolean {
  return group.some(
    (a) => a.type === 'package' && (libraries.has(a.name) || looksLikeLibraryPackage(a.name)),
  );
}

/** The extended description as plain paragraphs: one leading space off each line, " ." lines become blank. */
export function plainDescription(lines: string[]): string {
  return lines
    .map((l) => l.replace(/^ /, ''))
    .map((l) => (l === '.' ? '' : l))
    .join('\n')
    .trim();
}

export interface ControlGuesses {
  fields: Record<string, Guess<unknown>>;
  problems: Problem[];
}

function nameGuess(raw: string | undefined, out: ControlGuesses): void {
  if (raw === undefined) {
    out.problems.push({
      severity: 'error',
      code: 'DEB_BAD_NAME',
      message: 'the .deb’s control file has no Package field',
      hint: 'Give the package name with --set name=NAME.',
    });
    return;
  }
  if (PACKAGE_NAME.test(raw)) {
    out.fields.name = guess(raw, CONTROL_SOURCE, 1);
    return;
  }
  const fixed = toPackageName(raw);
  if (fixed === undefined) {
    out.problems.push({
      severity: 'error',
      code: 'DEB_BAD_NAME',
      message: `the .deb’s Package "${raw}" is not a valid Debian package name and cannot be reshaped into one`,
      hint: 'Give the package name with --set name=NAME (lowercase letters, digits, + - .).',
    });
    return;
  }
  out.fields.name = guess(fixed, CONTROL_SOURCE, 0.7);
  out.fields.controlName = guess(raw, CONTROL_SOURCE, 1);
  out.problems.push({
    severity: 'warning',
    code: 'DEB_NAME_RESHAPED',
    message: `the .deb’s Package "${raw}" is not policy-valid; using "${fixed}"`,
    hint: `Accept it, or choose another name with --set name=NAME.`,
  });
}

/**
 * Version: kept whole, so the re-packaged .deb sorts exactly like the vendor's (users and apt compare them). The
 * epoch stays on `version` (as a user's --set version=1:2.0 would), the Debian revision becomes `revision`; a native
 * version (no revision) gets the default revision "1".
 */
function versionGuess(raw: string | undefined, out: ControlGuesses): void {
  const r = raw === undefined ? undefined : checkVersion(raw);
  if (r === undefined || 'problem' in r) {
    out.problems.push({
      severity: 'error',
      code: 'DEB_BAD_VERSION',
      message:
        raw === undefined
          ? 'the .deb’s control file has no Version field'
          : `the .deb’s Version "${raw}" is invalid: ${r!.problem.reason}`,
      hint: 'Give the version with --set version=X.Y (and --set revision=N).',
    });
    return;
  }
  const v = r.version;
  out.fields.version = guess(
    `${v.epoch ? `${v.epoch}:` : ''}${v.upstream}`,
    CONTROL_SOURCE,
    r.warning ? 0.8 : 1,
  );
  out.fields.revision =
    v.revision === '' ? guess('1', 'default', 1) : guess(v.revision, CONTROL_SOURCE, r.warning ? 0.8 : 1);
  if (r.warning)
    out.problems.push({
      severity: 'warning',
      code: 'DEB_VERSION_WARNING',
      message: `the .deb’s Version "${raw}": ${r.warning.reason}`,
      hint: 'dpkg accepts it with a warning; fix it with --set version=…',
    });
}

/** Architecture must agree with the ELF files: a package that says amd64 but ships arm64 code would not run. */
function architectureGuess(raw: string | undefined, elfArches: string[], out: ControlGuesses): void {
  if (raw === undefined) {
    out.problems.push({
      severity: 'error',
      code: 'DEB_ARCH_MISMATCH',
      message: 'the .deb’s control file has no Architecture field',
      hint: 'Give it with --set architecture=ARCH.',
    });
    return;
  }
  const agrees = elfArches.length === 0 ? true : elfArches.length === 1 && elfArches[0] === raw;
  out.fields.architecture = guess(raw, CONTROL_SOURCE, agrees ? 1 : 0.2);
  if (!agrees)
    out.problems.push({
      severity: 'error',
      code: 'DEB_ARCH_MISMATCH',
      message:
        `the .deb says Architecture: ${raw}, but its ELF files are ${elfArches.join(', ')}` +
        (raw === 'all' ? ' (an arch:all package cannot ship compiled code)' : ''),
      hint:
        elfArches.length === 1
          ? `Rebuild the .deb with Architecture: ${elfArches[0]}, or --set architecture=${elfArches[0]}.`
          : `Ship one .deb per architecture (its ELF files are ${elfArches.join(', ')}).`,
    });
}

/** "Full Name <address>", as policy 5.6.2 wants it; anything else is left to the default maintainer. */
const MAINTAINER = /^[^<>,]+ <[^<>@\s]+@[^<>\s]+>$/;

function textGuesses(c: Paragraph, out: ControlGuesses): void {
  const maintainer = c.get('Maintainer');
  if (maintainer !== undefined && MAINTAINER.test(maintainer))
    out.fields.maintainer = guess(maintainer, CONTROL_SOURCE, 1);
  else if (maintainer !== undefined)
    out.problems.push({
      severity: 'warning',
      code: 'DEB_BAD_MAINTAINER',
      message: `the .deb’s Maintainer "${maintainer}" is not "Full Name <email>"; it is not kept`,
      hint: 'Give it with --set maintainer="Full Name <you@example.org>".',
    });
  for (const [key, name] of [
    ['Section', 'section'],
    ['Homepage', 'homepage'],
  ] as const) {
    const v = c.get(key);
    if (v !== undefined && v !== '') out.fields[name] = guess(v, CONTROL_SOURCE, 1);
  }
  const desc = c.get('Description');
  if (desc !== undefined) {
    const [first, ...rest] = desc.split('\n');
    if (first!.trim() !== '') out.fields.summary = guess(first!.trim(), CONTROL_SOURCE, 1);
    const body = plainDescription(rest);
    if (body !== '') out.fields.description = guess(body, CONTROL_SOURCE, 1);
  }
}

/**
 * Relation fields: kept minus the library relations of Depends/Pre-Depends/Recommends, which the resolver
 * recomputes for the target release (deb-depends.ts compares the two). The untouched original Depends stays visible
 * as `controlDepends` for the report.
 */
function relationGuesses(c: Paragraph, out: ControlGuesses): void {
  for (const [key, name] of Object.entries(RELATION_FIELDS)) {
    const raw = c.get(key);
    if (raw === undefined || raw.trim() === '') continue;
    if (key === 'Depends' || key === 'Pre-Depends')
      out.fields[key === 'Depends' ? 'controlDepends' : 'controlPreDepends'] = guess(raw, CONTROL_SOURCE, 1);
    let list;
    try {
      list = parseRelations(raw);
    } catch (err) {
      out.problems.push({
        severity: 'warning',
        code: 'DEB_BAD_RELATION',
        message: `the .deb’s ${key} cannot be parsed (${(err as Error).message}); it is not kept`,
        hint: `Restate it with --set depends=… (Depends only) or rebuild the .deb with a valid ${key}.`,
      });
      continue;
    }
    const kept = NEED_FIELDS.has(key) ? list.filter((g) => !isLibraryGroup(g)) : list;
    // An empty Depends says "nothing besides the libraries"; other emptied fields are left out.
    if (kept.length > 0 || key === 'Depends')
      out.fields[name] = guess(formatRelations(kept), CONTROL_SOURCE, kept.length === list.length ? 1 : 0.9);
  }
}

/**
 * The control files besides `control`: maintainer scripts, triggers and debconf templates are dropped with one
 * warning naming them; shlibs/symbols are dropped (a re-packaged application is not a library others link against
 * through us); conffiles are kept when every line names a regular file the package ships (dpkg refuses the package
 * otherwise), else dropped with a warning.
 */
export function controlFileGuesses(
  files: ReadonlyMap<string, Uint8Array>,
  shipped: (path: string) => boolean,
  out: ControlGuesses,
): void {
  const scripts = [...files.keys()].filter((n) => SCRIPTS.includes(n)).sort();
  if (scripts.length)
    out.problems.push({
      severity: 'warning',
      code: 'DEB_MAINTAINER_SCRIPTS_DROPPED',
      message: `the .deb’s ${scripts.join(', ')} ${scripts.length === 1 ? 'is' : 'are'} not kept: pkgme never runs uploaded code, at install either`,
      hint: 'If the application needs set-up at install (users, services, alternatives), ship it as a first-run step of the application, or package it by hand.',
    });
  const other = [...files.keys()].filter((n) => !SCRIPTS.includes(n) && !REGENERATED.has(n)).sort();
  if (other.length)
    out.problems.push({
      severity: 'warning',
      code: 'DEB_CONTROL_FILES_DROPPED',
      message: `the .deb’s control files ${other.join(', ')} are not kept (md5sums is regenerated; shlibs/symbols describe a library for other packages)`,
      hint: 'Nothing to do for an application; a shared library for other packages needs a hand-made package.',
    });
  const conffiles = files.get('conffiles');
  if (conffiles === undefined) return;
  const lines = Buffer.from(conffiles)
    .toString('utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const bad = lines.filter((l) => !/^\/[^\s]+$/.test(l) || !shipped(l.slice(1)));
  if (bad.length === 0) out.fields.conffiles = guess(lines, 'file:DEBIAN/conffiles', 1);
  else
    out.problems.push({
      severity: 'warning',
      code: 'DEB_CONFFILES_DROPPED',
      message: `the .deb’s conffiles list is not kept: ${bad.slice(0, 3).join(', ')}${bad.length > 3 ? ` and ${bad.length - 3} more` : ''} ${bad.length === 1 ? 'is' : 'are'} not a shipped file (or use flags pkgme does not keep)`,
      hint: 'Files under /etc are conffiles anyway (debhelper marks them); fix the list and rebuild the .deb for others.',
    });
}

/** The control paragraph → guesses; `elfArches` are the Debian architectures of the ELF files the .deb ships. */
export function controlGuesses(c: Paragraph, elfArches: string[]): ControlGuesses {
  const out: ControlGuesses = { fields: {}, problems: [] };
  nameGuess(c.get('Package'), out);
  versionGuess(c.get('Version'), out);
  architectureGuess(c.get('Architecture'), elfArches, out);
  textGuesses(c, out);
  relationGuesses(c, out);
  return out;
}
