/**
 * The user's corrections (issue 4, "Corrections"): `--set field=value` (repeatable) and an overrides JSON file with
 * the same field names. Overrides win over every guess and are recorded with source "user", confidence 1.
 *
 * Every value is validated here, before any planning, because a wrong name, version or architecture is baked into
 * file names, the changelog and upgrade ordering: a bad value is an INVALID_OVERRIDE error (kind input) that shows
 * the value, why it is refused and an example of a good one, never a package that fails later in dpkg or lintian.
 * An unknown field is a usage error (kind usage) listing the settable fields.
 */
import { readFileSync, statSync } from 'node:fs';
import { PkgmeError } from '../errors.ts';
import { guess, type Guess } from '../inspect/guess/field.ts';
import { PACKAGE_NAME } from '../inspect/guess/name-version.ts';
import { DEBIAN_SECTIONS, isDebianSection } from '../inspect/guess/section.ts';
import { formatRelations, parseRelations } from '../formats/relation/index.ts';
import { checkVersion } from '../formats/version/index.ts';
import { SETTABLE_FIELDS, type Overrides, type SettableField } from './types.ts';

/** Fields whose value is a list: comma-separated on the command line, a JSON array (or that string) in a file. */
const LIST_FIELDS = new Set<SettableField>(['categories', 'executables']);

/**
 * Other spellings users reach for: `package` is what Debian calls the name (and what name-version.ts's hints
 * say), the rest mirror the metadata file's keys.
 */
const ALIASES: Record<string, SettableField> = {
  package: 'name',
  tagline: 'summary',
  website: 'homepage',
  arch: 'architecture',
};

/**
 * Debian architectures on Linux: `dpkg-architecture -L` without an OS prefix (the test compares). pkgme packages
 * Linux ELF binaries, so hurd-, kfreebsd-, musl- and the like are refused. `all` is for an upload without ELF code.
 */
export const DEBIAN_ARCHITECTURES =
  `alpha amd64 arc arm arm64 arm64ilp32 armeb armel armhf avr32 hppa i386 ia64 loong64
m32r m68k mips mips64 mips64el mips64r6 mips64r6el mipsel mipsn32 mipsn32el mipsn32r6 mipsn32r6el mipsr6 mipsr6el nios2
or1k powerpc powerpcel powerpcspe ppc64 ppc64el riscv64 s390 s390x sh3 sh3eb sh4 sh4eb sparc sparc64 tilegx
x32`.split(/\s+/);
const ARCH_SET = new Set([...DEBIAN_ARCHITECTURES, 'all']);

/** Longest synopsis Debian's tools accept without lintian's synopsis-is-too-long (Policy 3.4.1: ≤ 80). */
export const MAX_SUMMARY_CHARS = 80;
/** An overrides file is a handful of fields; larger is not one. */
export const MAX_OVERRIDES_BYTES = 1 << 20;

function isSettable(f: string): f is SettableField {
  return (SETTABLE_FIELDS as readonly string[]).includes(f);
}

function unknownField(field: string, where: string): PkgmeError {
  return new PkgmeError('INVALID_OVERRIDE', `${where}: unknown field "${field}"`, 'usage', {
    hint: `Settable fields: ${SETTABLE_FIELDS.join(', ')}.`,
    details: { field, settable: [...SETTABLE_FIELDS] },
  });
}

/** The shared shape of a refused value: which field, the value, why, and what a good one looks like. */
function refuse(field: string, value: string, why: string, example: string, where: string): PkgmeError {
  return new PkgmeError(
    'INVALID_OVERRIDE',
    `${where}: ${field}=${JSON.stringify(value)} is not valid: ${why}`,
    'input',
    {
      hint: `For example: --set ${field}=${example}`,
      details: { field, value, why, example },
    },
  );
}

const MAINTAINER = /^([^<>,\n]*[^<>,\s])\s*<([^<>\s@]+)@([^<>\s@]+)>$/;
const LOCAL_DOMAIN = /(^|\.)(localhost|localdomain|local|invalid)$/i;
const ICON_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
const CATEGORY = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
/** An SPDX expression, loosely: ids (with + and LicenseRef-/proprietary) joined by AND/OR/WITH, with parentheses. */
const LICENSE_TOKEN = /^(\(|\)|AND|OR|WITH|[A-Za-z0-9][A-Za-z0-9.+-]*)$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function checkLicense(v: string): string | undefined {
  const tokens = v.replace(/[()]/g, ' $& ').trim().split(/\s+/);
  if (!tokens.every((t) => LICENSE_TOKEN.test(t))) return 'not an SPDX license expression';
  let depth = 0;
  for (const t of tokens) {
    depth += t === '(' ? 1 : t === ')' ? -1 : 0;
    if (depth < 0) return 'unbalanced parentheses';
  }
  if (depth !== 0) return 'unbalanced parentheses';
  const ids = tokens.filter((t) => !['(', ')', 'AND', 'OR', 'WITH'].includes(t));
  if (ids.length !== tokens.filter((t) => ['AND', 'OR', 'WITH'].includes(t)).length + 1)
    return 'operators and license ids do not alternate';
  return undefined;
}

/** Seconds since the epoch from an ISO-8601 date or an integer; undefined when it is neither. */
export function parseDate(v: string): number | undefined {
  if (/^\d{1,12}$/.test(v)) return Number(v);
  if (!ISO_DATE.test(v)) return undefined;
  const ms = Date.parse(v.replace(' ', 'T'));
  return Number.isFinite(ms) && ms >= 0 ? Math.floor(ms / 1000) : undefined;
}

/** A relative path inside the upload: no leading `/`, no `..` component, no empty component. */
function checkUploadPath(p: string): string | undefined {
  if (p.startsWith('/')) return 'an absolute path; give the path inside the upload';
  if (p.split('/').some((c) => c === '' || c === '.' || c === '..'))
    return 'must be a plain relative path inside the upload';
  return undefined;
}

/**
 * Validates one value and returns it normalised (depends in canonical form, date as epoch seconds, a version's
 * surrounding blanks trimmed). Throws INVALID_OVERRIDE naming `where` (the --set argument or the file and key).
 */
export function validateOverride(field: SettableField, value: string, where: string): string {
  const no = (why: string, example: string) => refuse(field, value, why, example, where);
  const v = value.trim();
  if (v === '' && field !== 'depends') throw no('empty', exampleFor(field));
  switch (field) {
    case 'name':
      if (v.length < 2) throw no('a package name has at least 2 characters', 'myapp');
      if (!PACKAGE_NAME.test(v))
        throw no(
          'Debian package names use lowercase letters, digits, + - . and start with a letter or digit (Policy 5.6.1)',
          v
            .toLowerCase()
            .replace(/[^a-z0-9+.-]+/g, '-')
            .replace(/^[^a-z0-9]+/, '') || 'myapp',
        );
      return v;
    case 'version': {
      const r = checkVersion(v);
      if ('problem' in r) throw no(r.problem.reason, '1.2.3');
      if (r.warning !== undefined) throw no(r.warning.reason, '1.2.3');
      if (r.version.revision !== '')
        throw no(
          'it contains "-", which would start a Debian revision',
          `${v.replace(/-/g, '.')} (and --set revision=N)`,
        );
      return v;
    }
    case 'revision': {
      const r = checkVersion(`0-${v}`);
      if ('problem' in r || r.warning !== undefined || r.version.revision !== v)
        throw no('a revision uses letters, digits and + . ~ only (no "-")', '1');
      return v;
    }
    case 'architecture':
      if (!ARCH_SET.has(v))
        throw no('not a Debian architecture on Linux (see dpkg-architecture -L)', 'amd64');
      return v;
    case 'maintainer': {
      const m = MAINTAINER.exec(v);
      if (m === null) throw no('expected "Full Name <user@domain>"', '"Jane Doe <jane@example.org>"');
      if (!m[3]!.includes('.') || LOCAL_DOMAIN.test(m[3]!))
        throw no(
          'the e-mail domain must be a real, public one (lintian refuses local addresses)',
          '"Jane Doe <jane@example.org>"',
        );
      return `${m[1]!.trim()} <${m[2]!}@${m[3]!}>`;
    }
    case 'homepage': {
      let u: URL | undefined;
      try {
        u = new URL(v);
      } catch {
        u = undefined;
      }
      if (u === undefined || (u.protocol !== 'http:' && u.protocol !== 'https:') || u.hostname === '')
        throw no('expected an http:// or https:// URL', 'https://example.org/myapp');
      return v;
    }
    case 'license': {
      const why = checkLicense(v);
      if (why !== undefined) throw no(why, 'MIT (or GPL-3.0-or-later, proprietary, LicenseRef-MyTerms)');
      return v;
    }
    case 'section':
      if (!isDebianSection(v)) throw no(`not a Debian section (${DEBIAN_SECTIONS.join(' ')})`, 'utils');
      return v;
    case 'summary':
      if (/[\r\n]/.test(v)) throw no('the summary is one line', '"A short description of the app"');
      if (v.length > MAX_SUMMARY_CHARS)
        throw no(`${v.length} characters, over ${MAX_SUMMARY_CHARS}`, '"A short description of the app"');
      return v;
    case 'depends': {
      if (v === '') return '';
      try {
        return formatRelations(parseRelations(v, { field: 'Depends' }));
      } catch (err) {
        throw no(err instanceof PkgmeError ? err.message : String(err), '"libfoo1 (>= 1.2), libbar2"');
      }
    }
    case 'date': {
      const s = parseDate(v);
      if (s === undefined)
        throw no('expected an ISO-8601 date or seconds since the epoch', '2024-05-01T12:00:00Z');
      return String(s);
    }
    case 'icon':
      if (!ICON_NAME.test(v)) throw no('an icon name is letters, digits and . _ + - (no path)', 'myapp');
      return v;
    case 'categories':
      if (!CATEGORY.test(v))
        throw no('an XDG category is one word (see the Desktop Menu spec)', 'Utility,Development');
      return v;
    case 'executables': {
      const why = checkUploadPath(v);
      if (why !== undefined) throw no(why, 'bin/myapp');
      return v;
    }
    case 'description':
    case 'copyright':
      return value.replace(/\r\n?/g, '\n').trim();
  }
}

function exampleFor(field: SettableField): string {
  const examples: Partial<Record<SettableField, string>> = {
    name: 'myapp',
    version: '1.2.3',
    revision: '1',
    architecture: 'amd64',
    summary: '"A short description"',
    copyright: '"2024 Jane Doe"',
    description: '"What the application does."',
  };
  return examples[field] ?? '…';
}

function normalise(field: SettableField, raw: string | string[], where: string): string | string[] {
  if (LIST_FIELDS.has(field)) {
    const items = (Array.isArray(raw) ? raw : raw.split(',')).map((s) => s.trim()).filter((s) => s !== '');
    if (items.length === 0) throw refuse(field, String(raw), 'an empty list', exampleFor(field), where);
    return items.map((s) => validateOverride(field, s, where));
  }
  if (Array.isArray(raw))
    throw refuse(field, JSON.stringify(raw), 'expected one value, not a list', exampleFor(field), where);
  return validateOverride(field, raw, where);
}

function fieldName(raw: string, where: string): SettableField {
  const f = raw.trim().toLowerCase();
  const canonical = ALIASES[f] ?? f;
  if (!isSettable(canonical)) throw unknownField(raw, where);
  return canonical;
}

/** `--set field=value` arguments (later ones win). */
export function parseSetArgs(args: string[]): Overrides {
  const out: Overrides = {};
  for (const arg of args) {
    const where = `--set ${arg}`;
    const eq = arg.indexOf('=');
    if (eq <= 0)
      throw new PkgmeError('INVALID_OVERRIDE', `${where}: expected field=value`, 'usage', {
        hint: `For example --set version=1.2.3. Settable fields: ${SETTABLE_FIELDS.join(', ')}.`,
        details: { argument: arg },
      });
    const field = fieldName(arg.slice(0, eq), where);
    out[field] = normalise(field, arg.slice(eq + 1), where);
  }
  return out;
}

function fileError(path: string, key: string | undefined, why: string, hint: string): PkgmeError {
  return new PkgmeError(
    'INVALID_OVERRIDE',
    `${path}${key === undefined ? '' : `: key "${key}"`}: ${why}`,
    'input',
    { hint, details: { file: path, ...(key === undefined ? {} : { key }), why } },
  );
}

/** An overrides JSON file: `{ "version": "1.2.3", "categories": ["Utility"], … }`. */
export function readOverridesFile(path: string): Overrides {
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_OVERRIDES_BYTES)
      throw fileError(
        path,
        undefined,
        `${size} bytes, over ${MAX_OVERRIDES_BYTES}`,
        'An overrides file holds a few fields.',
      );
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof PkgmeError) throw err;
    throw new PkgmeError(
      'OVERRIDES_FILE_UNREADABLE',
      `cannot read overrides file ${path}: ${(err as Error).message}`,
      'input',
      {
        hint: 'Check the path given to --overrides.',
        details: { file: path },
      },
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw fileError(
      path,
      undefined,
      `not valid JSON (${(err as Error).message})`,
      'Fix the JSON syntax (e.g. with `jq . FILE`).',
    );
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw fileError(path, undefined, 'the top level is not a JSON object', 'Write { "field": value, … }.');
  const out: Overrides = {};
  for (const [key, v] of Object.entries(doc as Record<string, unknown>)) {
    const where = `${path}: key "${key}"`;
    const field = fieldName(key, where);
    let raw: string | string[];
    if (typeof v === 'string') raw = v;
    else if (typeof v === 'number' && Number.isInteger(v) && field === 'date') raw = String(v);
    else if (Array.isArray(v) && LIST_FIELDS.has(field) && v.every((x): x is string => typeof x === 'string'))
      raw = v;
    else
      throw fileError(
        path,
        key,
        `expected ${LIST_FIELDS.has(field) ? 'a list of strings' : 'a string'}, got ${JSON.stringify(v)?.slice(0, 80)}`,
        LIST_FIELDS.has(field) ? `Write "${key}": ["…", "…"].` : `Write "${key}": "…".`,
      );
    out[field] = normalise(field, raw, where);
  }
  return out;
}

/** The typed value of a (validated) override as the fields record holds it. */
function typedValue(field: SettableField, raw: string | string[]): unknown {
  if (LIST_FIELDS.has(field)) return Array.isArray(raw) ? raw : [raw];
  const s = Array.isArray(raw) ? raw.join(',') : raw;
  return field === 'date' ? Number(s) : s;
}

/**
 * The fields with every override applied: source "user", confidence 1. Values are validated again (an Overrides
 * object may come from code, not only from the two parsers). The input record is not modified.
 */
export function applyOverrides(
  fields: Record<string, Guess<unknown>>,
  overrides: Overrides,
): Record<string, Guess<unknown>> {
  const out = { ...fields };
  for (const [k, raw] of Object.entries(overrides)) {
    if (raw === undefined) continue;
    const field = fieldName(k, 'override');
    out[field] = guess(typedValue(field, normalise(field, raw, `override ${field}`)), 'user', 1);
  }
  return out;
}
