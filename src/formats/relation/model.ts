/**
 * The model of a Depends-style field: an AND list of OR groups of atoms.
 *
 *   `libc6 (>= 2.34), libfoo1 | libbar1, ${misc:Depends}`
 *   → [[libc6 ≥ 2.34], [libfoo1, libbar1], [${misc:Depends}]]
 *
 * Arrays rather than classes, so models are plain data (JSON for `--json`, structural equality in tests).
 */
import type { RelationOp as AnyRelationOp } from '../version/compare.ts';

/** The operators after normalisation: the obsolete `<` / `>` are read as `<=` / `>=` (as dpkg does). */
export type RelationOp = Exclude<AnyRelationOp, '<' | '>'>;

export interface PackageAtom {
  type: 'package';
  name: string;
  /** `:any`, `:native` (build fields only), or an architecture name. */
  archQualifier?: string;
  /** Kept as written: versions in debian/control may be substitution variables like `${binary:Version}`. */
  constraint?: { op: RelationOp; version: string };
  /** `[amd64 !i386]` tokens, `!` kept on each. */
  arches?: string[];
  /** Build-profile formula: one inner list per `<…>` group (OR of groups, AND inside), `!` kept on each term. */
  profiles?: string[][];
}

/** An item like `${shlibs:Depends}`: opaque until dpkg-gencontrol substitutes it. `name` is without `${` `}`. */
export interface SubstvarAtom {
  type: 'substvar';
  name: string;
}

export type RelationAtom = PackageAtom | SubstvarAtom;

/** One comma-separated item: alternatives separated by `|`. Never empty. */
export type RelationGroup = RelationAtom[];

/** A whole field. Empty for an empty field. */
export type RelationList = RelationGroup[];
