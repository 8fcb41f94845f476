/**
 * The fields of a .dsc, computed from debian/control the way dpkg-source -b computes them (dpkg 1.21), so a
 * reviewer comparing our .dsc with dpkg-source's sees the same fields in the same order:
 *
 *  - from the source stanza: Source, Maintainer, Uploaders (joined on one line), Origin, Homepage,
 *    Standards-Version, Vcs-*, Testsuite(-Triggers), and Build-Depends/-Conflicts(-Arch/-Indep) in canonical form
 *    after dpkg's simplify_deps (Build-Conflicts* merged as unions and sorted, relation/implies.ts);
 *    `XS-`/`XSC-`… fields are copied without their prefix; Section/Priority only feed Package-List;
 *  - Binary: the binary package names, `, `-joined (folded past 980 characters like dpkg-source);
 *  - Architecture: `any`/`all` collapse (`any all` when both), otherwise the distinct architectures;
 *  - Package-List: `name type section priority arch=a,b [profile=…] [protected=yes] [essential=yes]`, sorted;
 *  - Checksums-Sha1, Checksums-Sha256, Files (md5), in that order, at the end.
 * Output order is Dpkg::Control's: its known-field list first, then unknown fields sorted by name.
 *
 *  - Testsuite / Testsuite-Triggers from debian/tests/control, when given.
 * Not done (documented in docs/source-packages.md): wildcard architecture minimisation.
 */
import { PkgmeError } from '../../errors.ts';
import { Paragraph, formatFileList } from '../deb822/index.ts';
import { formatRelations } from '../relation/format.ts';
import { simplifyLikeDpkg } from '../relation/implies.ts';
import { parseRelations } from '../relation/parse.ts';

/** Dpkg::Control::FieldsCore's order for CTRL_PKG_SRC (field_ordered_list). */
export const DSC_FIELD_ORDER = [
  'Format',
  'Source',
  'Binary',
  'Architecture',
  'Version',
  'Origin',
  'Maintainer',
  'Uploaders',
  'Homepage',
  'Description',
  'Standards-Version',
  'Vcs-Browser',
  'Vcs-Arch',
  'Vcs-Bzr',
  'Vcs-Cvs',
  'Vcs-Darcs',
  'Vcs-Git',
  'Vcs-Hg',
  'Vcs-Mtn',
  'Vcs-Svn',
  'Testsuite',
  'Testsuite-Triggers',
  'Build-Depends',
  'Build-Depends-Arch',
  'Build-Depends-Indep',
  'Build-Conflicts',
  'Build-Conflicts-Arch',
  'Build-Conflicts-Indep',
  'Package-List',
  'Checksums-Md5',
  'Checksums-Sha1',
  'Checksums-Sha256',
  'Files',
] as const;

/** Source-stanza fields dpkg-source copies into the .dsc as they are (Vcs-* included). */
const COPIED = new Set(
  ['Source', 'Maintainer', 'Origin', 'Homepage', 'Standards-Version', 'Testsuite', 'Testsuite-Triggers']
    .concat(DSC_FIELD_ORDER.filter((f) => f.startsWith('Vcs-')))
    .map((f) => f.toLowerCase()),
);

const BUILD_RELATION = /^build-(depends|conflicts)(-arch|-indep)?$/i;

/** A file listed in the .dsc with its three digests (lower-case hex). */
export interface DscFile {
  name: string;
  size: number;
  md5: string;
  sha1: string;
  sha256: string;
}

export interface DscFieldsInput {
  /** `3.0 (quilt)` or `3.0 (native)`. */
  format: string;
  /** The full version (with epoch and revision), as in debian/changelog. */
  version: string;
  /** debian/control's paragraphs: the source stanza first, then one per binary package. */
  control: readonly Paragraph[];
  /** The tarballs, in the order they are listed (orig first, then debian). */
  files: readonly DscFile[];
  /** debian/tests/control's paragraphs when the tree has one: they add Testsuite: autopkgtest and its triggers. */
  tests?: readonly Paragraph[];
}

/**
 * dpkg-source's set_testsuite_fields: a tests control file adds `autopkgtest` to Testsuite (a sorted set), and,
 * unless Testsuite-Triggers was written by hand, every package its tests depend on, minus the source's own
 * binaries and `@`, sorted.
 */
function testsuiteFields(
  fields: Map<string, string>,
  tests: readonly Paragraph[] | undefined,
  binaries: string[],
): void {
  const suites = new Set(
    (fields.get('Testsuite') ?? '')
      .split(/\s*,\s*/)
      .map((x) => x.trim())
      .filter((x) => x !== ''),
  );
  if (tests !== undefined) {
    suites.add('autopkgtest');
    if (!fields.get('Testsuite-Triggers')) {
      const deps = new Set<string>();
      for (const t of tests) {
        const value = t.get('Depends');
        if (!value) continue;
        for (const g of parseRelations(value, { field: 'Depends', tests: true }))
          for (const a of g) if (a.type === 'package') deps.add(a.name);
      }
      for (const own of [...binaries, '@']) deps.delete(own);
      fields.set('Testsuite-Triggers', [...deps].sort(byteOrder).join(', '));
    }
  } else suites.delete('autopkgtest');
  fields.set('Testsuite', [...suites].sort(byteOrder).join(', '));
  for (const f of ['Testsuite', 'Testsuite-Triggers']) if (fields.get(f) === '') fields.delete(f);
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function controlError(problem: string, hint: string): PkgmeError {
  return new PkgmeError('DSC_BAD_CONTROL', `debian/control: ${problem}`, 'input', { hint });
}

/** dpkg's field_capitalize: each dash-separated word gets an upper-case first letter, the rest lower case. */
function capitalize(name: string): string {
  const known = DSC_FIELD_ORDER.find((f) => f.toLowerCase() === name.toLowerCase());
  if (known !== undefined) return known;
  return name
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase())
    .join('-');
}

/** The `XS-Foo` → `Foo` rule (field_transfer_single): an X-prefixed field meant for the source package. */
function customSourceField(name: string): string | undefined {
  const m = /^X([SBC]*)-(.+)$/i.exec(name);
  return m !== null && /S/i.test(m[1]!) ? capitalize(m[2]!) : undefined;
}

function architecture(binaries: readonly Paragraph[]): string {
  const arches: string[] = [];
  for (const p of binaries) {
    const name = p.get('Package') ?? '?';
    const value = (p.get('Architecture') ?? '').trim();
    if (value === '')
      throw controlError(`binary package ${name} has no Architecture`, 'Add `Architecture: any`.');
    const list = value === 'any' || value === 'all' ? [value] : value.split(/\s+/);
    for (const a of list) {
      if (!/^[a-zA-Z0-9][a-zA-Z0-9-]*$/.test(a)) {
        throw controlError(
          `'${a}' is not a legal architecture string in package '${name}'`,
          'Fix Architecture.',
        );
      }
      if (list.length > 1 && (a === 'any' || a === 'all')) {
        throw controlError(
          `architecture ${a} only allowed on its own (package ${name})`,
          'Fix Architecture.',
        );
      }
      if (!arches.includes(a)) arches.push(a);
    }
  }
  if (arches.includes('any')) return arches.includes('all') ? 'any all' : 'any';
  return arches.join(' ');
}

function packageListLine(p: Paragraph, section: string, priority: string): string {
  let line = [
    p.get('Package'),
    p.get('Package-Type') ?? p.get('XC-Package-Type') ?? 'deb',
    p.get('Section') || section,
    p.get('Priority') || priority,
  ].join(' ');
  line += ` arch=${(p.get('Architecture') ?? '').trim().split(/\s+/).join(',')}`;
  const profile = p.get('Build-Profiles');
  if (profile !== undefined) {
    const formula = profile
      .replace(/^\s*<([\s\S]*)>\s*$/, '$1')
      .replace(/>\s+</g, '+')
      .replace(/\s+/g, ',');
    line += ` profile=${formula}`;
  }
  if (p.get('Protected') === 'yes') line += ' protected=yes';
  if (p.get('Essential') === 'yes') line += ' essential=yes';
  return line;
}

/** dpkg-source folds a long Binary field after a comma, keeping lines within 980 characters. */
function binaryField(names: string[]): string {
  const joined = names.join(', ');
  return joined.length > 980 ? joined.replace(/(.{0,980}), ?/g, '$1,\n') : joined;
}

/** Builds the .dsc paragraph (fields in dpkg's order). Throws DSC_BAD_CONTROL for unusable control data. */
export function dscParagraph(input: DscFieldsInput): Paragraph {
  const [source, ...binaries] = input.control;
  if (source?.get('Source') === undefined) {
    throw controlError(
      'the first paragraph has no Source field',
      'debian/control must start with the source stanza.',
    );
  }
  if (binaries.length === 0) throw controlError("doesn't list any binary package", 'Add a Package stanza.');
  const fields = new Map<string, string>();
  fields.set('Format', input.format);
  for (const [rawName, value] of source.entries()) {
    const name = capitalize(rawName);
    const lower = name.toLowerCase();
    if (lower === 'uploaders') fields.set('Uploaders', value.replace(/\s*[\r\n]\s*/g, ' '));
    else if (BUILD_RELATION.test(name)) {
      const list = parseRelations(value, { field: name });
      fields.set(name, formatRelations(simplifyLikeDpkg(list, name)));
    } else if (COPIED.has(lower)) fields.set(name, value);
    else {
      const custom = customSourceField(rawName);
      if (custom !== undefined) fields.set(custom, value);
    }
  }
  const names: string[] = [];
  const section = source.get('Section') || 'unknown';
  const priority = source.get('Priority') || 'unknown';
  const lines: string[] = [];
  for (const p of binaries) {
    const name = p.get('Package');
    if (name === undefined)
      throw controlError('a binary stanza has no Package field', 'Add `Package: <name>`.');
    names.push(name);
    lines.push(packageListLine(p, section, priority));
    for (const [rawName, value] of p.entries()) {
      const custom = customSourceField(rawName);
      if (custom !== undefined) fields.set(custom, value);
    }
  }
  testsuiteFields(fields, input.tests, names);
  fields.set('Binary', binaryField(names));
  fields.set('Architecture', architecture(binaries));
  fields.set('Version', input.version);
  fields.set('Package-List', `\n${lines.sort().join('\n')}`);
  const table = (digest: 'sha1' | 'sha256' | 'md5') =>
    formatFileList(input.files.map((f) => ({ hash: f[digest], size: f.size, name: f.name })));
  fields.set('Checksums-Sha1', table('sha1'));
  fields.set('Checksums-Sha256', table('sha256'));
  fields.set('Files', table('md5'));

  const order = new Map<string, number>(DSC_FIELD_ORDER.map((f, i) => [f, i]));
  const sorted = [...fields.keys()].sort((a, b) => {
    const ia = order.get(a as (typeof DSC_FIELD_ORDER)[number]);
    const ib = order.get(b as (typeof DSC_FIELD_ORDER)[number]);
    if (ia !== undefined && ib !== undefined) return ia - ib;
    if (ia !== undefined) return -1;
    if (ib !== undefined) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return Paragraph.from(sorted.map((name) => [name, fields.get(name)!] as const));
}
