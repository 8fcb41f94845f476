/**
 * PackageRecord fields from a package's control paragraph (a dpkg status entry or a .deb's control file): the same
 * fields, read the same way, for every importer.
 */
import type { Paragraph } from '../../formats/deb822/index.ts';
import type { PackageRecord } from '../types.ts';

/** `Source: foo (1.2-1)` → foo, 1.2-1; without a Source field, dpkg's default: the package's own name and version. */
export function controlFields(
  p: Paragraph,
): Omit<PackageRecord, 'libraries' | 'shlibs' | 'symbols'> | undefined {
  const name = p.get('Package');
  const version = p.get('Version');
  if (!name || !version) return undefined;
  const src = /^\s*(\S+)(?:\s*\(\s*([^)\s]+)\s*\))?/.exec(p.get('Source') ?? '');
  const section = p.get('Section');
  const multiArch = p.get('Multi-Arch');
  return {
    name,
    version,
    architecture: p.get('Architecture') ?? 'all',
    source: src?.[1] ?? name,
    sourceVersion: src?.[2] ?? version,
    ...(section ? { section } : {}),
    ...(multiArch ? { multiArch } : {}),
  };
}
