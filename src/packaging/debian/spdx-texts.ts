/**
 * The canonical text of an SPDX license, for a debian/copyright License paragraph whose license the upload names
 * (its LICENSE file's detection, a LICENSE-<id> name, its AppStream metadata_license) but whose text it does not
 * carry, and that /usr/share/common-licenses does not have: DEP-5 and policy 12.5 want the text itself, and lintian
 * checks some of them (incomplete-creative-commons-license: rawtherapee's metainfo is CC-BY-SA-4.0).
 *
 * The texts come from spdx-license-list (sindresorhus, CC0-1.0), which carries the SPDX License List's texts, one
 * JSON file per id; only the file of the id asked for is read (the whole list is 5 MB).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** An SPDX license id as the list names its files (letters, digits, `.`, `-`, `+`): nothing else reaches the disk. */
const SPDX_ID = /^[A-Za-z0-9][A-Za-z0-9.+-]*$/;

let listDir: string | undefined;
/** Lower-cased id → file name: SPDX ids match case-insensitively (`cc-by-sa-4.0` in a metainfo file). */
let byLowerId: Map<string, string> | undefined;

function licensesDir(): string {
  listDir ??= join(
    dirname(createRequire(import.meta.url).resolve('spdx-license-list/package.json')),
    'licenses',
  );
  return listDir;
}

/** The version of the list the texts come from, for the paragraph's Comment. */
export function spdxListVersion(): string {
  const pkg = JSON.parse(readFileSync(join(licensesDir(), '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** The license's text, or undefined for an id the list does not have (or that is not an SPDX id at all). */
export function spdxLicenseText(id: string): string | undefined {
  if (!SPDX_ID.test(id)) return undefined;
  try {
    byLowerId ??= new Map(
      readdirSync(licensesDir())
        .filter((f) => f.endsWith('.json'))
        .map((f) => [f.slice(0, -'.json'.length).toLowerCase(), f]),
    );
    const file = byLowerId.get(id.toLowerCase());
    if (file === undefined) return undefined;
    const entry = JSON.parse(readFileSync(join(licensesDir(), file), 'utf8')) as {
      licenseText?: unknown;
    };
    return typeof entry.licenseText === 'string' && entry.licenseText.trim() !== ''
      ? entry.licenseText
      : undefined;
  } catch {
    return undefined;
  }
}
