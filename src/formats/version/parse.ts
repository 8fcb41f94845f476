/**
 * Debian version strings: `[epoch:]upstream[-revision]` (deb-version(7)).
 *
 * The rules follow what dpkg 1.21 itself does (lib/dpkg/parsehelp.c), not what Policy recommends, because dpkg is
 * what finally accepts or rejects a package. dpkg sorts problems into two classes, and so do we:
 *  - errors (empty string, embedded spaces, bad epoch, empty revision…): the string has no meaning at all;
 *  - warnings (upstream not starting with a digit, characters outside the allowed sets): dpkg still compares such a
 *    version, but refuses it in a control file unless told to be lax.
 * `parseVersion` is strict (both are VERSION_INVALID); `parseVersionLax` accepts warnings and reports them, like
 * `dpkg --compare-versions` does. Messages are dpkg's own wording, so users can search for them.
 */
import { PkgmeError } from '../../errors.ts';

export interface DebVersion {
  /** 0 when absent. dpkg keeps it in an int: 0 … 2147483647. */
  epoch: number;
  /** Never empty. May contain `:` (only if an epoch is written) and `-` (only if a revision is). */
  upstream: string;
  /** '' when the version has no `-revision` part; `1.0` and `1.0-0` compare equal, as in dpkg. */
  revision: string;
}

export type VersionProblemSeverity = 'error' | 'warning';

export interface VersionProblem {
  severity: VersionProblemSeverity;
  /** dpkg's wording, e.g. "epoch in version is negative". */
  reason: string;
}

export type VersionCheck = { version: DebVersion; warning?: VersionProblem } | { problem: VersionProblem };

const MAX_EPOCH = 2147483647;

/** dpkg trims and splits on c_isblank: space and tab only. A newline is simply an invalid character. */
function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isAlnum(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** Allowed punctuation: upstream `. - + ~ :`, revision `. + ~`. */
function upstreamCharOk(c: number): boolean {
  return isAlnum(c) || c === 0x2e || c === 0x2d || c === 0x2b || c === 0x7e || c === 0x3a;
}

function revisionCharOk(c: number): boolean {
  return isAlnum(c) || c === 0x2e || c === 0x2b || c === 0x7e;
}

function error(reason: string): VersionCheck {
  return { problem: { severity: 'error', reason } };
}

/**
 * The epoch is read by dpkg with strtol(), whose quirks are part of what dpkg accepts: leading C whitespace
 * (`\n\v\f\r`; space and tab were already rejected) and a sign are allowed, so `+1:2` and `-0:2` are valid.
 */
function parseEpoch(text: string): number | VersionCheck {
  let i = 0;
  while (i < text.length && '\n\v\f\r'.includes(text[i]!)) i++;
  let negative = false;
  if (text[i] === '+' || text[i] === '-') {
    negative = text[i] === '-';
    i++;
  }
  const digitsStart = i;
  while (i < text.length && isDigit(text.charCodeAt(i))) i++;
  if (i === digitsStart) return error('epoch in version is empty');
  if (i !== text.length) return error('epoch in version is not number');
  const digits = text.slice(digitsStart).replace(/^0+/, '');
  if (negative && digits !== '') return error('epoch in version is negative');
  if (digits.length > 10 || Number(digits) > MAX_EPOCH) return error('epoch in version is too big');
  return Number(digits);
}

/** Classifies a version string the way dpkg does. Never throws. */
export function checkVersion(input: string): VersionCheck {
  let start = 0;
  let end = input.length;
  while (start < end && isBlank(input.charCodeAt(start))) start++;
  if (start === end) return error('version string is empty');
  let stop = start;
  while (stop < end && !isBlank(input.charCodeAt(stop))) stop++;
  let after = stop;
  while (after < end && isBlank(input.charCodeAt(after))) after++;
  if (after < end) return error('version string has embedded spaces');
  end = stop;

  let epoch = 0;
  let rest = input.slice(start, end);
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const e = parseEpoch(rest.slice(0, colon));
    if (typeof e !== 'number') return e;
    epoch = e;
    // dpkg looks past the colon before trimming trailing blanks, so `1: ` is an empty upstream, not this.
    if (start + colon + 1 === input.length) return error('nothing after colon in version number');
    rest = rest.slice(colon + 1);
  }
  let upstream = rest;
  let revision = '';
  const hyphen = rest.lastIndexOf('-');
  if (hyphen >= 0) {
    revision = rest.slice(hyphen + 1);
    if (revision === '') return error('revision number is empty');
    upstream = rest.slice(0, hyphen);
  }
  if (upstream === '') return error('version number is empty');
  const version: DebVersion = { epoch, upstream, revision };
  let warning: VersionProblem | undefined;
  if (!isDigit(upstream.charCodeAt(0))) {
    warning = { severity: 'warning', reason: 'version number does not start with digit' };
  } else {
    for (let i = 0; i < upstream.length; i++) {
      if (!upstreamCharOk(upstream.charCodeAt(i))) {
        warning = { severity: 'warning', reason: 'invalid character in version number' };
        break;
      }
    }
    if (warning === undefined) {
      for (let i = 0; i < revision.length; i++) {
        if (!revisionCharOk(revision.charCodeAt(i))) {
          warning = { severity: 'warning', reason: 'invalid character in revision number' };
          break;
        }
      }
    }
  }
  return warning === undefined ? { version } : { version, warning };
}

function invalid(input: string, problem: VersionProblem): PkgmeError {
  const shown = input.length > 200 ? `${input.slice(0, 200)}…` : input;
  return new PkgmeError('VERSION_INVALID', `version '${shown}' has bad syntax: ${problem.reason}`, 'input', {
    hint:
      'A Debian version is [epoch:]upstream[-revision]: the epoch is a number, upstream starts with a digit and ' +
      'uses A-Za-z0-9 . + ~ (plus - and : when a revision/epoch is present), the revision uses A-Za-z0-9 . + ~',
    details: { version: shown, reason: problem.reason, severity: problem.severity },
  });
}

/** Strict parse, as dpkg parses a control file's Version field: errors and warnings both throw VERSION_INVALID. */
export function parseVersion(input: string): DebVersion {
  const r = checkVersion(input);
  if ('problem' in r) throw invalid(input, r.problem);
  if (r.warning !== undefined) throw invalid(input, r.warning);
  return r.version;
}

/**
 * Lax parse, as `dpkg --compare-versions` does: only errors throw; a warning is returned alongside so callers can
 * report it.
 */
export function parseVersionLax(input: string): { version: DebVersion; warning?: VersionProblem } {
  const r = checkVersion(input);
  if ('problem' in r) throw invalid(input, r.problem);
  return r;
}

/**
 * Canonical text. The epoch is written when non-zero, and also when the upstream part contains a colon (otherwise
 * the text would re-parse with a different epoch). `format(parseVersion(x))` re-parses to an equal version.
 */
export function formatVersion(v: DebVersion): string {
  const epoch = v.epoch !== 0 || v.upstream.includes(':') ? `${v.epoch}:` : '';
  return `${epoch}${v.upstream}${v.revision === '' ? '' : `-${v.revision}`}`;
}
