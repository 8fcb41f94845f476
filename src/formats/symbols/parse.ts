/**
 * Parser for installed symbols files (DEBIAN/symbols, /var/lib/dpkg/info/<pkg>.symbols), following
 * Dpkg::Shlibs::SymbolFile `parse` and Dpkg::Shlibs::Symbol `parse_symbolspec` / `initialize` line by line:
 *
 *   libc.so.6 libc6 #MINVER#                     a section: soname and main dependency template
 *   | libc6 (>> 2.36), libc6 (<< 2.37)            an alternative template (dep-id 1, 2, …)
 *   * Build-Depends-Package: libc6-dev           a meta field
 *    GLIBC_2.2.5@GLIBC_2.2.5 2.2.5               a symbol: name@version minver [dep-id]
 *    (c++|optional)"foo::bar()@Base" 1.0         tags; c++/symver/regex make it a pattern
 *
 * dpkg's two kinds of failure are kept: what dpkg rejects with an error (a symbol before any section, a tagged
 * line without a symbol name, a symver pattern on `Base`) throws SYMBOLS_SYNTAX; what it warns about and skips
 * (a line it can't read) is skipped and reported in `problems`, or thrown with `strict`. Every error names its line.
 *
 * Speed: one pass, no regex on the common symbol line; libc6's 4,886 lines take about a millisecond.
 */
import { PkgmeError } from '../../errors.ts';
import { checkVersion } from '../version/parse.ts';
import { capitalizeField, classifyLine, isSpace } from './line.ts';
import type { PatternKind, SymbolInfo, SymbolPattern, SymbolsObject, SymbolTag } from './model.ts';

export interface SymbolsParseOptions {
  /** Throw lines dpkg would skip with a warning, instead of collecting them. */
  strict?: boolean;
  /** File name for messages. */
  file?: string;
  /** Line number of the text's first line (for a section cut out of a file). Default 1. */
  firstLine?: number;
}

export interface SymbolsParseResult {
  /** Sections in order of first appearance (a repeated soname updates its section, as in dpkg). */
  objects: SymbolsObject[];
  /** `#include` lines (never in an installed file: dpkg-gensymbols expands them). Not followed. */
  includes: Array<{ line: number; file: string; tags?: string }>;
  /** Lines dpkg skips with a warning. */
  problems: PkgmeError[];
}

const MAX_QUOTE = 80;

function quote(text: string): string {
  return JSON.stringify(text.length > MAX_QUOTE ? `${text.slice(0, MAX_QUOTE)}…` : text);
}

interface Context {
  file?: string;
  line: number;
  text: string;
}

function syntax(ctx: Context, what: string, hint: string): PkgmeError {
  const where = ctx.file === undefined ? '' : `${ctx.file}: `;
  return new PkgmeError(
    'SYMBOLS_SYNTAX',
    `${where}symbols line ${ctx.line}: ${what}: ${quote(ctx.text)}`,
    'input',
    {
      hint,
      details: { line: ctx.line, ...(ctx.file === undefined ? {} : { file: ctx.file }) },
    },
  );
}

const HINT_SYMBOL =
  'a symbol line is " name@version minver [dep-id]", optionally with "(tag|tag=value)" before the name; see deb-symbols(5)';

/** Perl's split(/\|/): trailing empty fields dropped. Then `name=value` split at the LAST `=` (greedy `(.*)=`). */
function parseTags(spec: string): SymbolTag[] {
  const parts = spec.split('|');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  const tags: SymbolTag[] = [];
  const byName = new Map<string, SymbolTag>();
  for (const part of parts) {
    const eq = part.lastIndexOf('=');
    const tag: SymbolTag = eq < 0 ? { name: part } : { name: part.slice(0, eq), value: part.slice(eq + 1) };
    // add_tag: a repeated tag keeps its first position and takes the new value.
    const prev = byName.get(tag.name);
    if (prev === undefined) {
      tags.push(tag);
      byName.set(tag.name, tag);
    } else if (tag.value === undefined) delete prev.value;
    else prev.value = tag.value;
  }
  return tags;
}

function hasTag(tags: SymbolTag[] | undefined, name: string): boolean {
  return tags !== undefined && tags.some((t) => t.name === name);
}

/** The first run of non-space characters at `at` (perl's `^(\S+)`); '' when none. */
function token(s: string, at: number): string {
  let end = at;
  while (end < s.length && !isSpace(s.charCodeAt(end))) end++;
  return s.slice(at, end);
}

interface ParsedSpec {
  name: string;
  tags?: SymbolTag[];
  minver: string;
  depId: number;
}

/**
 * parse_symbolspec: undefined when dpkg's returns 0 (a warning); throws where dpkg calls error().
 * `spec` has no leading space (the line classifier removed it).
 */
function parseSpec(spec: string, ctx: Context): ParsedSpec | undefined {
  let name: string;
  let rest: string;
  let tags: SymbolTag[] | undefined;
  // parse_tagspec: `^\s*\((.*?)\)(.*)$` with a true (non-empty, not "0") tag list.
  const close = spec.charCodeAt(0) === 0x28 ? spec.indexOf(')') : -1;
  const tagText = close > 0 ? spec.slice(1, close) : '';
  if (tagText !== '' && tagText !== '0') {
    tags = parseTags(tagText);
    const after = spec.slice(close + 1);
    const q = after.charCodeAt(0);
    const end = q === 0x22 || q === 0x27 ? after.indexOf(after[0]!, 1) : -1;
    if (end > 0) {
      name = after.slice(1, end);
      rest = after.slice(end + 1);
    } else {
      name = token(after, 0);
      rest = after.slice(name.length);
      // No `^(\S+)` match: dpkg keeps the whole rest as the name, with no minver (so a warning below), unless
      // that rest is false in perl ('' or '0'), which is its "symbol name unspecified" error.
      if (name === '') {
        if (after === '' || after === '0') throw syntax(ctx, 'symbol name unspecified', HINT_SYMBOL);
        return undefined;
      }
    }
    if (name === '' || name === '0') throw syntax(ctx, 'symbol name unspecified', HINT_SYMBOL);
  } else {
    name = token(spec, 0);
    if (name === '') return undefined;
    rest = spec.slice(name.length);
  }
  // `^\s(\S+)(?:\s(\d+))?`
  if (!isSpace(rest.charCodeAt(0))) return undefined;
  const minver = token(rest, 1);
  if (minver === '') return undefined;
  let depId = 0;
  const at = 1 + minver.length;
  if (isSpace(rest.charCodeAt(at))) {
    let end = at + 1;
    while (end < rest.length && rest.charCodeAt(end) >= 0x30 && rest.charCodeAt(end) <= 0x39) end++;
    if (end > at + 1) depId = Number(rest.slice(at + 1, end));
  }
  return tags === undefined ? { name, minver, depId } : { name, tags, minver, depId };
}

/** Symbol `initialize`: the pattern kind, if any (and the `*@V` rewrite). */
function patternKind(p: ParsedSpec, ctx: Context): PatternKind | undefined {
  let kind: PatternKind | undefined;
  if (hasTag(p.tags, 'c++')) kind = 'c++';
  if (p.name.startsWith('*@')) {
    p.tags ??= [];
    if (!hasTag(p.tags, 'symver')) p.tags.push({ name: 'symver' });
    if (!hasTag(p.tags, 'optional')) p.tags.push({ name: 'optional' });
    p.name = p.name.slice(2);
  }
  if (hasTag(p.tags, 'symver')) {
    kind = kind === undefined ? 'symver' : 'generic';
    if (p.name === 'Base')
      throw syntax(
        ctx,
        "a symver pattern can't catch unversioned symbols (Base)",
        'name a symbol version, e.g. "(symver)GLIBC_2.34"',
      );
  }
  if (hasTag(p.tags, 'regex')) kind = 'generic';
  return kind;
}

function newObject(soname: string, template: string): SymbolsObject {
  return {
    soname,
    dependencies: [template],
    fields: Object.create(null) as Record<string, string>,
    symbols: new Map(),
    patterns: [],
  };
}

/** Parses a whole symbols file. */
export function parseSymbolsFile(text: string, opts: SymbolsParseOptions = {}): SymbolsParseResult {
  const objects = new Map<string, SymbolsObject>();
  const includes: SymbolsParseResult['includes'] = [];
  const problems: PkgmeError[] = [];
  const ctx: Context = { line: (opts.firstLine ?? 1) - 1, text: '' };
  if (opts.file !== undefined) ctx.file = opts.file;
  const warn = (what: string, hint: string) => {
    const err = syntax(ctx, what, hint);
    if (opts.strict) throw err;
    problems.push(err);
  };
  let current: SymbolsObject | undefined;
  // Per section, where each c++/symver alias sits in `patterns` (kind + name → index), for dpkg's replace rule.
  const aliasIndexes = new Map<SymbolsObject, Map<string, number>>();
  const aliasIndex = (o: SymbolsObject) => {
    let m = aliasIndexes.get(o);
    if (m === undefined) aliasIndexes.set(o, (m = new Map()));
    return m;
  };
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    ctx.line++;
    ctx.text = line;
    const l = classifyLine(line);
    switch (l.kind) {
      case 'symbol': {
        if (current === undefined)
          throw syntax(
            ctx,
            'symbol information must be preceded by a header',
            'start each section with a "soname dependency-template" line',
          );
        const p = parseSpec(l.spec, ctx);
        if (p === undefined) {
          warn('unreadable symbol line', HINT_SYMBOL);
          break;
        }
        const kind = patternKind(p, ctx);
        const info: SymbolInfo = { minver: p.minver, depId: p.depId };
        if (p.tags !== undefined) info.tags = p.tags;
        if (l.deprecated !== undefined) info.deprecated = l.deprecated;
        if (kind === undefined) current.symbols.set(p.name, info);
        else addPattern(current, aliasIndex(current), { ...info, kind, name: p.name, tags: p.tags ?? [] });
        break;
      }
      case 'include':
        includes.push(
          l.tags === undefined
            ? { line: ctx.line, file: l.file }
            : { line: ctx.line, file: l.file, tags: l.tags },
        );
        break;
      case 'comment':
        break;
      case 'alternative':
        if (current === undefined)
          warn(
            'an alternative dependency before any section',
            'put "| alternative" lines after the "soname template" line they belong to',
          );
        else current.dependencies.push(l.template);
        break;
      case 'field':
        if (current === undefined)
          warn(
            'a meta field before any section',
            'put "* Field: value" lines after the "soname template" line they belong to',
          );
        else current.fields[capitalizeField(l.name)] = l.value;
        break;
      case 'header': {
        const known = objects.get(l.soname);
        if (known === undefined) objects.set(l.soname, (current = newObject(l.soname, l.template)));
        else {
          // dpkg: "update/override infos only" — the templates are reset, symbols and fields are kept.
          known.dependencies = [l.template];
          current = known;
        }
        break;
      }
      case 'invalid':
        warn(
          'unreadable line',
          'a symbols file has "soname template" headers, "| alternative", "* Field: value" and " symbol minver" lines',
        );
        break;
    }
  }
  return { objects: [...objects.values()], includes, problems };
}

/** add_symbol for patterns: an alias replaces the one of the same kind and name; generic patterns accumulate. */
function addPattern(obj: SymbolsObject, aliases: Map<string, number>, pattern: SymbolPattern): void {
  if (pattern.kind !== 'generic') {
    const key = `${pattern.kind}\0${pattern.name}`;
    const at = aliases.get(key);
    if (at !== undefined) {
      obj.patterns[at] = pattern;
      return;
    }
    aliases.set(key, obj.patterns.length);
  }
  obj.patterns.push(pattern);
}

/**
 * Parses one soname's section (as splitSymbolsFile cuts it, or as the store returns it). Throws SYMBOLS_SYNTAX
 * unless the text holds exactly one soname.
 */
export function parseSymbolsSection(
  text: string,
  opts: SymbolsParseOptions = {},
): SymbolsObject & { problems: PkgmeError[] } {
  const r = parseSymbolsFile(text, opts);
  if (r.objects.length !== 1) {
    throw new PkgmeError(
      'SYMBOLS_SYNTAX',
      `${opts.file === undefined ? '' : `${opts.file}: `}a symbols section must hold exactly one soname, this one has ${r.objects.length}`,
      'input',
      {
        hint: 'pass the text of one section, as splitSymbolsFile returns it',
        details: { sonames: r.objects.map((o) => o.soname).slice(0, 10) },
      },
    );
  }
  return { ...r.objects[0]!, problems: r.problems };
}

/** dpkg-shlibdeps skips a `#MISSING: v#` symbol only when v is a valid version (Dpkg::Version's bool). */
export function isDeprecated(info: SymbolInfo): boolean {
  // `#MISSING: 0#` is false in perl before it becomes a version.
  const v = info.deprecated;
  return v !== undefined && v !== '' && v !== '0' && 'version' in checkVersion(v);
}

/** The tag's value: undefined when absent, null when present without a value. */
export function tagValue(info: SymbolInfo, name: string): string | null | undefined {
  const t = info.tags?.find((x) => x.name === name);
  return t === undefined ? undefined : (t.value ?? null);
}
