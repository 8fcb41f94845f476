/** Debian versions: parse/check/format (parse.ts) and dpkg's ordering (compare.ts). */
export {
  checkVersion,
  formatVersion,
  parseVersion,
  parseVersionLax,
  type DebVersion,
  type VersionCheck,
  type VersionProblem,
} from './parse.ts';
export {
  compareParsed,
  comparePart,
  compareVersions,
  normalizeOp,
  satisfies,
  type Ordering,
  type RelationOp,
} from './compare.ts';
