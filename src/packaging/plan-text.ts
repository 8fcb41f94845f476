/**
 * The Description field's two parts, made acceptable to lintian whatever the upload said. lintian's checks
 * (Lintian::Check::Fields::Description) that are errors or warnings, and what is done about each:
 *  - description-starts-with-package-name (error): a leading "foo - ", "foo: " or "foo is a" is removed;
 *  - description-synopsis-starts-with-article (warning): a leading a/an/the is removed;
 *  - description-too-short (error: one word) and description-is-pkg-name (error): the fallback is used;
 *  - synopsis-too-long (warning, > 80): cut at a word boundary;
 *  - synopsis-is-a-sentence (info): only the first sentence, without its final period;
 *  - description-synopsis-is-duplicated and extended-description-is-empty (errors): the extended description never
 *    repeats the synopsis as its first line and is never empty.
 */
import { isPointer, splitSentence } from '../inspect/guess/description.ts';

export const MAX_SYNOPSIS = 80;

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The first sentence (not cut at "v1.2", "README.rst", "e.g. " or a URL), without the final period. */
function firstSentence(s: string): string {
  return splitSentence(s)[0].replace(/[.\s]+$/, '');
}

/** Shortens to ≤ max: at the last clause break (", " "; " ": " " - ") that keeps at least a third, else at a word. */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const head = s.slice(0, max + 1);
  const clause = Math.max(...[', ', '; ', ': ', ' - ', ' – ', ' — '].map((b) => head.lastIndexOf(b)));
  if (clause > max / 3) return head.slice(0, clause).trim();
  const space = head.lastIndexOf(' ');
  return (space > max / 2 ? head.slice(0, space) : s.slice(0, max)).replace(/[\s,;:–—-]+$/, '');
}

/** The synopsis the plan uses for `raw` (or undefined when nothing usable is left). */
export function cleanSynopsis(raw: string, pkg: string): string | undefined {
  let s = firstSentence(oneLine(raw));
  const name = new RegExp(`^${escapeRe(pkg)}\\b\\s*(?:[-–—:,|]+\\s*|is\\s+)?`, 'i');
  s = s.replace(name, '').replace(/^(an?|the)\s+/i, '');
  s = cut(s, MAX_SYNOPSIS);
  // "See README.rst", "Homepage: https://…": a pointer elsewhere says nothing about the package.
  if (isPointer(s) || /:\/\//.test(s)) return undefined;
  if (!/\s/.test(s) || new RegExp(`^${escapeRe(pkg)}\\b`, 'i').test(s)) return undefined;
  return s;
}

/**
 * When no source has a synopsis. Not "<name> application": with the package name first, that is lintian's error
 * description-starts-with-package-name.
 */
export function fallbackSynopsis(displayName: string): string {
  return cut(`Application ${oneLine(displayName)}, prebuilt by upstream`, MAX_SYNOPSIS);
}

/** The extended description: paragraphs of plain text; never empty, never starting with the synopsis. */
export function cleanDescription(raw: string | undefined, synopsis: string, displayName: string): string {
  const paras = (raw ?? '')
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map(oneLine)
    .filter((p) => p !== '');
  while (paras.length > 0 && firstSentence(paras[0]!).toLowerCase() === synopsis.toLowerCase()) {
    // The rest after the sentence, not after the first "." (that gave "rst" for "See README.rst").
    const rest = splitSentence(paras[0]!)[1];
    if (rest !== '') paras[0] = rest;
    else paras.shift();
  }
  if (paras.length === 0)
    paras.push(
      `This package installs ${oneLine(displayName)} as its developer built it; pkgme put it into this Debian package.`,
    );
  return paras.join('\n\n');
}
