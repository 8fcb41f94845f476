/**
 * The source package, 3.0 (quilt), with THE UPLOAD AS THE .orig TARBALL: a .tar.gz, .tar.xz or .tar.bz2 upload is
 * copied byte for byte as <pkg>_<upstream>.orig.tar.<ext>, so anyone can check that the package holds exactly what
 * the developer shipped. A zip or a directory upload has no tarball to copy; a reproducible .orig.tar.xz is written
 * from its application tree instead. Either way the unpacked source tree (dpkg-source strips a single top directory)
 * is the Layout's application root, which is what debian/<pkg>.install names.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Upload } from '../backends/types.ts';
import { writeSourcePackage, type WrittenSource } from '../formats/dsc/index.ts';
import type { DebianTexts } from './build.ts';
import { debianTexts, writeDebianDir } from './debian-dir.ts';
import { appRootOf } from './layout.ts';
import type { Layout, PackagePlan } from './types.ts';

/** The compression of an upload that can be the orig tarball as it is, by its name. */
export function origCompression(upload: Upload): 'gz' | 'xz' | 'bz2' | undefined {
  if (!upload.isFile) return undefined;
  const m = /\.(?:tar\.(gz|xz|bz2)|(tgz)|(tbz2?)|(txz))$/i.exec(upload.name);
  if (m === null) return undefined;
  if (m[1] !== undefined) return m[1].toLowerCase() as 'gz' | 'xz' | 'bz2';
  return m[2] !== undefined ? 'gz' : m[3] !== undefined ? 'bz2' : 'xz';
}

/** Writes .orig.tar.*, .debian.tar.xz and .dsc into outDir. */
export async function writeSource(
  plan: PackagePlan,
  upload: Upload,
  layout: Layout,
  outDir: string,
  given?: DebianTexts,
): Promise<WrittenSource> {
  const texts = given ?? debianTexts(plan, upload, layout);
  const work = await mkdtemp(join(outDir, '.pkgme-source-'));
  try {
    await writeDebianDir(plan, layout, texts, work, upload);
    const compression = origCompression(upload);
    return await writeSourcePackage({
      tree: work,
      outDir,
      format: '3.0 (quilt)',
      version: plan.version,
      mtime: plan.date,
      ...(compression !== undefined
        ? { orig: { path: upload.path, compression } }
        : { upstreamTree: join(upload.root ?? upload.path, appRootOf(upload)) }),
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
