/**
 * Writing binary .deb packages reproducibly and without root: the same control text, control files, data tree and
 * epoch give a byte-identical .deb.
 *
 * The layout follows dpkg-deb --build --root-owner-group: ar members `debian-binary` ("2.0\n"), `control.tar.*`,
 * `data.tar.*` (member mtime = epoch, uid/gid 0, mode 100644); both tars in GNU format with "./" names, root:root
 * owners, every mtime = epoch, entries sorted per directory by bytes, symlinks last in the data member, directories
 * included. The decompressed tars are byte-identical to dpkg-deb's for the same tree (see write.test.ts).
 * Compression: xz (default, as dpkg-deb), gzip, zstd or none; the control member uses the same one, as dpkg-deb
 * does. md5sums is generated like dh_md5sums and Installed-Size like dpkg-gencontrol when the control lacks them.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { PkgmeError } from '../../errors.ts';
import { arMagic, arPad, encodeArHeader } from '../ar/write.ts';
import { compressBuffer, createCompressor } from '../compress/index.ts';
import { formatParagraph, parseDeb822, type Paragraph } from '../deb822/index.ts';
import { walkTree } from '../tar/write-walk.ts';
import { normaliseTarPath, sortTarEntries, tarBuffer, tarStream, type TarEntry } from '../tar/write.ts';
import { installedSizeKiB } from './installed-size.ts';
import { md5sumsFile } from './md5sums.ts';
import { suffixFor, type DebCompression } from './members.ts';

export type DebWriteCompression = Exclude<DebCompression, 'bzip2'>;

export interface DebControlFileInput {
  /** "postinst", "conffiles", "shlibs", "triggers"… (not "control": give that as `control`). */
  name: string;
  data: Uint8Array | string;
  /** Default 0755 for maintainer scripts (preinst, postinst, prerm, postrm, config), 0644 otherwise. */
  mode?: number;
}

export interface DebWriteOptions {
  /** The control file text: one deb822 paragraph with at least Package, Version, Architecture. */
  control: string;
  controlFiles?: DebControlFileInput[];
  /** The data tree: a directory on disk (a DEBIAN/ inside it is left out) or an entry list. */
  data: { dir: string } | { entries: TarEntry[] };
  /** SOURCE_DATE_EPOCH: every mtime in the package, in seconds. */
  epoch: number;
  compression?: DebWriteCompression;
  /** Generate md5sums (unless given in controlFiles). Default true. */
  md5sums?: boolean;
  /** 'auto' (default) adds Installed-Size when the control lacks it; 'keep' never touches the control text. */
  installedSize?: 'auto' | 'keep';
}

export interface DebWriteResult {
  path: string;
  size: number;
  /** The control file as written. */
  control: string;
  installedSize: number;
  /** Names in the control member. */
  controlFiles: string[];
  dataEntries: number;
}

const SCRIPTS = new Set(['preinst', 'postinst', 'prerm', 'postrm', 'config']);

function badControl(message: string, details: Record<string, unknown> = {}): PkgmeError {
  return new PkgmeError('DEB_BAD_CONTROL', message, 'input', {
    hint: 'Give a control paragraph with Package, Version, Architecture, Maintainer and Description.',
    details,
  });
}

/** Adds the root and any missing parent directories (0755), as a walked tree would have them. */
export function completeTree(entries: TarEntry[]): TarEntry[] {
  const have = new Set(entries.map((e) => normaliseTarPath(e.path)));
  const extra: TarEntry[] = [];
  const add = (p: string) => {
    if (!have.has(p)) {
      have.add(p);
      extra.push({ type: 'dir', path: p, mode: 0o755 });
    }
  };
  add('');
  for (const p of [...have]) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) add(parts.slice(0, i).join('/'));
  }
  return sortTarEntries([...entries, ...extra]);
}

function checkControl(text: string): Paragraph {
  const paragraphs = parseDeb822(text, { source: 'control' });
  if (paragraphs.length !== 1) {
    throw badControl(
      `the control text holds ${paragraphs.length} paragraphs; a binary package needs exactly one`,
    );
  }
  const p = paragraphs[0]!;
  for (const f of ['Package', 'Version', 'Architecture']) {
    if (!p.get(f)?.trim()) throw badControl(`the control text has no ${f} field`, { field: f });
  }
  if (!/^[a-z0-9][a-z0-9+.-]+$/.test(p.get('Package')!)) {
    throw badControl(
      `package name ${JSON.stringify(p.get('Package'))} is not lowercase letters, digits and +-.`,
      {
        field: 'Package',
      },
    );
  }
  return p;
}

function controlFileEntries(files: DebControlFileInput[]): TarEntry[] {
  return files.map((f) => {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.+-]*$/.test(f.name) || f.name === 'control') {
      throw new PkgmeError(
        'DEB_BAD_CONTROL_FILE',
        `control file name ${JSON.stringify(f.name)} is not allowed`,
        'input',
        {
          hint: 'Use plain names such as postinst, conffiles, shlibs, triggers; pass the control text as `control`.',
          details: { name: f.name },
        },
      );
    }
    const content = typeof f.data === 'string' ? Buffer.from(f.data) : f.data;
    return { type: 'file', path: f.name, mode: f.mode ?? (SCRIPTS.has(f.name) ? 0o755 : 0o644), content };
  });
}

/**
 * Paths in a DEBIAN/conffiles file (deb-conffiles(5)): "/path" lines, or "flag /path" where the only flag,
 * remove-on-upgrade, names a file the package no longer ships.
 */
function conffilePaths(data: Uint8Array | string): string[] {
  const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('/'));
}

/** Writes the .deb to `out` (through a temporary file renamed at the end). */
export async function writeDeb(out: string, opts: DebWriteOptions): Promise<DebWriteResult> {
  const compression = opts.compression ?? 'xz';
  if (!['xz', 'gzip', 'zstd', 'none'].includes(compression)) {
    throw new PkgmeError(
      'DEB_UNSUPPORTED_COMPRESSION',
      `cannot write .deb members with ${compression}`,
      'usage',
      {
        hint: 'Use xz, gzip, zstd or none.',
        details: { compression },
      },
    );
  }
  if (!Number.isInteger(opts.epoch) || opts.epoch < 0) {
    throw new PkgmeError('DEB_BAD_EPOCH', `epoch ${opts.epoch} is not a non-negative integer`, 'usage', {
      hint: 'Pass SOURCE_DATE_EPOCH as whole seconds.',
      details: { epoch: opts.epoch },
    });
  }
  const entries =
    'dir' in opts.data
      ? await walkTree(opts.data.dir, { exclude: ['DEBIAN'] })
      : completeTree(opts.data.entries);
  const newline = entries.find((e) => e.path.includes('\n'));
  if (newline) {
    // As dpkg-deb: dpkg's file lists (and md5sums) are line-based, so such a name cannot be installed.
    throw new PkgmeError('DEB_BAD_PATH', `path ${JSON.stringify(newline.path)} contains a newline`, 'input', {
      hint: 'Rename the file; dpkg cannot track names with newlines.',
      details: { path: newline.path },
    });
  }
  const given = opts.controlFiles ?? [];
  const names = new Set(given.map((f) => f.name));
  const para = checkControl(opts.control);
  const installedSize = installedSizeKiB(entries);
  let control = opts.control.endsWith('\n') ? opts.control : opts.control + '\n';
  if ((opts.installedSize ?? 'auto') === 'auto' && !para.has('Installed-Size')) {
    para.set('Installed-Size', String(installedSize));
    control = formatParagraph(para);
  }
  const files = [...given];
  if ((opts.md5sums ?? true) && !names.has('md5sums')) {
    const conffiles = given.find((f) => f.name === 'conffiles');
    const list = conffiles ? conffilePaths(conffiles.data) : [];
    const sums = await md5sumsFile(entries, list);
    if (sums !== '') files.push({ name: 'md5sums', data: sums });
  }
  const controlTar = await tarBuffer(
    [
      { type: 'dir', path: '', mode: 0o755 },
      { type: 'file', path: 'control', mode: 0o644, content: Buffer.from(control) },
      ...controlFileEntries(files),
    ],
    { mtime: opts.epoch },
  );
  const controlMember = await compressBuffer(compression, controlTar);
  const suffix = suffixFor(compression);
  const tmpData = `${out}.pkgme-data.tmp`;
  const tmpOut = `${out}.pkgme.tmp`;
  try {
    await pipeline(
      tarStream(entries, { mtime: opts.epoch, symlinksLast: true }),
      createCompressor(compression),
      createWriteStream(tmpData),
    );
    const dataSize = (await stat(tmpData)).size;
    const head = Buffer.concat([
      arMagic(),
      encodeArHeader('debian-binary', 4, { mtime: opts.epoch }),
      Buffer.from('2.0\n'),
      encodeArHeader(`control.tar${suffix}`, controlMember.length, { mtime: opts.epoch }),
      controlMember,
      arPad(controlMember.length),
      encodeArHeader(`data.tar${suffix}`, dataSize, { mtime: opts.epoch }),
    ]);
    async function* body(): AsyncGenerator<Buffer> {
      yield head;
      for await (const c of createReadStream(tmpData) as AsyncIterable<Buffer>) yield c;
      const p = arPad(dataSize);
      if (p.length) yield p;
    }
    await pipeline(body, createWriteStream(tmpOut));
    await rename(tmpOut, out);
  } finally {
    await rm(tmpData, { force: true });
    await rm(tmpOut, { force: true });
  }
  return {
    path: out,
    size: (await stat(out)).size,
    control,
    installedSize,
    controlFiles: ['control', ...files.map((f) => f.name)].sort(),
    dataEntries: entries.length,
  };
}
