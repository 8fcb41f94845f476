/**
 * Debian policy 11.4: a program that runs sensible-editor, sensible-pager or sensible-browser (or select-editor)
 * must depend on sensible-utils, which provides them. The resolver only sees ELF DT_NEEDED, so without this the
 * package is lintian's error missing-depends-on-sensible-utils (mc, geeqie in the corpus).
 *
 * The rule is lintian 2.116's own (Check/Files/Contents.pm + Index/Item.pm mentions_in_operation): for every regular
 * file, its `strings --all` output if it is ELF, else its bytes if it starts with `#!` (not `#!#!#!`), matched by
 * `(?<!-)(?:select-editor|sensible-(?:browser|editor|pager))\b`. Matching the raw bytes of an ELF file gives the same
 * answer as matching strings(1)'s output: the match is printable ASCII, and where strings would end a line (a
 * non-printable byte) the byte is neither `-` nor a word character either.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { Problem } from '../backends/types.ts';
import type { InventoryEntry } from '../inspect/inventory.ts';
import { isScript } from './debian/lintian-rules.ts';

export const SENSIBLE_REGEX = /(?<!-)(?:select-editor|sensible-(?:browser|editor|pager))\b/;
const NEEDLES = [Buffer.from('sensible-'), Buffer.from('select-editor')];
const CHUNK = 1 << 20;
/** Bytes kept from the previous chunk: longer than the longest match plus its one byte of context either side. */
const OVERLAP = 32;

/** The first sensible-utils command the file runs, as lintian would find it, or undefined. */
export function sensibleMention(path: string): string | undefined {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(CHUNK + OVERLAP);
    let kept = 0;
    let pos = 0;
    for (;;) {
      const n = readSync(fd, buf, kept, CHUNK, pos);
      if (pos === 0) {
        const head = buf.subarray(0, Math.min(n, 6));
        if (!head.toString('latin1').startsWith('\x7fELF') && !isScript(head)) return undefined;
      }
      const len = kept + n;
      const found = findIn(buf.subarray(0, len), n === 0);
      if (found !== undefined) return found;
      if (n === 0) return undefined;
      pos += n;
      kept = Math.min(OVERLAP, len);
      buf.copy(buf, 0, len - kept, len);
    }
  } finally {
    closeSync(fd);
  }
}

/** Matches around each needle (fast native search first, the regex only on a small window). */
function findIn(data: Buffer, atEnd: boolean): string | undefined {
  for (const needle of NEEDLES) {
    for (let i = data.indexOf(needle); i >= 0; i = data.indexOf(needle, i + 1)) {
      // A hit too close to the end of a chunk is seen again, whole, in the next one.
      if (!atEnd && i + OVERLAP > data.length) break;
      const start = Math.max(0, i - 1);
      const m = SENSIBLE_REGEX.exec(data.subarray(start, i + OVERLAP - 1).toString('latin1'));
      if (m !== null && m.index + start <= i) return m[0];
    }
  }
  return undefined;
}

/** The shipped files that run a sensible-utils command: upload path → the command found. Bounded by the tree. */
export function sensibleUsers(
  root: string,
  entries: readonly InventoryEntry[],
): Array<{ path: string; command: string }> {
  const out: Array<{ path: string; command: string }> = [];
  for (const e of entries) {
    if (e.type !== 'file') continue;
    const command = sensibleMention(join(root, e.path));
    if (command !== undefined) out.push({ path: e.path, command });
  }
  return out;
}

const HAS_SENSIBLE = /(?:^|[,|])\s*sensible-utils(?:\s|,|\||\(|:|$)/;

/**
 * Depends with sensible-utils added when a shipped file runs one of its commands, and the warning that says why
 * (the report's problems). A user's --set depends wins: it is only warned about.
 */
export function withSensibleUtils(
  depends: string,
  users: ReadonlyArray<{ path: string; command: string }>,
  userDepends: boolean,
): { depends: string; problems: Problem[] } {
  if (users.length === 0 || HAS_SENSIBLE.test(depends)) return { depends, problems: [] };
  const first = users[0]!;
  const more =
    users.length > 1 ? ` (and ${users.length - 1} more ${users.length === 2 ? 'file' : 'files'})` : '';
  const why = `${first.path} runs ${first.command}${more}`;
  if (userDepends)
    return {
      depends,
      problems: [
        {
          severity: 'warning',
          code: 'DEPENDS_SENSIBLE_UTILS_MISSING',
          message: `${why}, but the given Depends lacks sensible-utils (lintian: missing-depends-on-sensible-utils)`,
          hint: 'Add sensible-utils to --set depends=… (Debian policy 11.4).',
        },
      ],
    };
  return {
    depends: depends === '' ? 'sensible-utils' : `${depends}, sensible-utils`,
    problems: [
      {
        severity: 'warning',
        code: 'DEPENDS_SENSIBLE_UTILS',
        message: `Depends: sensible-utils added: ${why} (Debian policy 11.4)`,
      },
    ],
  };
}
