/**
 * deb822 writer. Because paragraphs keep their raw text (see paragraph.ts), writing is concatenation: each
 * paragraph's `leading` text, its `Name:raw` lines, and the last paragraph's `trailing` text. For parsed input this
 * reproduces the file byte for byte; for paragraphs built or reordered in code, the writer only adds what keeps the
 * output parseable: an empty line between paragraphs when their own leading text has none.
 */
import type { Paragraph } from './paragraph.ts';
import { isBlank } from './paragraph.ts';

/** True when `leading` starts with a blank line, i.e. separates this paragraph from the one before. */
function startsWithSeparator(leading: string): boolean {
  const nl = leading.indexOf('\n');
  return nl >= 0 && isBlank(leading.slice(0, nl));
}

export function formatDeb822(paragraphs: readonly Paragraph[]): string {
  const parts: string[] = [];
  const lastIndex = paragraphs.length - 1;
  for (let i = 0; i <= lastIndex; i++) {
    const p = paragraphs[i]!;
    const leading = p.leading ?? (i === 0 ? '' : '\n');
    if (i > 0 && !startsWithSeparator(leading)) parts.push('\n');
    parts.push(leading);
    let body = p.formatFields();
    if (i === lastIndex) {
      if (!p.finalNewline && p.trailing === '') body = body.slice(0, -1);
      parts.push(body, p.trailing);
    } else parts.push(body);
  }
  return parts.join('');
}

/** A single paragraph's text (its fields only, each line ending in `\n`), e.g. for DEBIAN/control. */
export function formatParagraph(p: Paragraph): string {
  return p.formatFields();
}
