/**
 * The Packages index reduced to what the importer needs per binary package: where the .deb is (Filename, Size,
 * SHA256) and the fields the store keeps (Version, Source, Section, Multi-Arch).
 */
import { PkgmeError } from '../../../errors.ts';
import { parseDeb822Bytes } from '../../../formats/deb822/index.ts';

export interface PackageEntry {
  name: string;
  version: string;
  architecture: string;
  filename: string;
  size: number;
  sha256: string;
  source?: string;
  sourceVersion?: string;
  section?: string;
  multiArch?: string;
}

/** The identity of one build of a package: what resumption and incremental imports compare. */
export function entryKey(e: Pick<PackageEntry, 'name' | 'version' | 'sha256'>): string {
  return `${e.name}\t${e.version}\t${e.sha256}`;
}

function corrupt(where: string, problem: string): PkgmeError {
  return new PkgmeError('APT_INDEX_CORRUPT', `${where}: ${problem}`, 'input', {
    hint: 'the Packages index is damaged; its checksum matched the Release, so the archive itself is broken: report it',
    details: { where },
  });
}

/** Parses a decompressed Packages index. When a name appears twice, the later paragraph wins (as in apt's cache). */
export function parsePackagesIndex(data: Uint8Array, source = 'Packages'): Map<string, PackageEntry> {
  const out = new Map<string, PackageEntry>();
  parseDeb822Bytes(data, { source }).forEach((p, i) => {
    const where = `${source} paragraph ${i + 1}`;
    const need = (f: string): string => {
      const v = p.get(f);
      if (v === undefined || v.trim() === '') throw corrupt(where, `no ${f} field`);
      return v.trim();
    };
    const name = need('Package');
    const size = Number(need('Size'));
    const sha = need('SHA256').toLowerCase();
    if (!Number.isSafeInteger(size) || size < 0)
      throw corrupt(where, `Size "${p.get('Size')}" is not a byte count`);
    if (!/^[0-9a-f]{64}$/.test(sha)) throw corrupt(where, `SHA256 "${sha.slice(0, 80)}" is not a SHA256`);
    const filename = need('Filename');
    if (filename.startsWith('/') || filename.split('/').includes('..')) {
      throw corrupt(where, `Filename "${filename.slice(0, 200)}" leaves the archive`);
    }
    const e: PackageEntry = {
      name,
      version: need('Version'),
      architecture: need('Architecture'),
      filename,
      size,
      sha256: sha,
    };
    const src = p.get('Source')?.trim();
    if (src) {
      const m = /^(\S+)(?:\s*\((\S+)\))?$/.exec(src);
      if (m) {
        e.source = m[1]!;
        if (m[2]) e.sourceVersion = m[2];
      }
    }
    const section = p.get('Section')?.trim();
    if (section) e.section = section;
    const ma = p.get('Multi-Arch')?.trim();
    if (ma) e.multiArch = ma;
    out.set(name, e);
  });
  return out;
}
