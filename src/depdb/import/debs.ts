/**
 * `pkgme depdb import --deb FILE…|DIR`: local .deb files. Control fields, shlibs and symbols come from the control
 * member (src/formats/deb); library files from the streamed data member: symlinks by name, real files by their
 * ELF DT_SONAME (the body of a candidate is in the stream anyway, so reading it costs only the parse).
 *
 * Keys: each package goes to (--release, its Architecture), `all` to --arch or the machine's architecture. The
 * files given are the whole release: packages of that release not among them are removed (re-running with the
 * same files writes nothing).
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { PkgmeError } from '../../errors.ts';
import { DebFile } from '../../formats/deb/read.ts';
import { parseElf } from '../../formats/elf/elf.ts';
import { importRecords, type Importer, type ImportItem, type ImportResult } from '../store/importer.ts';
import { libraryCandidate } from '../store/soname.ts';
import { splitSymbolsFile } from '../../formats/symbols/index.ts';
import type { LibraryFile, PackageRecord } from '../types.ts';
import { nativeArch } from './local-dpkg.ts';
import { controlFields } from './record-fields.ts';

export interface DebImportOptions {
  /** .deb files, or directories whose *.deb files are read (not recursively). */
  paths: string[];
}

/** Real library files larger than this are named by their file name instead of their DT_SONAME. */
const MAX_ELF_READ = 256 * 1024 * 1024;

/** The .deb files named: files as given, directories expanded to their *.deb, sorted. */
export function debFiles(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch (err) {
      throw new PkgmeError('DEPDB_DEB_NOT_FOUND', `cannot read ${p}: ${(err as Error).message}`, 'input', {
        hint: 'Give existing .deb files or a directory holding them.',
        details: { path: p },
      });
    }
    if (st.isDirectory())
      out.push(
        ...readdirSync(p)
          .filter((f) => f.endsWith('.deb'))
          .sort()
          .map((f) => resolve(p, f)),
      );
    else out.push(resolve(p));
  }
  return out;
}

async function readBody(body: AsyncIterable<Buffer>, size: number): Promise<Buffer | undefined> {
  if (size > MAX_ELF_READ) return undefined;
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c);
  return Buffer.concat(chunks);
}

function elfSoname(bytes: Buffer): string | null {
  try {
    return parseElf(bytes).soname;
  } catch {
    return null; // Not ELF (a linker script…) or damaged: the name decides.
  }
}

/** Reads one .deb (a path, or one already opened) into a PackageRecord. */
export async function readDebRecord(file: string | DebFile): Promise<PackageRecord> {
  const deb = typeof file === 'string' ? await DebFile.open(file) : file;
  const path = deb.path;
  const fields = controlFields(deb.info.control.fields);
  if (!fields) {
    throw new PkgmeError(
      'DEPDB_DEB_FIELDS',
      `${basename(path)}: the control file lacks Package or Version`,
      'input',
      {
        hint: 'The package is damaged or was not built by dpkg-deb.',
        details: { path },
      },
    );
  }
  const libraries: LibraryFile[] = [];
  await deb.forEachDataEntry(async (e, body) => {
    const name = '/' + e.name.replace(/^(\.\/|\/)+/, '');
    const kind = libraryCandidate(name);
    if (!kind) return;
    const base = name.slice(name.lastIndexOf('/') + 1);
    if (e.type === 'symlink') {
      if (kind === 'versioned') libraries.push({ path: name, soname: base, symlink: true });
      return;
    }
    if (e.type !== 'file') return;
    const bytes = await readBody(body, e.size);
    const soname = bytes ? elfSoname(bytes) : null;
    if (soname) libraries.push({ path: name, soname, symlink: false });
    else if (kind === 'versioned') libraries.push({ path: name, soname: base, symlink: false });
  });
  const files = deb.info.control.files;
  const text = (n: string): string | undefined => {
    const f = files.get(n);
    return f ? Buffer.from(f.data).toString('utf8') : undefined;
  };
  const shlibs = text('shlibs');
  const symbols = text('symbols');
  return {
    ...fields,
    libraries,
    ...(shlibs !== undefined ? { shlibs } : {}),
    ...(symbols !== undefined
      ? { symbols: splitSymbolsFile(symbols, { file: `${fields.name}.symbols` }) }
      : {}),
  };
}

export const debImporter: Importer<DebImportOptions> = {
  name: 'deb',
  async run(options, ctx): Promise<ImportResult[]> {
    const release = ctx.release;
    if (!release) {
      throw new PkgmeError('DEPDB_NO_RELEASE', 'importing .deb files needs --release', 'usage', {
        hint: 'Name the release the packages belong to: pkgme depdb import --deb … --release bookworm.',
      });
    }
    const files = debFiles(options.paths);
    const fallbackArch = ctx.arch ?? nativeArch();
    // Control members first (cheap), to group by architecture and skip unchanged packages before streaming data.
    const byArch = new Map<string, Array<{ deb: DebFile; name: string; version: string }>>();
    for (const path of files) {
      const deb = await DebFile.open(path);
      const f = controlFields(deb.info.control.fields);
      if (!f) continue;
      const arch = f.architecture === 'all' ? fallbackArch : f.architecture;
      if (ctx.arch !== undefined && arch !== ctx.arch) continue;
      const list = byArch.get(arch) ?? [];
      list.push({ deb, name: f.name, version: f.version });
      byArch.set(arch, list);
    }
    const results: ImportResult[] = [];
    for (const [arch, debs] of [...byArch].sort(([a], [b]) => a.localeCompare(b))) {
      const origin = {
        kind: 'deb' as const,
        location: options.paths.map((p) => resolve(p)).join(' '),
        importedAt: new Date().toISOString(),
      };
      results.push(
        await importRecords(
          ctx,
          { release, arch },
          origin,
          debs.length,
          async function* (session): AsyncIterable<ImportItem> {
            for (const d of debs) {
              if (await session.isKnown(d.name, d.version))
                yield { name: d.name, version: d.version, unchanged: true };
              else yield await readDebRecord(d.deb);
            }
          },
        ),
      );
    }
    return results;
  },
};
