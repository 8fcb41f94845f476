/** shlibs files and the soname ↔ (library, soversion) mapping dpkg-shlibdeps uses with them. */
export { splitSoname, sonamesFor, type SonameParts } from './soname.ts';
export {
  parseShlibs,
  shlibsDependency,
  type ShlibsEntry,
  type ShlibsParseOptions,
  type ShlibsParseResult,
} from './parse.ts';
