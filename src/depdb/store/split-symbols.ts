/**
 * TEMPORARY: splits a symbols file into its per-soname sections until `splitSymbolsFile` lands in
 * src/formats/symbols (another helper is writing it); then this module is deleted and callers use that one.
 * A section starts at a line that does not start with white space, `|`, `*` or `#`; its soname is the first word.
 */
import type { SymbolsSection } from '../types.ts';

export function splitSymbolsSections(text: string): SymbolsSection[] {
  const out: SymbolsSection[] = [];
  let cur: { soname: string; lines: string[] } | undefined;
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const line of lines) {
    if (line !== '' && !/^[\s|*#]/.test(line)) {
      if (cur) out.push({ soname: cur.soname, text: cur.lines.join('\n') + '\n' });
      cur = { soname: line.split(/\s+/, 1)[0]!, lines: [line] };
    } else if (cur) cur.lines.push(line);
  }
  if (cur) out.push({ soname: cur.soname, text: cur.lines.join('\n') + '\n' });
  return out;
}
