/**
 * The debian/ text generators (issue 4 "Generation"): each a pure function of the PackagePlan returning the file's
 * text, so the layout/build stage decides where files go and the same plan always gives the same bytes.
 * docs/packaging.md "debian/ files" says what each one writes and why.
 */
export { control, synopsis, description, extendedDescription } from './control.ts';
export { changelog, rfc2822 } from './changelog.ts';
export {
  copyright,
  dep5Expression,
  DEP5_FORMAT,
  METAINFO_SOURCE_PATTERN,
  type CopyrightFacts,
} from './copyright.ts';
export { dep5License, isProprietary, COMMON_LICENSE_FILES, type Dep5License } from './licenses.ts';
export { rules, rulesLintianOverrides, RULES_MODE, sourceFormat } from './rules.ts';
export {
  metainfo,
  metainfoPath,
  componentId,
  displayName,
  launcherNames,
  summaryText,
  xmlEscape,
} from './metainfo.ts';
export { manpage, roffText } from './manpage.ts';
export {
  lintianOverrides,
  ALLOWED_TAGS,
  NO_FACTS,
  type LintianFacts,
  type AllowedTag,
} from './lintian-overrides.ts';
