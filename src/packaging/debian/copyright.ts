/**
 * debian/copyright in the machine-readable DEP-5 format (copyright-format 1.0): a header, `Files: *` for the
 * upload, `Files: debian/*` for the packaging, and one standalone License paragraph per license named, so a
 * dual-licensed upload ("MIT OR Apache-2.0") states each text once.
 *
 * The license text follows Debian policy 12.5: a license in /usr/share/common-licenses is referred to by path with
 * its usual notice; any other license is given in full: from the upload's own license file (plan.licenseText, or
 * plan.licenseTexts[id] when the upload has one file per license), else the standard text of a short permissive
 * license, else the SPDX License List's text of the id (with a Comment saying so). Proprietary uploads say plainly
 * that the terms were not given, instead of inventing any.
 */
import { Paragraph, formatDeb822 } from '../../formats/deb822/index.ts';
import type { PackagePlan } from '../types.ts';
import { dep5License, isProprietary, STANDARD_TEXTS, type Dep5License } from './licenses.ts';
import { spdxLicenseText, spdxListVersion } from './spdx-texts.ts';
import { blocks, cleanText, holders, oneLine, wrap } from './text.ts';

export const DEP5_FORMAT = 'https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/';
const COMMON = '/usr/share/common-licenses';
const TEXT_WIDTH = 78;

/** An SPDX expression as DEP-5 writes it: ids mapped, operators lower-case (`MIT OR Apache-2.0` → `Expat or Apache-2.0`). */
export function dep5Expression(spdx: string): { expression: string; licenses: Dep5License[] } {
  const tokens = oneLine(spdx)
    .replace(/[()]/g, ' ')
    .split(' ')
    .filter((t) => t.length > 0);
  const out: string[] = [];
  const licenses: Dep5License[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const op = t.toUpperCase();
    if (op === 'AND' || op === 'OR') out.push(op.toLowerCase());
    else if (op === 'WITH' && i + 1 < tokens.length) {
      // DEP-5: "GPL-2+ with OpenSSL exception"; SPDX: "GPL-2.0-or-later WITH Classpath-exception-2.0".
      const exception = tokens[++i]!.replace(/-exception(-[\d.]+)?$/i, '$1');
      out.push(`with ${exception} exception`);
    } else {
      const lic = dep5License(t);
      out.push(lic.name);
      if (!licenses.some((l) => l.name === lic.name)) licenses.push(lic);
    }
  }
  if (licenses.length === 0) {
    const lic = dep5License('LicenseRef-proprietary');
    return { expression: lic.name, licenses: [lic] };
  }
  return { expression: out.join(' '), licenses };
}

/** Wrapped paragraphs as DEP-5 text lines ('' for the blank line between paragraphs). */
function paragraphs(text: string): string[] {
  const out: string[] = [];
  for (const b of blocks(text)) {
    if (out.length > 0) out.push('');
    const items = b.kind === 'para' ? [b.text] : b.items.map((i) => `- ${i}`);
    for (const item of items) out.push(...wrap(item, TEXT_WIDTH));
  }
  return out;
}

function gnuNotice(lic: Dep5License): string {
  const { version, later } = lic.gnu!;
  const which = later
    ? `either version ${version} of the License, or (at your option) any later version`
    : `version ${version} of the License`;
  return `This program is free software: you can redistribute it and/or modify it under the terms of the ${lic.title} as published by the Free Software Foundation, ${which}.

This program is distributed in the hope that it will be useful, but WITHOUT ANY WARRANTY; without even the implied warranty of MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE. See the ${lic.title} for more details.`;
}

/** An upload's own license file, kept line for line (it is a legal text: pkgme does not re-wrap it). */
function verbatim(text: string): string[] {
  const lines = cleanText(text)
    .split('\n')
    .map((l) => l.trimEnd());
  while (lines.length > 0 && lines[0] === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  // Runs of blank lines collapse to one: DEP-5 has one way to write an empty line.
  return lines.filter((l, i) => l !== '' || lines[i - 1] !== '');
}

/** The text lines of one License paragraph, and a Comment saying where a text pkgme supplied comes from. */
export function licenseText(
  lic: Dep5License,
  plan: Pick<PackagePlan, 'licenseText' | 'licenseTexts' | 'license'>,
  single: boolean,
): { lines: string[]; comment?: string } {
  const own = Object.entries(plan.licenseTexts ?? {}).find(
    ([spdx, text]) => dep5License(spdx).name === lic.name && text.trim() !== '',
  );
  if (lic.commonFile !== undefined) {
    const intro = lic.gnu !== undefined ? gnuNotice(lic) : `Licensed under the ${lic.title}.`;
    return {
      lines: paragraphs(
        `${intro}\n\nOn Debian systems, the complete text of the ${lic.title}${lic.gnu !== undefined ? ` version ${lic.gnu.version}` : ''} can be found in "${COMMON}/${lic.commonFile}".`,
      ),
    };
  }
  // The upload's own text is the authority when it is the only license named (with several, it is not known
  // which of them the file holds).
  if (single && plan.licenseText !== undefined && plan.licenseText.trim() !== '')
    return { lines: verbatim(plan.licenseText) };
  // With one file per alternative, each file is the authority for the license it holds.
  if (own !== undefined) return { lines: verbatim(own[1]) };
  const standard = Object.hasOwn(STANDARD_TEXTS, lic.name) ? STANDARD_TEXTS[lic.name] : undefined;
  if (standard !== undefined) return { lines: paragraphs(standard) };
  if (isProprietary(lic.name) || lic.name === 'proprietary') {
    return {
      lines: paragraphs(
        'This software is not free software. Its license terms were not included in the upload; ask the copyright holder for them before redistributing it.',
      ),
    };
  }
  // A license the upload names without its text: the SPDX License List's text of that id.
  const spdx = lic.spdx === undefined ? undefined : spdxLicenseText(lic.spdx);
  if (spdx !== undefined)
    return {
      lines: verbatim(spdx),
      comment: `The upload names ${lic.spdx} without including its text: this is the text of the SPDX License List (spdx-license-list ${spdxListVersion()}).`,
    };
  return {
    lines: paragraphs(
      `The upload names the ${lic.name} license but does not include its text; it is published at https://spdx.org/licenses/${encodeURIComponent(lic.name)}.html.`,
    ),
  };
}

function holderLines(copyright: string): string {
  const lines = holders(copyright);
  return lines.length > 0 ? lines.join('\n') : 'the upstream authors (no holder is named in the upload)';
}

function year(epochSeconds: number): number {
  return new Date(epochSeconds * 1000).getUTCFullYear();
}

/** The maintainer's name without the address, for the packaging's copyright line. */
function maintainerName(maintainer: string): string {
  const name = oneLine(maintainer).replace(/\s*<[^>]*>\s*$/, '');
  return name.length > 0 ? name : oneLine(maintainer);
}

/**
 * The generated metainfo in the source package (debian/pkgme/usr/share/metainfo/), as a DEP-5 pattern. It gets
 * its own Files paragraph: its metadata_license is CC0-1.0, and lintian (inconsistent-appstream-metadata-license)
 * compares that with the license debian/copyright gives the file. A directory pattern, not the file name, so the
 * paragraph stays right whatever the file is called (lintian warns superfluous-file-pattern for a name that
 * matches nothing).
 */
export const METAINFO_SOURCE_PATTERN = 'debian/pkgme/usr/share/metainfo/*';

/** Which generated files the source package holds, so that every Files pattern matches something. */
export interface CopyrightFacts {
  /** A generated metainfo under debian/pkgme/usr/share/metainfo/ (its CC0-1.0 paragraph is written only then). */
  metainfo: boolean;
  /**
   * The upload's own AppStream files (paths in the source package) with the metadata_license each states
   * (metadataLicense): each license gets a Files paragraph for its files, since lintian compares the two
   * (inconsistent-appstream-metadata-license) and the upload's license is rarely its metadata's (CC0-1.0, FSFAP…).
   */
  upstreamMetainfo?: Array<{ path: string; license: string }>;
}

/** A source path as a DEP-5 Files pattern: `*`, `?` and `\\` escaped, whitespace (a pattern separator) as `?`. */
function filesPattern(path: string): string {
  return path.replace(/[\\*?]/g, '\\$&').replace(/\s/g, '?');
}

/** One Files paragraph per metadata_license of the upload's AppStream files, with the licenses they name. */
function upstreamMetainfoParagraphs(
  plan: PackagePlan,
  files: ReadonlyArray<{ path: string; license: string }>,
): { paragraphs: Paragraph[]; licenses: Dep5License[] } {
  const byLicense = new Map<string, string[]>();
  for (const f of files) byLicense.set(f.license, [...(byLicense.get(f.license) ?? []), f.path]);
  const paragraphs: Paragraph[] = [];
  const licenses: Dep5License[] = [];
  for (const [license, paths] of [...byLicense].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const dep5 = dep5Expression(license);
    const p = new Paragraph();
    p.set('Files', [...new Set(paths.map(filesPattern))].sort().join(' '));
    p.set('Copyright', holderLines(plan.copyright));
    p.set('License', dep5.expression);
    p.set('Comment', "The upload's AppStream metadata, under the metadata_license the file states.");
    paragraphs.push(p);
    licenses.push(...dep5.licenses);
  }
  return { paragraphs, licenses };
}

/**
 * debian/copyright for the plan. `facts` says which generated files exist: a Files pattern that matches nothing is
 * lintian's superfluous-file-pattern warning. Without facts: the pipeline's rule, a metainfo for every plan but a
 * re-packaged .deb's (which brings its own).
 */
export function copyright(
  plan: PackagePlan,
  facts: CopyrightFacts = { metainfo: plan.fixedPlacements === undefined },
): string {
  const { expression, licenses } = dep5Expression(plan.license);
  const header = new Paragraph();
  header.set('Format', DEP5_FORMAT);
  header.set('Upstream-Name', plan.package);
  if (plan.homepage !== undefined && plan.homepage !== '') header.set('Source', oneLine(plan.homepage));
  const provenance = plan.fields.license?.source;
  if (provenance !== undefined) {
    header.set(
      'Comment',
      `License ${oneLine(plan.license)} (SPDX) as determined by pkgme from ${oneLine(provenance)}.`,
    );
  }

  const files = new Paragraph();
  files.set('Files', '*');
  files.set('Copyright', holderLines(plan.copyright));
  files.set('License', expression);

  const debian = new Paragraph();
  debian.set('Files', 'debian/*');
  debian.set('Copyright', `${year(plan.date)} ${maintainerName(plan.maintainer)}`);
  debian.set('License', expression);
  debian.set('Comment', 'Packaging generated by pkgme; it is under the same terms as the upload.');

  const upstream = upstreamMetainfoParagraphs(plan, facts.upstreamMetainfo ?? []);
  const all = [...licenses];
  for (const l of upstream.licenses) if (!all.some((a) => a.name === l.name)) all.push(l);
  if (!facts.metainfo)
    return formatDeb822([
      header,
      files,
      debian,
      ...upstream.paragraphs,
      ...licenseParagraphs(plan, all, licenses),
    ]);
  const meta = new Paragraph();
  meta.set('Files', METAINFO_SOURCE_PATTERN);
  meta.set('Copyright', `${year(plan.date)} ${maintainerName(plan.maintainer)}`);
  meta.set('License', 'CC0-1.0');
  meta.set(
    'Comment',
    'AppStream metadata generated by pkgme, under metadata_license CC0-1.0 as the file states.',
  );
  const cc0 = dep5License('CC0-1.0');
  if (!all.some((l) => l.name === cc0.name)) all.push(cc0);
  return formatDeb822([
    header,
    files,
    debian,
    ...upstream.paragraphs,
    meta,
    ...licenseParagraphs(plan, all, licenses),
  ]);
}

/** One standalone License paragraph per license in `all`; `named` are the upload's own (its text may be used). */
function licenseParagraphs(plan: PackagePlan, all: Dep5License[], named = all): Paragraph[] {
  return all.map((lic) => {
    const p = new Paragraph();
    const single = named.length === 1 && named[0] === lic;
    const text = licenseText(lic, plan, single);
    p.set('License', [lic.name, ...text.lines].join('\n'));
    if (text.comment !== undefined) p.set('Comment', text.comment);
    return p;
  });
}
