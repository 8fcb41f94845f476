/**
 * One symbols-file section (the part of DEBIAN/symbols for one soname) in the form dpkg-shlibdeps uses it: the
 * dependency templates by dep-id, the meta fields, and the plain symbols by `name@version` with their minimum version
 * and dep-id. Built once per (package, soname) and cached by the resolver.
 *
 * What counts, as in Dpkg::Shlibs::SymbolFile:
 *  - `| template` lines add alternative templates (dep-id 1, 2, …); `* Field: value` lines are meta fields;
 *  - ` name@version minver [dep-id]` lines are symbols; `#MISSING: v# …` / `#DEPRECATED: v# …` ones are deprecated:
 *    they never match an import but still count for the smallest version;
 *  - pattern symbols (`(c++)`, `(symver)`, `(regex)` tags, old `*@VERSION` wildcards) are not plain symbols:
 *    dpkg-shlibdeps' lookup never matches them, so they are left out;
 *  - other tags (`(arch=…)`, `(optional)`) are dropped from the name; lookup does not filter on them either.
 */
import { compareVersions } from '../../formats/version/compare.ts';

export interface SymbolEntry {
  minver: string;
  depId: number;
  deprecated: boolean;
}

export interface SymbolsObject {
  soname: string;
  /** Templates by dep-id: [0] is the header line's, then each `|` line in order. */
  templates: string[];
  fields: Map<string, string>;
  symbols: Map<string, SymbolEntry>;
  /** Smallest minver over the dep-id 0 symbols (deprecated included), or '' when there are none. */
  smallest: string;
}

const PATTERN_TAGS = /(^|\|)\s*(c\+\+|symver|regex)\s*(=|\||$)/;

/** Field names as Dpkg::Control::Fields::field_capitalize writes them (Build-Depends-Package). */
function capitalize(name: string): string {
  return name
    .toLowerCase()
    .split('-')
    .map((p) => (p === '' ? p : p[0]!.toUpperCase() + p.slice(1)))
    .join('-');
}

function parseSpec(spec: string): { name: string; minver: string; depId: number } | undefined {
  let rest = spec;
  let pattern = false;
  const tag = /^\s*\((.*?)\)(.*)$/.exec(rest);
  if (tag) {
    if (PATTERN_TAGS.test(tag[1]!)) pattern = true;
    rest = tag[2]!;
    const q = /^(['"])(.*?)\1(.*)$/.exec(rest);
    if (q) return finish(q[2]!, q[3]!, pattern);
  }
  const m = /^(\S+)(.*)$/.exec(rest);
  if (!m) return undefined;
  return finish(m[1]!, m[2]!, pattern);
}

function finish(
  name: string,
  rest: string,
  pattern: boolean,
): { name: string; minver: string; depId: number } | undefined {
  const m = /^\s(\S+)(?:\s(\d+))?/.exec(rest);
  if (!m) return undefined;
  if (pattern || name.startsWith('*@')) return undefined;
  return { name, minver: m[1]!, depId: m[2] === undefined ? 0 : Number(m[2]) };
}

export function parseSymbolsSection(soname: string, text: string): SymbolsObject {
  const obj: SymbolsObject = { soname, templates: [], fields: new Map(), symbols: new Map(), smallest: '' };
  let header = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const sym = /^(?:\s+|#(?:DEPRECATED|MISSING): ([^#]+)#\s*)(.*)/.exec(line);
    if (sym) {
      if (!header) continue;
      const spec = parseSpec(sym[2]!);
      if (spec)
        obj.symbols.set(spec.name, {
          minver: spec.minver,
          depId: spec.depId,
          deprecated: sym[1] !== undefined,
        });
      continue;
    }
    if (/^#|^$/.test(line)) continue;
    const alt = /^\|\s*(.*)$/.exec(line);
    if (alt) {
      obj.templates.push(alt[1]!);
      continue;
    }
    const field = /^\*\s*([^:]+):\s*(.*\S)\s*$/.exec(line);
    if (field) {
      obj.fields.set(capitalize(field[1]!), field[2]!);
      continue;
    }
    const head = /^(\S+)\s+(.*)$/.exec(line);
    if (head && !header) {
      header = true;
      obj.templates = [head[2]!];
    }
  }
  let smallest: string | undefined;
  for (const s of obj.symbols.values()) {
    if (s.depId !== 0) continue;
    if (smallest === undefined || compareLax(smallest, s.minver) > 0) smallest = s.minver;
  }
  obj.smallest = smallest ?? '';
  return obj;
}

/** Version order that never throws: a minver that is not a valid version sorts by text (dpkg would warn). */
export function compareLax(a: string, b: string): number {
  try {
    return compareVersions(a, b);
  } catch {
    return a < b ? -1 : a > b ? 1 : 0;
  }
}

/**
 * The dependency of a shlibs line as dpkg-shlibdeps' extract_from_shlibs reads it: `[type:] library version
 * [dependency]`, matched against the soname split into name and version (`libfoo.so.1` → libfoo 1, `libfoo-2.so` →
 * libfoo 2). A line typed for another package type (`udeb:`) never applies; an explicit `deb:` line beats untyped.
 */
export function shlibsDependency(soname: string, lines: string[]): string | undefined {
  const split = splitSoname(soname);
  if (!split) return undefined;
  let dep: string | undefined;
  for (const line of lines) {
    const m = /^\s*(?:(\S+):\s+)?(\S+)\s+(\S+)(?:\s+(\S.*\S))?\s*$/.exec(line.replace(/\s*\n$/, ''));
    if (!m || line.startsWith('#')) continue;
    if (m[2] !== split.name || m[3] !== split.version) continue;
    if (m[1] !== undefined) {
      if (m[1] === 'deb') return m[4] ?? '';
    } else dep ??= m[4] ?? '';
  }
  return dep;
}

export function splitSoname(soname: string): { name: string; version: string } | undefined {
  let m = /^(.+)\.so\.(.+)$/.exec(soname);
  if (m) return { name: m[1]!, version: m[2]! };
  m = /^(.+)-(\d.*)\.so$/.exec(soname);
  if (m) return { name: m[1]!, version: m[2]! };
  return undefined;
}
