/**
 * Free text as the generators receive it (a README excerpt, a metadata "description", a user's --set value) split
 * into blocks that each output format renders its own way: deb822 Description lines, AppStream <p>/<ul>, roff
 * paragraphs. One reading of the text for all three, so the package description, the software-centre page and the
 * man page say the same thing.
 *
 * The input is "markdown-ish": blank lines separate paragraphs, `-`/`*`/`+`/`1.` lines are list items, `#` headings
 * are plain text, and hard line breaks inside a paragraph are only wrapping (they are joined). Anything else is
 * taken literally: pkgme never guesses at markup it does not know.
 */

export type Block = { kind: 'para'; text: string } | { kind: 'list'; items: string[] };

/**
 * Removes what no output format can carry: C0/C1 controls (except newline), and normalises line ends, tabs (a tab
 * in a Description is a lintian error) and Unicode to NFC (so the same name is the same bytes everywhere).
 */
export function cleanText(s: string): string {
  return (
    s
      .normalize('NFC')
      .replace(/\r\n?/g, '\n')
      .replace(/[\t\v\f]/g, ' ')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/g, '')
  );
}

/** One line of text: every run of whitespace becomes one space, ends trimmed. */
export function oneLine(s: string): string {
  return cleanText(s).replace(/\s+/g, ' ').trim();
}

const LIST_ITEM = /^\s*(?:[-*+•]|\d{1,3}[.)])\s+(.*)$/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/;
/** Setext underlines (`===`, `---`) and horizontal rules carry no words. */
const RULE = /^\s*(?:[=\-*_]\s*){3,}$/;

/** The text's paragraphs and lists, in order; empty blocks dropped. */
export function blocks(text: string): Block[] {
  const out: Block[] = [];
  let para: string[] = [];
  let items: string[] | null = null;
  const flushPara = (): void => {
    const t = oneLine(para.join(' '));
    if (t.length > 0) out.push({ kind: 'para', text: t });
    para = [];
  };
  const flushList = (): void => {
    const list = (items ?? []).map(oneLine).filter((i) => i.length > 0);
    if (list.length > 0) out.push({ kind: 'list', items: list });
    items = null;
  };
  for (const line of cleanText(text).split('\n')) {
    if (line.trim() === '' || RULE.test(line)) {
      flushPara();
      flushList();
      continue;
    }
    const heading = HEADING.exec(line);
    const item = LIST_ITEM.exec(line);
    if (heading !== null) {
      flushPara();
      flushList();
      para.push(heading[1]!);
      flushPara();
    } else if (item !== null) {
      flushPara();
      items ??= [];
      items.push(item[1]!);
    } else if (items !== null && /^\s/.test(line)) {
      // An indented line right after an item continues it.
      items[items.length - 1] += ' ' + line;
    } else {
      flushList();
      para.push(line);
    }
  }
  flushPara();
  flushList();
  return out;
}

/** Length in code points, which is what lintian's `length` and a terminal's columns count (not UTF-16 units). */
export function width(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Greedy word wrap to at most `max` code points per line. A word longer than `max` (a long URL) is cut into
 * `max`-sized pieces: an over-long line is a lintian warning, a cut URL is only ugly.
 */
export function wrap(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  let lineWidth = 0;
  for (const word of text.split(' ').filter((w) => w.length > 0)) {
    const pieces: string[] = [];
    const chars = [...word];
    for (let i = 0; i < chars.length; i += max) pieces.push(chars.slice(i, i + max).join(''));
    for (const piece of pieces) {
      const w = width(piece);
      if (lineWidth > 0 && lineWidth + 1 + w <= max) {
        line += ' ' + piece;
        lineWidth += 1 + w;
      } else {
        if (lineWidth > 0) lines.push(line);
        line = piece;
        lineWidth = w;
      }
    }
  }
  if (lineWidth > 0) lines.push(line);
  return lines;
}

/** The first `max` code points of `s`, cut at the last space before the limit when there is one. */
export function truncateWords(s: string, max: number): string {
  if (width(s) <= max) return s;
  const cut = [...s].slice(0, max).join('');
  const space = cut.lastIndexOf(' ');
  return (space > max / 2 ? cut.slice(0, space) : cut).trimEnd();
}

/** The holder lines of the plan's copyright, without "Copyright", "(c)" or "©" prefixes (DEP-5 wants none). */
export function holders(copyright: string): string[] {
  return cleanText(copyright)
    .split('\n')
    .map((l) => oneLine(l).replace(/^(?:copyright\s*)?(?:\(c\)|©)?\s*/i, ''))
    .filter((l) => l.length > 0);
}

/** The first holder's name without its years ("2019-2024, Example Ltd" → "Example Ltd"), or undefined. */
export function holderName(copyright: string): string | undefined {
  const first = holders(copyright)[0];
  const name = first?.replace(/^[\d\s,\-–]+/, '').trim();
  return name === undefined || name === '' ? undefined : name;
}
