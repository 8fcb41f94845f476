/**
 * One streamed pass over a .deb's data member that gives every check what it needs without unpacking the package:
 * the entry list (paths as installed, with a leading "/"), the first bytes of each regular file (ELF magic, "#!")
 * and the whole content of the few files a check reads (desktop entries, metainfo, icons, launcher scripts).
 * The .deb reader is src/formats/deb, the same one every other stage uses; no dpkg -x, no temporary tree.
 */
import { DebFile } from '../../formats/deb/read.ts';
import type { DebControlInfo } from '../../formats/deb/control.ts';
import type { ArchiveEntryType } from '../../formats/tar/read.ts';
import { PkgmeError } from '../../errors.ts';

export interface DebContentEntry {
  /** Absolute path as installed: "/usr/bin/foo". */
  path: string;
  type: ArchiveEntryType;
  mode: number;
  size: number;
  linkname?: string;
  /** The first HEAD_BYTES bytes of a regular file (empty for other types). */
  head: Buffer;
}

export interface DebContents {
  control: DebControlInfo;
  entries: DebContentEntry[];
  /** Whole contents of the files `keep` selected. */
  files: Map<string, Buffer>;
}

const HEAD_BYTES = 64;
/** A kept file larger than this is not read whole: no desktop entry, metainfo or launcher script is this big. */
export const MAX_KEPT_FILE = 4 * 1024 * 1024;

/** "./usr/bin/x" or "usr/bin/x/" → "/usr/bin/x"; the root is "/". */
export function installedPath(name: string): string {
  const p = name.replace(/^\.?\/+/, '').replace(/\/+$/, '');
  return `/${p}`;
}

/**
 * Reads the .deb at `path`; `keep(installedPath, head)` chooses the regular files whose whole content is returned
 * (it sees the file's first bytes, so it can pick scripts by their "#!").
 */
export async function readDebContents(
  path: string,
  keep: (installed: string, head: Buffer) => boolean,
): Promise<DebContents> {
  const deb = await DebFile.open(path);
  const entries: DebContentEntry[] = [];
  const files = new Map<string, Buffer>();
  await deb.forEachDataEntry(async (e, body) => {
    const installed = installedPath(e.name);
    // The checks write kept files under a scratch directory by this path: a ".." would write outside it. (A DEB_
    // code, so the .deb reader passes it through rather than wrapping it as a corrupt member.)
    if (installed.split('/').includes('..')) {
      throw new PkgmeError(
        'DEB_PATH_OUTSIDE_ROOT',
        `${path} has a member outside the root: ${e.name}`,
        'input',
        {
          hint: 'dpkg refuses such a package too; build it again with pkgme build.',
          details: { path, member: e.name },
        },
      );
    }
    const entry: DebContentEntry = {
      path: installed,
      type: e.type,
      mode: e.mode,
      size: e.size,
      ...(e.linkname !== undefined ? { linkname: e.linkname } : {}),
      head: Buffer.alloc(0),
    };
    entries.push(entry);
    if (e.type !== 'file') return;
    // The keep decision waits for the first bytes, so launchers can be chosen by "#!" without reading binaries.
    let whole: boolean | undefined;
    const parts: Buffer[] = [];
    let have = 0;
    for await (const chunk of body) {
      if (whole === false) continue;
      parts.push(chunk);
      have += chunk.length;
      if (whole === undefined && have >= HEAD_BYTES) {
        entry.head = Buffer.from(Buffer.concat(parts).subarray(0, HEAD_BYTES));
        whole = e.size <= MAX_KEPT_FILE && keep(installed, entry.head);
      }
    }
    const data = Buffer.concat(parts);
    if (whole === undefined) {
      entry.head = Buffer.from(data);
      whole = keep(installed, entry.head);
    }
    if (whole) files.set(installed, data);
  });
  if (entries.length === 0) {
    throw new PkgmeError('CHECK_EMPTY_DEB', `${path} installs no files`, 'input', {
      hint: 'Build the package again; its data member is empty.',
      details: { path },
    });
  }
  return { control: deb.info.control, entries, files };
}

export function isElf(e: DebContentEntry): boolean {
  return (
    e.type === 'file' &&
    e.head.length >= 4 &&
    e.head.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))
  );
}
