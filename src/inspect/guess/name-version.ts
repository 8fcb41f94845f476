/**
 * Package name and upstream version (issue 4, "Package name and version").
 *
 * Order of trust: the metadata file (the developer said so), then the upload's file name (`foo-1.2.3-linux-x86_64
 * .tar.gz`), then its single top directory (`foo-1.2.3/`). Names are made valid under Debian Policy 5.6.1
 * (lowercase `[a-z0-9][a-z0-9+.-]+`); versions are checked with dpkg's own rules (src/formats/version). A version
 * that cannot be made valid is reported as a problem, never invented: a wrong version poisons upgrades forever.
 */
import { checkVersion } from '../../formats/version/index.ts';
import { guess, type Guess } from './field.ts';
import type { MetadataFields } from './metadata.ts';

export interface GuessProblem {
  severity: 'warning' | 'error';
  code: string;
  message: string;
  hint: string;
}

export interface NameVersionGuess {
  package?: Guess<string>;
  version?: Guess<string>;
  problems: GuessProblem[];
}

/** Longest first, so `.tar.gz` is removed whole rather than leaving `.tar`. */
const ARCHIVE_EXT = /\.(tar\.(gz|xz|bz2|zst|lz|lzma|z)|tgz|txz|tbz2?|tzst|tar|zip|7z|run|appimage)$/i;

/**
 * Platform words developers append after the version. Removed from the end repeatedly, so
 * `-linux-x86_64-glibc` goes whole. `x86_64`/`x86-64` contain a separator, hence the explicit alternatives.
 */
const PLATFORM_SUFFIX =
  /[-_.](linux|gnu|glibc|musl|static|portable|bin|binary|x86[-_]64|amd64|x64|i[3-6]86|x86|ia32|arm64|aarch64|armhf|armv7l?|arm|64bit|32bit|universal)$/i;

/** `name<sep>[v]version` where the version starts with a digit. The name part is non-greedy: the first version wins. */
const NAME_VERSION = /^(.+?)[-_. ]v?(\d[0-9A-Za-z.+~_-]*)$/;

export interface SplitName {
  name: string;
  version?: string;
}

const MAX_NAME_CHARS = 1024;

/** Splits an archive or directory name into its name and (raw) version part. */
export function splitUploadName(fileName: string): SplitName {
  // A path component is at most NAME_MAX (255) bytes; anything longer is not a real name, and bounding it keeps the
  // non-greedy split below linear-ish.
  if (fileName.length > MAX_NAME_CHARS) return { name: '' };
  let stem = fileName.replace(/\/+$/, '').replace(/^.*\//, '').replace(ARCHIVE_EXT, '');
  for (let prev = ''; prev !== stem;) {
    prev = stem;
    stem = stem.replace(PLATFORM_SUFFIX, '');
  }
  const m = NAME_VERSION.exec(stem);
  if (m === null) return { name: stem };
  return { name: m[1] ?? stem, version: m[2] };
}

/** Policy 5.6.1. Also what `dpkg --validate-pkgname` accepts. */
export const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]+$/;

/**
 * Makes a name policy-valid: lowercase, `_`/spaces/other characters become `-`, runs collapse, leading characters
 * that cannot start a name and a trailing `-`/`.` go (a trailing `+` is kept: g++). Undefined when fewer than 2 characters remain.
 */
export function toPackageName(raw: string): string | undefined {
  const s = raw
    .toLowerCase()
    .replace(/[^a-z0-9+.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/[-.]+$/, '');
  return PACKAGE_NAME.test(s) ? s : undefined;
}

/**
 * Makes an upstream version dpkg-valid, or returns a reason. A leading `v` goes; `_` becomes `.`; a pre-release
 * (`1.0-rc1`, `2.0-beta`) becomes `1.0~rc1` so it sorts before the release, as Debian does; any other `-` becomes
 * `.` because a `-` would be read as a Debian revision.
 */
export function toUpstreamVersion(raw: string): { version: string } | { problem: string } {
  const v = raw
    .trim()
    .replace(/^v(?=\d)/i, '')
    .replace(/_/g, '.')
    .replace(/[-.]?(alpha|beta|rc|pre|preview|dev)/gi, (m, w: string) => `~${w.toLowerCase()}`)
    .replace(/-/g, '.');
  const r = checkVersion(v);
  if ('problem' in r) return { problem: `"${raw}": ${r.problem.reason}` };
  if (r.warning !== undefined) return { problem: `"${raw}": ${r.warning.reason}` };
  if (r.version.epoch !== 0 || r.version.revision !== '')
    return { problem: `"${raw}": not a plain upstream version` };
  return { version: v };
}

/** What Debian has under a clashing name, for the warning: its release and version, and the epoch the plan took. */
export interface DebianClash {
  release: string;
  /** Debian's version (the newest when the release has several). */
  version: string;
  /** The plan's version when it took Debian's epoch (see src/packaging/plan.ts), else undefined. */
  epochTaken?: string;
}

/**
 * NAME_CLASHES_DEBIAN: the package name is a Debian package's. With what Debian has (the plan knows it from the
 * dependency database), the message names its version and, when the plan took its epoch, says why: Debian's other
 * packages' relations on the name (bookworm's findutils `Breaks: mc (<< 3:4.8.29)`) compare against that epoch, and
 * without it apt ranks our package below every epoch'd version and refuses it.
 */
export function nameClash(name: string, debian: DebianClash): GuessProblem {
  const has = `: ${debian.release} has ${name} ${debian.version}`;
  const epoch =
    debian.epochTaken === undefined
      ? ''
      : `; the version takes Debian's epoch (${debian.epochTaken}), because Debian's relations on ${name} compare against it and apt would rank an epoch-less version below Debian's`;
  return {
    severity: 'warning',
    code: 'NAME_CLASHES_DEBIAN',
    message: `package name "${name}" is already used by a Debian package${has}${epoch}`,
    hint: `Installing it would replace or conflict with Debian's ${name}; choose another with --set package=NAME${debian.epochTaken !== undefined ? ', or give the version yourself with --set version=' : ''}.`,
  };
}

export interface NameVersionInput {
  metadata?: MetadataFields;
  /** The uploaded file's name, e.g. `foo-1.2.3-linux-x86_64.tar.gz`. */
  uploadName?: string;
  /** The single top directory inside the upload, if there is one. */
  topDir?: string;
}

/** Heuristic confidences: a file name is usually right, a directory name less so (often just `dist/`). */
const CONF_UPLOAD_NAME = 0.7;
const CONF_TOP_DIR = 0.6;
/** A metadata value that had to be changed to be valid is still the developer's, but not verbatim. */
const CONF_METADATA_FIXED = 0.9;

export function guessNameVersion(input: NameVersionInput): NameVersionGuess {
  const problems: GuessProblem[] = [];
  const md = input.metadata ?? {};
  type Cand = { raw: string; source: string; confidence: number };
  const names: Cand[] = [];
  const versions: Cand[] = [];
  // Each metadata source keeps its own confidence: 1 for the developer's pkgme.json/devportal file, less for an npm
  // manifest (npm-manifest.ts).
  for (const g of [md.package, md.name])
    if (g !== undefined) names.push({ raw: g.value, source: g.source, confidence: g.confidence });
  if (md.version !== undefined)
    versions.push({ raw: md.version.value, source: md.version.source, confidence: md.version.confidence });
  for (const [n, source, confidence] of [
    [input.uploadName, 'heuristic:upload-name', CONF_UPLOAD_NAME],
    [input.topDir, 'heuristic:directory-name', CONF_TOP_DIR],
  ] as const) {
    if (n === undefined) continue;
    const s = splitUploadName(n);
    names.push({ raw: s.name, source, confidence });
    if (s.version !== undefined) versions.push({ raw: s.version, source, confidence });
  }

  const out: NameVersionGuess = { problems };
  for (const c of names) {
    const name = toPackageName(c.raw);
    if (name === undefined) continue;
    const conf = name === c.raw || c.confidence < 1 ? c.confidence : CONF_METADATA_FIXED;
    out.package = guess(name, c.source, conf);
    break;
  }
  if (out.package === undefined)
    problems.push({
      severity: 'error',
      code: 'NAME_UNKNOWN',
      message: 'no usable package name in the metadata file, the upload name or its top directory',
      hint: 'Set one with --set package=NAME (lowercase letters, digits, + - .; at least 2 characters).',
    });

  for (const c of versions) {
    const r = toUpstreamVersion(c.raw);
    if ('problem' in r) {
      problems.push({
        severity: 'warning',
        code: 'VERSION_INVALID',
        message: `version from ${c.source} is not a valid Debian version: ${r.problem}`,
        hint: 'Set one with --set version=X.Y.Z (it must start with a digit).',
      });
      continue;
    }
    out.version = guess(
      r.version,
      c.source,
      r.version === c.raw ? c.confidence : Math.min(c.confidence, CONF_METADATA_FIXED),
    );
    break;
  }
  if (out.version === undefined)
    problems.push({
      severity: 'error',
      code: 'VERSION_UNKNOWN',
      message: 'no valid version in the metadata file, the upload name or its top directory',
      hint: 'Set one with --set version=X.Y.Z.',
    });
  return out;
}
