/**
 * Splitting a DEBIAN/symbols file per soname. TEMPORARY body: `splitSymbolsFile` belongs to src/formats/symbols
 * (another helper's module); this stands in until it lands. A section starts at a line `soname template…` (not
 * starting with space, tab, `|`, `*` or `#`) and runs until the next one; the text is kept exactly as shipped.
 */
import type { SymbolsSection } from '../../types.ts';

export function splitSymbols(text: string): SymbolsSection[] {
  const out: SymbolsSection[] = [];
  let current: { soname: string; lines: string[] } | undefined;
  for (const line of text.split('\n')) {
    const c = line.charAt(0);
    if (line !== '' && !' \t|*#'.includes(c)) {
      if (current) out.push({ soname: current.soname, text: current.lines.join('\n') + '\n' });
      current = { soname: line.split(/\s+/)[0]!, lines: [line] };
    } else if (current && line !== '') current.lines.push(line);
  }
  if (current) out.push({ soname: current.soname, text: current.lines.join('\n') + '\n' });
  return out;
}
