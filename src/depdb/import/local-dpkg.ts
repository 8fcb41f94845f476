/**
 * `pkgme depdb import --local`: the machine's own dpkg database, offline. Packages come from `status` (those
 * installed: `<want> ok installed`), library files from `info/<pkg>[:arch].list` (checked with lstat for symlinks,
 * and read for DT_SONAME when real), shlibs and symbols from `info/<pkg>[:arch].{shlibs,symbols}`.
 *
 * Keys: the release is the machine's codename (/etc/os-release VERSION_CODENAME), each package goes to its own
 * architecture (foreign multiarch packages to theirs; `all` to the native one, `dpkg --print-architecture`).
 * --release renames the release; --arch imports only that architecture.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PkgmeError } from '../../errors.ts';
import { parseDeb822Bytes } from '../../formats/deb822/index.ts';
import { readElfFile } from '../../formats/elf/elf.ts';
import { importRecords, type Importer, type ImportResult } from '../store/importer.ts';
import { libraryCandidate } from '../store/soname.ts';
import { splitSymbolsFile } from '../../formats/symbols/index.ts';
import type { LibraryFile, PackageRecord } from '../types.ts';
import { controlFields } from './record-fields.ts';

export interface LocalImportOptions {
  /** dpkg's admin directory (default /var/lib/dpkg). */
  adminDir?: string;
  /** Where installed paths are looked up for lstat and ELF reads (default /). */
  root?: string;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export function machineCodename(osRelease = '/etc/os-release'): string {
  const text = readText(osRelease) ?? '';
  const m = /^VERSION_CODENAME=["']?([^"'\n]*)/m.exec(text);
  if (!m?.[1]) {
    throw new PkgmeError('DEPDB_NO_CODENAME', `${osRelease} names no VERSION_CODENAME`, 'usage', {
      hint: 'Name the release: pkgme depdb import --local --release <codename>.',
      details: { file: osRelease },
    });
  }
  return m[1];
}

export function nativeArch(): string {
  try {
    return execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
  } catch (err) {
    throw new PkgmeError(
      'DEPDB_NO_ARCH',
      `dpkg --print-architecture failed: ${(err as Error).message}`,
      'usage',
      {
        hint: 'Name the architecture: pkgme depdb import --local --arch <arch>.',
        cause: err,
      },
    );
  }
}

/** The library files among a package's installed paths. */
function libraryFiles(paths: string[], root: string): LibraryFile[] {
  const out: LibraryFile[] = [];
  for (const path of paths) {
    const kind = libraryCandidate(path);
    if (!kind) continue;
    let st;
    try {
      st = lstatSync(join(root, path));
    } catch {
      continue; // Listed but gone (removed by hand, or a diversion): dpkg-shlibdeps would not find it either.
    }
    const base = path.slice(path.lastIndexOf('/') + 1);
    if (st.isSymbolicLink()) {
      if (kind === 'versioned') out.push({ path, soname: base, symlink: true });
      continue;
    }
    if (!st.isFile()) continue;
    let soname: string | null = null;
    try {
      soname = readElfFile(join(root, path)).soname;
    } catch {
      // Not an ELF file (a linker script, a plugin list…): only its name can speak for it.
    }
    if (soname) out.push({ path, soname, symlink: false });
    else if (kind === 'versioned') out.push({ path, soname: base, symlink: false });
  }
  return out;
}

/** Every installed package of the dpkg database, as PackageRecords. */
export function readLocalPackages(opts: LocalImportOptions = {}): PackageRecord[] {
  const admin = opts.adminDir ?? '/var/lib/dpkg';
  const root = opts.root ?? '/';
  const statusPath = join(admin, 'status');
  let status: Buffer;
  try {
    status = readFileSync(statusPath);
  } catch (err) {
    throw new PkgmeError('DEPDB_NO_DPKG', `cannot read ${statusPath}: ${(err as Error).message}`, 'input', {
      hint: 'This is not a Debian or Ubuntu system, or its dpkg database is elsewhere (--admindir).',
      details: { path: statusPath },
      cause: err,
    });
  }
  const out: PackageRecord[] = [];
  for (const p of parseDeb822Bytes(status, { source: statusPath })) {
    if (!/^\S+ ok installed$/.test(p.get('Status') ?? '')) continue;
    const fields = controlFields(p);
    if (!fields) continue;
    const info = (ext: string): string | undefined =>
      readText(join(admin, 'info', `${fields.name}:${fields.architecture}.${ext}`)) ??
      readText(join(admin, 'info', `${fields.name}.${ext}`));
    const list = (info('list') ?? '').split('\n').filter((l) => l !== '');
    const shlibs = info('shlibs');
    const symbols = info('symbols');
    out.push({
      ...fields,
      libraries: libraryFiles(list, root),
      ...(shlibs !== undefined ? { shlibs } : {}),
      ...(symbols !== undefined
        ? { symbols: splitSymbolsFile(symbols, { file: `${fields.name}.symbols` }) }
        : {}),
    });
  }
  return out;
}

export const localImporter: Importer<LocalImportOptions> = {
  name: 'local',
  async run(options, ctx): Promise<ImportResult[]> {
    const native = nativeArch();
    const release = ctx.release ?? machineCodename();
    const byArch = new Map<string, PackageRecord[]>();
    for (const r of readLocalPackages(options)) {
      const arch = r.architecture === 'all' ? native : r.architecture;
      if (ctx.arch !== undefined && arch !== ctx.arch) continue;
      const list = byArch.get(arch) ?? [];
      list.push(r);
      byArch.set(arch, list);
    }
    if (ctx.arch !== undefined && !byArch.has(ctx.arch)) byArch.set(ctx.arch, []);
    const results: ImportResult[] = [];
    for (const [arch, records] of [...byArch].sort(([a], [b]) => a.localeCompare(b))) {
      const origin = {
        kind: 'dpkg' as const,
        location: options.adminDir ?? '/var/lib/dpkg',
        importedAt: new Date().toISOString(),
      };
      results.push(await importRecords(ctx, { release, arch }, origin, records.length, () => records));
    }
    return results;
  },
};
