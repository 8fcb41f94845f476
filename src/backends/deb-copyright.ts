/**
 * License and copyright holder of a re-packaged .deb, from its own /usr/share/doc/<package>/copyright. pkgme writes
 * a new copyright file (the .deb's is dropped with the other regenerated docs), so what the old one said must
 * reach the plan, or a GPL program would be re-packaged as "proprietary".
 *
 * - A machine-readable file (DEP-5, copyright-format 1.0): the `Files: *` paragraph's License short name, mapped to
 *   SPDX; a name outside the table (an expression, "GPL-2+ with OpenSSL exception") falls back to recognising the
 *   license text (its own body or the stand-alone License paragraph of that name). Its Copyright field gives the
 *   holder.
 * - A free-form file (older packages: "This is the Debian prepackaged version of …"): the license guesser's text,
 *   marker and notice rules on the whole file, and its first Copyright line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDeb822 } from '../formats/deb822/index.ts';
import { guess, type Guess } from '../inspect/guess/field.ts';
import { copyrightHolder, detectLicense } from '../inspect/guess/license.ts';
import type { Upload } from './types.ts';

/** SPDX ids of DEP-5's non-GNU short names (copyright-format 1.0, "License specification"), lowercased. */
const DEP5_OTHER: Record<string, string> = {
  expat: 'MIT',
  mit: 'MIT',
  isc: 'ISC',
  zlib: 'Zlib',
  unlicense: 'Unlicense',
  'cc0-1.0': 'CC0-1.0',
  'apache-2.0': 'Apache-2.0',
  'artistic-2.0': 'Artistic-2.0',
  'mpl-1.1': 'MPL-1.1',
  'mpl-2.0': 'MPL-2.0',
  'bsd-2-clause': 'BSD-2-Clause',
  'bsd-3-clause': 'BSD-3-Clause',
  'bsd-4-clause': 'BSD-4-Clause',
};

/**
 * DEP-5 short name → SPDX id. GNU names come as `GPL-2`, `GPL-2.0`, `GPL-2+`, `GPL-2.0+`: the version gets its ".0",
 * and "+" means "or later".
 */
function dep5ToSpdx(name: string): string | undefined {
  const n = name.trim().toLowerCase();
  const gnu = /^(a?l?gpl)-([123])(?:\.([01]))?(\+)?$/.exec(n);
  if (gnu === null) return DEP5_OTHER[n];
  const fam = gnu[1]!.toUpperCase();
  return `${fam}-${gnu[2]}.${gnu[3] ?? '0'}-${gnu[4] ? 'or-later' : 'only'}`;
}

/** A copyright file is a few KiB (big ones, listing every file, reach a few hundred). */
const MAX_COPYRIGHT_BYTES = 2 * 1024 * 1024;

export interface CopyrightGuesses {
  license?: Guess<string>;
  copyright?: Guess<string>;
}

/** DEP-5: the `Files: *` paragraph's license and holder. */
function fromDep5(text: string, source: string): CopyrightGuesses {
  const paras = parseDeb822(text);
  const files = paras.find((p) => (p.get('Files') ?? '').split(/\s+/).includes('*'));
  if (files === undefined) return {};
  const out: CopyrightGuesses = {};
  const lic = files.get('License') ?? '';
  const nl = lic.indexOf('\n');
  const name = (nl < 0 ? lic : lic.slice(0, nl)).trim();
  const spdx = dep5ToSpdx(name);
  // "GPL-3+ with OpenSSL exception": the exception only adds permissions; the base license is the answer.
  const base = dep5ToSpdx(name.toLowerCase().replace(/\s+with\s+.*exception$/, ''));
  if (spdx !== undefined) out.license = guess(spdx, source, 0.95);
  else if (base !== undefined) out.license = guess(base, source, 0.7);
  else if (name !== '') {
    // The text: in the paragraph itself, or in a stand-alone License paragraph of the same name.
    const body =
      nl >= 0
        ? lic.slice(nl + 1)
        : (paras
            .find((p) => p.get('Files') === undefined && p.get('License')?.split('\n')[0]?.trim() === name)
            ?.get('License')
            ?.split('\n')
            .slice(1)
            .join('\n') ?? '');
    const d = body.trim() === '' ? undefined : detectLicense(body);
    if (d !== undefined && d.how !== 'none') out.license = guess(d.spdx, source, d.confidence * 0.9);
  }
  const holder = (files.get('Copyright') ?? '')
    .split('\n')
    .map((l) => l.trim().replace(/^(?:(?:copyright|\(c\)|©):?\s*)+/i, ''))
    .find((l) => l !== '');
  const h = holder ? copyrightHolder(`Copyright ${holder}`) : undefined;
  if (h !== undefined) out.copyright = guess(h, source, 0.9);
  return out;
}

/**
 * A free-form Debian copyright file names the main license by pointing at its text: "can be found in
 * `/usr/share/common-licenses/LGPL-2.1'". The first versioned reference wins; "any later version" in the notice
 * just before it makes it "or later". An unversioned one ("…/GPL") says too little: the text rules decide then.
 */
function commonLicenseReference(text: string): string | undefined {
  const m = /\/usr\/share\/common-licenses\/([A-Za-z]+-[0-9][0-9.]*[0-9]|[A-Za-z]+-[0-9])/.exec(text);
  if (m === null) return undefined;
  const orLater = /any later version/i.test(text.slice(Math.max(0, m.index - 1500), m.index));
  const name = m[1]!.toLowerCase();
  return (orLater ? dep5ToSpdx(`${name}+`) : undefined) ?? dep5ToSpdx(name);
}

/** The license and holder the .deb's own copyright file states (nothing when it has none or says nothing usable). */
export function debCopyright(upload: Upload, prefix: string, pkg: string): CopyrightGuesses {
  const path = `${prefix}usr/share/doc/${pkg}/copyright`;
  const entry = upload.inventory.entries.find((e) => e.path === path && e.type === 'file');
  if (upload.root === null || entry === undefined || entry.size > MAX_COPYRIGHT_BYTES) return {};
  const text = readFileSync(join(upload.root, path), 'utf8');
  const source = `file:${path}`;
  if (/^Format:\s*\S*copyright-format/m.test(text)) {
    try {
      return fromDep5(text, source);
    } catch {
      // A malformed machine-readable file: read it as free text below.
    }
  }
  const out: CopyrightGuesses = {};
  const named = commonLicenseReference(text);
  const d = named === undefined ? detectLicense(text) : undefined;
  if (named !== undefined) out.license = guess(named, source, 0.8);
  else if (d !== undefined && d.how !== 'none') out.license = guess(d.spdx, source, d.confidence * 0.8);
  // "Copyright: (C) 2007 …" (a field-like line in a free-form file) is a Copyright line too.
  const h = copyrightHolder(text.replace(/^([ \t]*)copyright:/gim, '$1Copyright'));
  if (h !== undefined) out.copyright = guess(h, source, 0.7);
  return out;
}
