/** A PackageRecord from what the importer learnt: the Packages entry, the control member, the Contents files. */
import type { DebControlInfo } from '../../../formats/deb/control.ts';
import { splitSymbolsFile } from '../../../formats/symbols/index.ts';
import type { LibraryFile, PackageRecord } from '../../types.ts';
import type { PackageEntry } from './packages-index.ts';

export function buildRecord(
  entry: PackageEntry,
  control: DebControlInfo,
  libraries: LibraryFile[],
): PackageRecord {
  const text = (name: string): string | undefined => {
    const f = control.files.get(name);
    return f === undefined ? undefined : Buffer.from(f.data).toString('utf8');
  };
  const shlibs = text('shlibs');
  const symbols = text('symbols');
  return {
    name: entry.name,
    version: entry.version,
    architecture: entry.architecture,
    // dpkg's rule: no Source field means the source is named like the package, at the package's version.
    source: entry.source ?? entry.name,
    sourceVersion: entry.sourceVersion ?? entry.version,
    ...(entry.section ? { section: entry.section } : {}),
    ...(entry.multiArch ? { multiArch: entry.multiArch } : {}),
    libraries,
    ...(shlibs !== undefined ? { shlibs } : {}),
    ...(symbols !== undefined
      ? { symbols: splitSymbolsFile(symbols, { file: `${entry.name}/DEBIAN/symbols` }) }
      : {}),
  };
}
