/** Contents indices (file → packages): streamed records, and the shared-library view the dependency database uses. */
export { parseContentsLine, isHeaderEnd, type ContentsRecord } from './line.ts';
export {
  parseContents,
  readContents,
  readLines,
  HEADER_LOOKAHEAD,
  type ContentsReadOptions,
} from './read.ts';
export {
  isLibraryPath,
  libraryOf,
  readContentsLibraries,
  type ContentsLibrary,
  type LibraryPathOptions,
} from './libraries.ts';
