/**
 * Man pages written for groff 1.23 read on an older groff. groff 1.23 (trixie) added the mdoc macro `.Tg` (a tag for
 * a pager's tag navigation) and the man macro `.MR` (a man page reference); bookworm's groff 1.22.4 knows neither and
 * warns `macro 'Tg' not defined` — lintian's groff-message for the upload's own page (tmux 3.3a ships 75 `.Tg` lines).
 *
 * The rewrite keeps what the reader sees:
 * - `.Tg` lines go: groff 1.23 prints nothing for them in terminal output, and 1.22 ignores an undefined macro's
 *   line too (after the warning), so the rendered page is the same on both.
 * - `.MR page section [trailer]` becomes `.IR page (section)trailer`: 1.23 renders MR as the page name in italics and
 *   the section in roman, which is exactly what IR gives on every groff.
 *
 * Anything else in the page is left byte for byte. Pure text: nothing in the page is run.
 */

/** A request line: `.` or `'`, optional blanks, the macro name, then blanks or the end of the line. */
const TG = /^[.'][ \t]*Tg(?:[ \t].*)?$/;
const MR = /^([.'])[ \t]*MR[ \t]+(.*)$/;

/** roff arguments of a macro line: blank-separated, double quotes group (a doubled quote inside is one quote). */
function roffArgs(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (i >= s.length) break;
    let arg = '';
    if (s[i] === '"') {
      i++;
      while (i < s.length) {
        if (s[i] === '"' && s[i + 1] === '"') {
          arg += '"';
          i += 2;
        } else if (s[i] === '"') {
          i++;
          break;
        } else arg += s[i++];
      }
    } else while (i < s.length && s[i] !== ' ' && s[i] !== '\t') arg += s[i++];
    out.push(arg);
  }
  return out;
}

/** An argument for a macro line: quoted when it holds blanks or quotes (or is empty). */
function quote(arg: string): string {
  return /^[^\s"]+$/.test(arg) ? arg : `"${arg.replace(/"/g, '""')}"`;
}

/** The page for groff 1.22, or undefined when it needs no change (then the upload's file ships as it is). */
export function compatManpage(text: string): string | undefined {
  if (!/^[.'][ \t]*(?:Tg|MR)\b/m.test(text)) return undefined;
  let changed = false;
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (TG.test(line)) {
      changed = true;
      continue;
    }
    const mr = MR.exec(line);
    if (mr !== null) {
      const [page = '', section = '', trailer = ''] = roffArgs(mr[2]!);
      if (page !== '') {
        changed = true;
        const after = section === '' ? trailer : `(${section})${trailer}`;
        out.push(after === '' ? `${mr[1]}I ${quote(page)}` : `${mr[1]}IR ${quote(page)} ${quote(after)}`);
        continue;
      }
    }
    out.push(line);
  }
  return changed ? out.join('\n') : undefined;
}
