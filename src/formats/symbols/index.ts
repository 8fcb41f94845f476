/** Symbols files (deb-symbols(5)): parse as Dpkg::Shlibs::SymbolFile does, and split per soname for the store. */
export type { PatternKind, SymbolInfo, SymbolPattern, SymbolsObject, SymbolTag } from './model.ts';
export {
  isDeprecated,
  parseSymbolsFile,
  parseSymbolsSection,
  tagValue,
  type SymbolsParseOptions,
  type SymbolsParseResult,
} from './parse.ts';
export { fillTemplate, templateFor } from './template.ts';
export { splitSymbolsFile, type SymbolsSectionText } from './split.ts';
export { capitalizeField, classifyLine, type SymbolsLine } from './line.ts';
