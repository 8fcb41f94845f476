/**
 * Test-only fixtures for the archive readers and the safe extractor: a small tree with every ordinary kind of
 * member (executables, libraries with symlinks, a hardlink, modes, empty and restrictive directories, a UTF-8 name,
 * and optionally names and link targets longer than 100 bytes), packed by the real tools.
 * Not a *.test.ts file: the test runner does not run it; only tests import it.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, linkSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LONG_DIR = 'deep-' + 'd'.repeat(60) + '/sub-' + 's'.repeat(50);
export const LONG_FILE = 'file-' + 'f'.repeat(90) + '.txt';

/** Builds the tree in `dir` (emptied first). `long` adds members whose names/targets exceed ustar's 100 bytes. */
export function makeTree(dir: string, opts: { long: boolean }): void {
  rmSync(dir, { recursive: true, force: true });
  const p = (...x: string[]) => join(dir, ...x);
  mkdirSync(p('bin'), { recursive: true });
  mkdirSync(p('lib'), { recursive: true });
  mkdirSync(p('share', 'doc'), { recursive: true });
  mkdirSync(p('empty'));
  mkdirSync(p('private'));
  copyFileSync('/usr/bin/true', p('bin', 'app'));
  chmodSync(p('bin', 'app'), 0o755);
  copyFileSync('/usr/bin/ls', p('lib', 'libx.so.1'));
  symlinkSync('libx.so.1', p('lib', 'libx.so'));
  symlinkSync('../lib/libx.so.1', p('bin', 'libx-link'));
  writeFileSync(p('share', 'doc', 'README'), 'hello\n'.repeat(1000));
  linkSync(p('share', 'doc', 'README'), p('share', 'hard'));
  writeFileSync(p('share', 'données.txt'), 'utf-8 name\n');
  writeFileSync(p('private', 'secret'), 'x');
  chmodSync(p('private', 'secret'), 0o600);
  chmodSync(p('private'), 0o700);
  writeFileSync(p('share', 'zero'), '');
  // Incompressible-ish content so compressed sizes are realistic.
  const rnd = Buffer.alloc(300 * 1024);
  for (let i = 0; i < rnd.length; i++) rnd[i] = (Math.imul(i, 2654435761) >>> 24) ^ (i & 0xff);
  writeFileSync(p('share', 'blob.bin'), rnd);
  if (opts.long) {
    mkdirSync(p(LONG_DIR), { recursive: true });
    writeFileSync(p(LONG_DIR, LONG_FILE), 'long\n');
    symlinkSync(`../${LONG_DIR}/${LONG_FILE}`, p('share', 'long-link'));
  }
  execFileSync('find', [dir, '-exec', 'touch', '-h', '-d', '@1700000000', '{}', '+']);
}

/**
 * The tree as fuzz seeds want it: with long names, but without the big members (a 300 KB blob, a library, an
 * executable), so mutations land in headers rather than in file data.
 */
export function makeSeedTree(dir: string): void {
  makeTree(dir, { long: true });
  for (const big of [
    ['share', 'blob.bin'],
    ['lib', 'libx.so.1'],
    ['bin', 'app'],
  ])
    rmSync(join(dir, ...big), { force: true });
}

export type TarTool = 'gnu' | 'bsdtar';
export type TarFormat = 'ustar' | 'pax' | 'gnu';
export const COMPRESSORS = {
  none: '',
  gzip: 'gzip -9n',
  xz: 'xz -6',
  bzip2: 'bzip2',
  zstd: 'zstd -q',
} as const;
export type Compressor = keyof typeof COMPRESSORS;

/** Packs `tree` with GNU tar or bsdtar in the given format, piped through the real compressor. Returns the path. */
export function packTree(
  tree: string,
  out: string,
  tool: TarTool,
  format: TarFormat,
  comp: Compressor,
): string {
  const tar =
    tool === 'gnu'
      ? `tar --format=${format} -C ${tree} -cf - .`
      : `bsdtar --format=${format === 'gnu' ? 'gnutar' : format === 'pax' ? 'pax' : 'ustar'} -C ${tree} -cf - .`;
  const filter = COMPRESSORS[comp];
  execFileSync('sh', ['-c', `${tar} ${filter ? `| ${filter}` : ''} > ${out}`]);
  return out;
}

export interface TarVariant {
  archive: string;
  /** The tree that was packed. */
  tree: string;
  tool: TarTool;
  format: TarFormat;
  comp: Compressor;
  label: string;
}

/**
 * Packs the fixture tree with GNU tar and bsdtar, in ustar (short names only), pax and gnu formats, with every
 * compressor, under `base`, and calls `fn` for each archive (30 in all).
 */
export async function forEachTarVariant(base: string, fn: (v: TarVariant) => Promise<void>): Promise<number> {
  const trees = { short: join(base, 'tree-short'), long: join(base, 'tree-long') };
  makeTree(trees.short, { long: false });
  makeTree(trees.long, { long: true });
  let n = 0;
  for (const tool of ['gnu', 'bsdtar'] as TarTool[]) {
    for (const format of ['ustar', 'pax', 'gnu'] as TarFormat[]) {
      for (const comp of Object.keys(COMPRESSORS) as Compressor[]) {
        const tree = format === 'ustar' ? trees.short : trees.long;
        const archive = packTree(tree, join(base, `${tool}-${format}.tar.${comp}`), tool, format, comp);
        await fn({ archive, tree, tool, format, comp, label: `${tool} ${format} ${comp}` });
        n++;
      }
    }
  }
  return n;
}
