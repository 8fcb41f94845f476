/**
 * The deb822 module's public API. Import from here (`src/formats/deb822/index.ts`); the files behind it may move.
 */
export { Paragraph, rawToValue, valueToRaw, fieldNameProblem, sameFieldName } from './paragraph.ts';
export {
  parseDeb822,
  parseDeb822Bytes,
  decodeDeb822,
  parseDeb822Stream,
  Deb822StreamParser,
  type Deb822ParseOptions,
} from './parse.ts';
export { formatDeb822, formatParagraph } from './format.ts';
export {
  foldValue,
  splitWhitespace,
  splitCommas,
  continuationLines,
  parseFileList,
  formatFileList,
  parseConffiles,
  parseDescription,
  formatDescription,
  type FileEntry,
  type Conffile,
  type Description,
} from './fields.ts';
