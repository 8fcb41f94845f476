/**
 * debian/control: one source paragraph and one binary paragraph (pkgme makes one binary package per upload).
 *
 * Depends carries pkgme's resolver result plus ${misc:Depends}, and deliberately no ${shlibs:Depends}: rules
 * overrides dh_shlibdeps, because the resolver computes the same answer from the dependency database without the
 * libraries installed on the build machine (docs/resolver.md). The Description is formatted per Debian policy
 * 5.6.13 and shaped to avoid lintian's description tags (synopsis starting with the package name or an article,
 * an empty or duplicated extended description, lines over 80 columns, unindented lists, stray ` .` lines).
 */
import { Paragraph, formatDeb822 } from '../../formats/deb822/index.ts';
import type { DebRelationField, PackagePlan } from '../types.ts';
import { blocks, oneLine, truncateWords, width, wrap } from './text.ts';

/** Columns of a Description line, its leading space included (lintian: extended-description-line-too-long). */
const LINE_MAX = 80;
const SYNOPSIS_MAX = 80;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[\p{L}\p{N}_]/u.test(c);
}

/** lintian's `/^\Q$pkg\E\b/i`: the synopsis starts with the package name at a word boundary. */
function startsWithName(synopsis: string, pkg: string): boolean {
  if (!new RegExp('^' + escapeRegExp(pkg), 'i').test(synopsis)) return false;
  return isWordChar(pkg[pkg.length - 1]) !== isWordChar(synopsis[pkg.length]);
}

function capitalise(s: string): string {
  return s.length === 0 ? s : s[0]!.toLocaleUpperCase('en') + s.slice(1);
}

/**
 * The synopsis line: the plan's summary made acceptable to policy and lintian. It must not start with the package
 * name ("foo - a tool" → "Tool"), nor with an article, must not end with a period, must contain a space (a one-word
 * synopsis is the error description-too-short), and fits 80 columns.
 */
export function synopsis(plan: Pick<PackagePlan, 'package' | 'summary'>): string {
  let s = oneLine(plan.summary);
  for (let i = 0; i < 3; i++) {
    const before = s;
    if (startsWithName(s, plan.package)) s = s.slice(plan.package.length);
    s = s.replace(/^[\s:,;–—-]+/, '');
    s = s.replace(/^(?:is|provides)\s+/i, '');
    s = s.replace(/^(?:an?|the)\s+/i, '');
    if (s === before) break;
  }
  s = truncateWords(s, SYNOPSIS_MAX).replace(/[\s.]+$/, '');
  if (s.length === 0) s = 'Application packaged by pkgme';
  else if (!/\s/.test(s)) s = `${truncateWords(s, SYNOPSIS_MAX - 12)} application`;
  return capitalise(s);
}

/**
 * The extended description as logical lines (deb822's one leading space removed): paragraphs wrapped to 79
 * columns, list items as `  * item` (indented, so displayed verbatim as policy asks for lists), empty lines
 * between blocks (written as ` .`).
 */
export function extendedDescription(
  plan: Pick<PackagePlan, 'package' | 'summary' | 'description'>,
): string[] {
  const syn = synopsis(plan);
  const alnum = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '');
  const parts = blocks(plan.description);
  // A first line equal to the synopsis, compared as lintian does (ASCII letters and digits only, so two lines of
  // only non-Latin text count as equal), is the error description-synopsis-is-duplicated: such paragraphs go.
  const duplicates = (text: string): boolean =>
    alnum(wrap(text, LINE_MAX - 1)[0] ?? '') === alnum(syn) || alnum(text) === alnum(plan.summary);
  while (parts[0]?.kind === 'para' && duplicates(parts[0].text)) parts.shift();
  if (parts.length === 0) {
    parts.push({
      kind: 'para',
      text: `This package ships the application as its developer built it, installed under /usr/lib/${plan.package}.`,
    });
  }
  // An extended description starting with indented lines is the warning description-starts-with-leading-spaces.
  if (parts[0]!.kind === 'list') parts.unshift({ kind: 'para', text: 'Features:' });
  const lines: string[] = [];
  for (const block of parts) {
    if (lines.length > 0) lines.push('');
    if (block.kind === 'para') {
      // A paragraph with words starting with ".", "-" or "*" is wrapped one column narrower: see noDotStarts.
      const max = /(^| )[.\-*]/.test(block.text) ? LINE_MAX - 2 : LINE_MAX - 1;
      lines.push(...noDotStarts(wrap(block.text, max)));
    } else {
      for (const item of block.items) {
        // A lone "." word wrapped onto a continuation line ("   .") is a control statement too: glue it on.
        const wrapped = wrap(item.replace(/ +(\.+)(?= |$)/g, '$1'), LINE_MAX - 5);
        lines.push(...wrapped.map((l, i) => (i === 0 ? ' * ' : '   ') + l));
      }
    }
  }
  return lines;
}

/**
 * Paragraph lines that must not start with these: "." is a control statement in a Description (` .` is an empty
 * line, ` .foo` the error description-contains-invalid-control-statement); "-" and "*" look like an unindented
 * list item (the warning possible-unindented-list-in-extended-description, from the second such line: dosbox's
 * "-fullscreen" and "- " wrapped to the start of lines).
 */
const BAD_START = /^[.\-*]/;

/**
 * A paragraph line starting with BAD_START takes the previous line's last word along, again while that word starts
 * so too (zstd: "decoding .zst, .gz, …": moving ".gz," alone left ".zst," in front); when no word can move (a
 * paragraph starting with ".NET", or no room), it gets a ZERO WIDTH SPACE in front: invisible, not whitespace for
 * lintian's regexes, and unlike an indent it does not turn the line into a verbatim one (an indented first line is
 * the warning description-starts-with-leading-spaces). A moved word leaves one column free, for the ZERO WIDTH SPACE
 * the line still gets when the moved word starts badly too ("-a -b -c").
 */
function noDotStarts(lines: string[]): string[] {
  const out = [...lines];
  for (let i = 0; i < out.length; i++) {
    while (BAD_START.test(out[i]!)) {
      const prev = i > 0 ? out[i - 1]! : '';
      const space = prev.lastIndexOf(' ');
      if (i > 0 && space > 0 && width(prev.slice(space + 1)) + 1 + width(out[i]!) <= LINE_MAX - 2) {
        out[i] = prev.slice(space + 1) + ' ' + out[i];
        out[i - 1] = prev.slice(0, space);
      } else out[i] = '\u200b' + out[i];
    }
  }
  return out;
}

/** The Description field's logical value: synopsis, then the extended lines. */
export function description(plan: Pick<PackagePlan, 'package' | 'summary' | 'description'>): string {
  return [synopsis(plan), ...extendedDescription(plan)].join('\n');
}

/** Full debian/control text. */
export function control(plan: PackagePlan): string {
  const source = new Paragraph();
  source.set('Source', plan.package);
  source.set('Section', plan.section);
  source.set('Priority', plan.priority);
  source.set('Maintainer', oneLine(plan.maintainer));
  source.set('Rules-Requires-Root', 'no');
  source.set('Build-Depends', 'debhelper-compat (= 13)');
  source.set('Standards-Version', plan.standardsVersion);
  if (plan.homepage !== undefined && plan.homepage !== '') source.set('Homepage', oneLine(plan.homepage));

  const binary = new Paragraph();
  binary.set('Package', plan.package);
  binary.set('Architecture', plan.architecture);
  const rel = plan.relations ?? {};
  const relation = (field: DebRelationField) => {
    const v = oneLine(rel[field] ?? '');
    if (v !== '') binary.set(field, v);
  };
  // A re-packaged .deb's own relations (Pre-Depends, Recommends, Conflicts…), in the order Debian writes them.
  relation('Pre-Depends');
  const depends = oneLine(plan.depends);
  binary.set('Depends', depends === '' ? '${misc:Depends}' : `${depends}, \${misc:Depends}`);
  for (const f of [
    'Recommends',
    'Suggests',
    'Enhances',
    'Breaks',
    'Conflicts',
    'Replaces',
    'Provides',
  ] as const)
    relation(f);
  binary.set('Description', description(plan));
  return formatDeb822([source, binary]);
}
