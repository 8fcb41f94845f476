/**
 * The deb backend: an upload that is a .deb (unpacked by openDebUpload into a job directory, dpkg-deb -R style), or
 * the unpacked contents of one (a tree with DEBIAN/control at its root or in its single top directory). Its control
 * fields are the developer's statements: they come back as Guesses with source `file:DEBIAN/control`, reshaped or
 * refused where not sane (deb-control.ts). Re-packaging (the tree as fixed placements, the Depends re-check and
 * merge) is deb-plan.ts's debPlanParts, called once the release's verdict is known.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parseDeb822Bytes } from '../formats/deb822/parse.ts';
import type { Paragraph } from '../formats/deb822/paragraph.ts';
import { MAX_CONTROL_TAR } from '../formats/deb/control.ts';
import { readDebPrefix, type DebInfo } from '../formats/deb/read.ts';
import { guess } from '../inspect/guess/field.ts';
import { debCopyright } from './deb-copyright.ts';
import { controlFileGuesses, controlGuesses } from './deb-control.ts';
import { debTreePrefix } from './deb-plan.ts';
import { unpackNotes } from './deb-unpack.ts';
import type { Backend, BackendInfo, Detection, Upload } from './types.ts';

/** A .deb is an ar archive: its first 8 bytes are "!<arch>\n". */
export function looksLikeAr(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(8);
    return readSync(fd, b, 0, 8, 0) === 8 && b.toString('latin1') === '!<arch>\n';
  } finally {
    closeSync(fd);
  }
}

/** First read; a typical .deb's control member ends within it (DEBIAN-NOTES: 1-60 KB). */
const FIRST_READ = 64 * 1024;

/**
 * Reads only the .deb's prefix up to its control member (never the data member, which can be gigabytes), growing
 * the read as readDebPrefix asks, never past the file's size or a control member's limit.
 */
async function readControlPrefix(path: string): Promise<DebInfo | string> {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    let want = Math.min(FIRST_READ, size);
    for (;;) {
      const buf = Buffer.alloc(want);
      const got = readSync(fd, buf, 0, want, 0);
      const r = await readDebPrefix(buf.subarray(0, got));
      if (r.complete) return r.deb;
      if (r.needLength > size) return 'not a valid .deb: the file ends before its control member';
      if (r.needLength <= want || r.needLength > MAX_CONTROL_TAR + FIRST_READ)
        return 'not a valid .deb: its control member is missing or too large';
      want = r.needLength;
    }
  } finally {
    closeSync(fd);
  }
}

/** A control file is a few KiB; more is not one. */
const MAX_CONTROL_FILE = 1 << 20;
/** Other control files (symbols files are the big ones: libc6's is ~200 KB). */
const MAX_OTHER_CONTROL_FILE = 16 << 20;

type Found = { how: string; fields: Paragraph; files: Map<string, Uint8Array>; prefix: string } | string;

/** The files of an unpacked tree's DEBIAN/ directory (top level only, bounded), by name. */
function debianDirFiles(upload: Upload, prefix: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const dir = `${prefix}DEBIAN/`;
  for (const e of upload.inventory.entries) {
    const name = e.path.slice(dir.length);
    if (e.type !== 'file' || !e.path.startsWith(dir) || name.includes('/')) continue;
    if (e.size <= MAX_OTHER_CONTROL_FILE) files.set(name, readFileSync(join(upload.root!, e.path)));
  }
  return files;
}

async function readUploadDeb(upload: Upload): Promise<Found> {
  // A .deb file: its control member is read from the file (detection never waits for the data member). When
  // openDebUpload unpacked it, the tree also has DEBIAN/, read below like any unpacked .deb.
  if (upload.isFile && upload.root === null) {
    if (!looksLikeAr(upload.path)) return 'not a .deb';
    try {
      const d: DebInfo | string = await readControlPrefix(upload.path);
      if (typeof d === 'string') return d;
      const files = new Map([...d.control.files].map(([n, f]) => [n, f.data] as const));
      return { how: `a .deb (format ${d.formatVersion})`, fields: d.control.fields, files, prefix: '' };
    } catch (err) {
      return `not a valid .deb: ${(err as Error).message}`;
    }
  }
  if (upload.root === null) return 'not a .deb';
  const prefix = debTreePrefix(upload.inventory.entries);
  const control = `${prefix}DEBIAN/control`;
  const entry = upload.inventory.entries.find((e) => e.path === control);
  if (prefix === undefined || entry === undefined || entry.size > MAX_CONTROL_FILE) return 'not a .deb';
  try {
    const p = parseDeb822Bytes(readFileSync(join(upload.root, control)))[0];
    if (p?.get('Package') === undefined) return `not an unpacked .deb: ${control} has no Package field`;
    const how = upload.isFile && looksLikeAr(upload.path) ? 'a .deb' : `an unpacked .deb (${control})`;
    return { how, fields: p, files: debianDirFiles(upload, prefix), prefix };
  } catch (err) {
    return `not an unpacked .deb: ${control}: ${(err as Error).message}`;
  }
}

/** Directories on a user's PATH that a package ships programs in. */
const PATH_DIRS = /^(?:usr\/)?(?:s?bin|games)\/[^/]+$/;

/**
 * The programs the .deb puts on PATH (/usr/bin, /usr/sbin, /usr/games, /bin, /sbin), as upload paths: its
 * `executables`. An executable file there counts; so does a symlink there to an executable file of the package
 * (a vendor's /usr/bin/app -> /opt/app/app: the program is the /opt file). They already are on PATH, so the layout
 * adds no launchers for a re-packaged .deb.
 */
function pathPrograms(upload: Upload, prefix: string): string[] {
  const byPath = new Map(upload.inventory.entries.map((e) => [e.path, e]));
  const program = (path: string) => {
    const e = byPath.get(path);
    return e !== undefined && e.type === 'file' && (e.mode & 0o111) !== 0;
  };
  const links = [
    ...upload.inventory.entries
      .filter((e) => e.type === 'symlink' && e.linkTarget !== undefined)
      .map((e) => ({ path: e.path.slice(prefix.length), target: e.linkTarget! })),
    ...unpackNotes(upload).links,
  ];
  const out = new Set<string>();
  for (const e of upload.inventory.entries)
    if (e.path.startsWith(prefix) && PATH_DIRS.test(e.path.slice(prefix.length)) && program(e.path))
      out.add(e.path);
  for (const l of links) {
    if (!PATH_DIRS.test(l.path)) continue;
    const to = posix.normalize(
      l.target.startsWith('/') ? l.target.slice(1) : posix.join(posix.dirname(l.path), l.target),
    );
    if (!to.startsWith('../') && program(prefix + to)) out.add(prefix + to);
  }
  return [...out];
}

/** The Debian architectures of the ELF files the .deb ships (its data tree: DEBIAN/ aside). */
function elfArchitectures(upload: Upload, prefix: string): string[] {
  const arches = new Set<string>();
  for (const e of upload.inventory.entries)
    if (e.elf?.arch && e.path.startsWith(prefix) && !e.path.startsWith(`${prefix}DEBIAN/`))
      arches.add(e.elf.arch);
  return [...arches].sort();
}

export const debBackend: Backend = {
  name: 'deb',
  async detect(upload: Upload): Promise<Detection> {
    const d = await readUploadDeb(upload);
    if (typeof d === 'string') return { score: 0, reason: d };
    // An unpacked .deb also holds ELF files: it must beat the binary backend (at most 90).
    return { score: upload.isFile && looksLikeAr(upload.path) ? 100 : 95, reason: d.how };
  },
  async info(upload: Upload): Promise<BackendInfo> {
    const d = await readUploadDeb(upload);
    if (typeof d === 'string') return { fields: {}, problems: [] };
    const out = controlGuesses(d.fields, elfArchitectures(upload, d.prefix));
    const shipped = new Set(
      upload.inventory.entries.filter((e) => e.type === 'file').map((e) => e.path.slice(d.prefix.length)),
    );
    controlFileGuesses(d.files, (p) => shipped.has(p), out);
    const lic = debCopyright(upload, d.prefix, d.fields.get('Package') ?? '');
    if (lic.license) out.fields.license = lic.license;
    if (lic.copyright) out.fields.copyright = lic.copyright;
    const programs = pathPrograms(upload, d.prefix);
    if (upload.root !== null) out.fields.executables = guess(programs, 'heuristic:deb-programs-on-path', 1);
    for (const w of unpackNotes(upload).warnings)
      out.problems.push({
        severity: 'warning',
        code: w.code,
        message: `${w.message}: the re-packaged .deb ships it without those bits`,
        hint: 'A setuid/setgid program needs a hand-made package (dpkg-statoverride in a maintainer script), which pkgme does not write.',
      });
    return out;
  },
};
