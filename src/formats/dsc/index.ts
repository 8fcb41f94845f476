/** Debian source packages: .dsc fields (fields.ts), writing (write.ts), reading and checking (read.ts). */
export { DSC_FIELD_ORDER, dscParagraph, type DscFieldsInput, type DscFile } from './fields.ts';
export {
  writeSourcePackage,
  type SourceFormat,
  type WriteSourceOptions,
  type WrittenSource,
} from './write.ts';
export {
  MAX_DSC_BYTES,
  MAX_LISTED_ENTRIES,
  listDscContents,
  parseDsc,
  readDsc,
  verifyDscFiles,
  type Dsc,
  type DscEntry,
  type TarballListing,
} from './read.ts';
