/**
 * Turning a symbols dependency template into a dependency, as dpkg-shlibdeps does when it writes shlibs:Depends:
 * `#MINVER#` becomes `(>= minver)` when the minimum version is a valid, non-"0" version, and disappears otherwise
 * (a library whose symbols were all there from the start); then runs of whitespace collapse to one space.
 *
 *   fillTemplate('libc6 #MINVER#', '2.34')            → 'libc6 (>= 2.34)'
 *   fillTemplate('libc6 (>> 2.36), libc6 (<< 2.37)')  → unchanged
 */
import { checkVersion } from '../version/parse.ts';
import type { SymbolInfo, SymbolsObject } from './model.ts';

export function fillTemplate(template: string, minver?: string): string {
  const usable = minver !== undefined && minver !== '' && minver !== '0' && 'version' in checkVersion(minver);
  const filled = template.split('#MINVER#').join(usable ? `(>= ${minver})` : '');
  return filled.replace(/[ \t\n\r\f\v]+/g, ' ');
}

/** The template a symbol selects: its dep-id's, or undefined when the section has no such alternative. */
export function templateFor(object: SymbolsObject, symbol: SymbolInfo): string | undefined {
  return object.dependencies[symbol.depId];
}
