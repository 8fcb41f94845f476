/**
 * Parser for Depends-style fields (Depends, Pre-Depends, Recommends, Suggests, Enhances, Breaks, Conflicts,
 * Provides, Replaces, Built-Using, Build-Depends[-Indep|-Arch], Build-Conflicts[-Indep|-Arch]).
 *
 * Grammar (deb-control(5) / Dpkg::Deps), whitespace (including folded newlines) allowed between tokens:
 *   field   := [ group { ',' group } ]        (empty groups between commas are skipped)
 *   group   := atom { '|' atom }
 *   atom    := '${' substvar '}'
 *            | name [':' archqual] ['(' op version ')'] ['[' arch { arch } ']'] { '<' term { term } '>' }
 * A scanner rather than Dpkg::Deps' split-then-regex, so every error carries the offset where it went wrong.
 *
 * Field rules that dpkg enforces are enforced here when the field name is given: `:native` only in build fields;
 * no `|` in Conflicts, Breaks, Replaces, Provides; only `=` in Provides. Versions are checked with dpkg's strict
 * rules unless they contain a substitution variable.
 */
import { PkgmeError } from '../../errors.ts';
import { checkVersion } from '../version/parse.ts';
import type { PackageAtom, RelationAtom, RelationGroup, RelationList, RelationOp } from './model.ts';

export interface RelationParseOptions {
  /** The field's name, for messages and for the field-specific rules above. */
  field?: string;
  /**
   * debian/tests/control's Depends: names may also hold `@` (`@`, `@builddeps@`, `@recommends@`), as Dpkg::Deps
   * allows with `tests_dep`.
   */
  tests?: boolean;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d, 0x0c, 0x0b]);
const NAME_START = /[a-zA-Z0-9]/y;
const NAME = /[a-zA-Z0-9][a-zA-Z0-9+.-]*/y;
const TEST_NAME_START = /[@a-zA-Z0-9]/y;
const TEST_NAME = /[@a-zA-Z0-9][@a-zA-Z0-9+.-]*/y;
const ARCH = /[a-zA-Z0-9][a-zA-Z0-9-]*/y;
const ARCH_TOKEN = /^!?[a-zA-Z0-9][a-zA-Z0-9-]*$/;
const PROFILE_TOKEN = /^!?[a-zA-Z0-9][a-zA-Z0-9.+-]*$/;
const SUBSTVAR = /\$\{([a-zA-Z0-9][a-zA-Z0-9:._+-]*)\}/y;
const VERSION = /[^)\s]+/y;
const OPS: Array<[string, RelationOp]> = [
  ['<<', '<<'],
  ['<=', '<='],
  ['>=', '>='],
  ['>>', '>>'],
  ['=', '='],
  ['<', '<='],
  ['>', '>='],
];

/** Fields whose entries may not have alternatives (dpkg: "alternatives ('|') not allowed"). */
const NO_ALTERNATIVES = new Set([
  'conflicts',
  'breaks',
  'replaces',
  'provides',
  // dpkg-source parses these as unions (Dpkg::Deps refuses `|` there).
  'build-conflicts',
  'build-conflicts-arch',
  'build-conflicts-indep',
]);

export function isBuildField(field: string): boolean {
  return /^build-(depends|conflicts)(-indep|-arch)?$/i.test(field);
}

class Scanner {
  pos = 0;
  constructor(
    readonly text: string,
    readonly field: string | undefined,
    readonly tests = false,
  ) {}

  skipWs(): void {
    while (this.pos < this.text.length && WS.has(this.text.charCodeAt(this.pos))) this.pos++;
  }

  peek(): string | undefined {
    return this.text[this.pos];
  }

  match(re: RegExp): string | undefined {
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (m === null) return undefined;
    this.pos = re.lastIndex;
    return m[0];
  }

  fail(problem: string, at = this.pos, hint?: string): PkgmeError {
    const found = at < this.text.length ? `'${this.text.slice(at, at + 20)}'` : 'end of field';
    const where = this.field === undefined ? 'relation field' : `${this.field} field`;
    return new PkgmeError(
      'RELATION_SYNTAX',
      `${where}: ${problem} at offset ${at} (found ${found})`,
      'input',
      {
        hint:
          hint ??
          'Write relations as `name[:arch] [(op version)] [[arch …]] [<profile …>]`, alternatives separated by ' +
            '`|` and entries by `,`, e.g. `libc6 (>= 2.34), libfoo1 | libbar1`',
        details: { field: this.field, offset: at, problem },
      },
    );
  }
}

function parseVersionConstraint(s: Scanner): PackageAtom['constraint'] {
  s.pos++; // '('
  s.skipWs();
  const opAt = s.pos;
  const op = OPS.find(([text]) => s.text.startsWith(text, s.pos));
  if (op === undefined) throw s.fail('expected a relation operator (<<, <=, =, >=, >>)', opAt);
  s.pos += op[0].length;
  s.skipWs();
  const versionAt = s.pos;
  const version = s.match(VERSION);
  if (version === undefined) throw s.fail('expected a version', versionAt);
  if (!version.includes('${')) {
    const check = checkVersion(version);
    const problem = 'problem' in check ? check.problem : check.warning;
    if (problem !== undefined) {
      throw s.fail(
        `invalid version '${version.length > 100 ? `${version.slice(0, 100)}…` : version}': ${problem.reason}`,
        versionAt,
        'Fix the version (deb-version(7))',
      );
    }
  }
  s.skipWs();
  if (s.peek() !== ')') throw s.fail("expected ')' after the version");
  s.pos++;
  return { op: op[1], version };
}

/** Reads whitespace-separated tokens up to `close`, validating each with `valid`. */
function parseTokenList(s: Scanner, close: string, valid: RegExp, what: string): string[] {
  const open = s.pos;
  s.pos++;
  const end = s.text.indexOf(close, s.pos);
  if (end < 0) throw s.fail(`unterminated ${what} (missing '${close}')`, open);
  const tokens: string[] = [];
  const re = /[^ \t\n\r\f\v]+/g;
  const inner = s.text.slice(s.pos, end);
  for (let m = re.exec(inner); m !== null; m = re.exec(inner)) {
    if (!valid.test(m[0])) throw s.fail(`invalid ${what} entry '${m[0]}'`, s.pos + m.index);
    tokens.push(m[0]);
  }
  if (tokens.length === 0) throw s.fail(`empty ${what}`, open);
  s.pos = end + 1;
  return tokens;
}

function parsePackageAtom(s: Scanner): PackageAtom {
  const nameAt = s.pos;
  const name = s.match(s.tests ? TEST_NAME : NAME);
  if (name === undefined) throw s.fail('expected a package name', nameAt);
  const atom: PackageAtom = { type: 'package', name };
  if (s.peek() === ':') {
    s.pos++;
    const qualAt = s.pos;
    const qual = s.match(ARCH);
    if (qual === undefined) throw s.fail("expected an architecture qualifier after ':'", qualAt);
    if (qual === 'native' && !(s.field !== undefined && isBuildField(s.field))) {
      throw s.fail("':native' is only allowed in build dependency fields", qualAt);
    }
    atom.archQualifier = qual;
  }
  s.skipWs();
  if (s.peek() === '(') {
    atom.constraint = parseVersionConstraint(s);
    s.skipWs();
  }
  if (s.peek() === '[') {
    atom.arches = parseTokenList(s, ']', ARCH_TOKEN, 'architecture list');
    s.skipWs();
  }
  while (s.peek() === '<') {
    (atom.profiles ??= []).push(parseTokenList(s, '>', PROFILE_TOKEN, 'build profile list'));
    s.skipWs();
  }
  return atom;
}

function parseAtom(s: Scanner): RelationAtom {
  if (s.text.startsWith('${', s.pos)) {
    const at = s.pos;
    const text = s.match(SUBSTVAR);
    if (text === undefined) throw s.fail('malformed substitution variable', at);
    s.skipWs();
    return { type: 'substvar', name: text.slice(2, -1) };
  }
  const start = s.tests ? TEST_NAME_START : NAME_START;
  start.lastIndex = s.pos;
  if (!start.test(s.text)) throw s.fail('expected a package name');
  return parsePackageAtom(s);
}

function checkFieldRules(s: Scanner, group: RelationGroup, at: number): void {
  const field = s.field?.toLowerCase();
  if (field === undefined) return;
  if (group.length > 1 && NO_ALTERNATIVES.has(field)) {
    throw s.fail(`alternatives ('|') are not allowed in ${s.field}`, at);
  }
  if (field === 'provides') {
    for (const a of group) {
      if (a.type === 'package' && a.constraint !== undefined && a.constraint.op !== '=') {
        throw s.fail(`only exact versions ('=') may be used in Provides`, at);
      }
    }
  }
}

/** Parses a whole relation field. Throws RELATION_SYNTAX (with the offset) on any problem. */
export function parseRelations(text: string, options: RelationParseOptions = {}): RelationList {
  const s = new Scanner(text, options.field, options.tests === true);
  const list: RelationList = [];
  // Empty entries (`a,,b`, a leading or trailing comma) are skipped, as Dpkg::Deps does: substvar expansion
  // often leaves them behind.
  const skipEmptyEntries = () => {
    s.skipWs();
    while (s.peek() === ',') {
      s.pos++;
      s.skipWs();
    }
  };
  skipEmptyEntries();
  while (s.pos < text.length) {
    const groupAt = s.pos;
    const group: RelationGroup = [parseAtom(s)];
    while (s.peek() === '|') {
      s.pos++;
      s.skipWs();
      group.push(parseAtom(s));
    }
    checkFieldRules(s, group, groupAt);
    list.push(group);
    if (s.pos >= text.length) break;
    if (s.peek() !== ',') throw s.fail("expected ',' or '|' or the end of the field");
    skipEmptyEntries();
  }
  return list;
}
