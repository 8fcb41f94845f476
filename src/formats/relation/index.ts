/** Depends-style relation fields: model, parser, canonical formatting, and the merge helper. */
export type {
  PackageAtom,
  RelationAtom,
  RelationGroup,
  RelationList,
  RelationOp,
  SubstvarAtom,
} from './model.ts';
export { isBuildField, parseRelations, type RelationParseOptions } from './parse.ts';
export { formatAtom, formatGroup, formatRelations } from './format.ts';
export { simplifyRelations } from './simplify.ts';
export {
  compareAtoms,
  compareGroups,
  groupImplies,
  relationFieldType,
  simplifyDeps,
  simplifyLikeDpkg,
  simplifyUnion,
} from './implies.ts';
