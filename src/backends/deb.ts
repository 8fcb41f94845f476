/**
 * The deb backend (detection and control fields only so far): an upload that is a .deb, or the unpacked contents
 * of one (a tree with DEBIAN/control, as `dpkg-deb -R` leaves it). Its control fields are the developer's
 * statements, so they come back as Guesses with source `metadata:control`.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { parseDeb822Bytes } from '../formats/deb822/parse.ts';
import type { Paragraph } from '../formats/deb822/paragraph.ts';
import { guess, type Guess } from '../inspect/guess/field.ts';
import { MAX_CONTROL_TAR } from '../formats/deb/control.ts';
import { readDebPrefix, type DebInfo } from '../formats/deb/read.ts';
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

/** DEBIAN/control at the tree's root or in its single top directory. */
function unpackedControl(upload: Upload): string | undefined {
  return upload.inventory.entries.find(
    (e) => e.type === 'file' && /^(?:[^/]+\/)?DEBIAN\/control$/.test(e.path) && e.size <= MAX_CONTROL_FILE,
  )?.path;
}

type Found = { how: string; fields: Paragraph } | string;

async function readUploadDeb(upload: Upload): Promise<Found> {
  // An unpacked upload (a directory, or an archive scanUpload unpacked) may hold an unpacked .deb.
  if (upload.root !== null) {
    const control = unpackedControl(upload);
    if (control === undefined) return 'not a .deb';
    try {
      const p = parseDeb822Bytes(readFileSync(join(upload.root, control)))[0];
      if (p?.get('Package') === undefined) return `not an unpacked .deb: ${control} has no Package field`;
      return { how: `an unpacked .deb (${control})`, fields: p };
    } catch (err) {
      return `not an unpacked .deb: ${control}: ${(err as Error).message}`;
    }
  }
  if (!looksLikeAr(upload.path)) return 'not a .deb';
  try {
    const d: DebInfo | string = await readControlPrefix(upload.path);
    return typeof d === 'string'
      ? d
      : { how: `a .deb (format ${d.formatVersion})`, fields: d.control.fields };
  } catch (err) {
    return `not a valid .deb: ${(err as Error).message}`;
  }
}

const CONTROL_FIELDS: Record<string, string> = {
  Package: 'name',
  Version: 'version',
  Architecture: 'architecture',
  Maintainer: 'maintainer',
  Homepage: 'homepage',
  Depends: 'depends',
  Section: 'section',
};

export const debBackend: Backend = {
  name: 'deb',
  async detect(upload: Upload): Promise<Detection> {
    const d = await readUploadDeb(upload);
    if (typeof d === 'string') return { score: 0, reason: d };
    // An unpacked .deb also holds ELF files: it must beat the binary backend (at most 90).
    return { score: upload.root === null ? 100 : 95, reason: d.how };
  },
  async info(upload: Upload): Promise<BackendInfo> {
    const d = await readUploadDeb(upload);
    const fields: Record<string, Guess<unknown>> = {};
    if (typeof d === 'string') return { fields, problems: [] };
    for (const [key, name] of Object.entries(CONTROL_FIELDS)) {
      const v = d.fields.get(key);
      if (v !== undefined) fields[name] = guess(v, 'metadata:control', 1);
    }
    const desc = d.fields.get('Description');
    if (desc !== undefined) {
      const [first, ...rest] = desc.split('\n');
      fields.summary = guess(first!.trim(), 'metadata:control', 1);
      if (rest.length) fields.description = guess(rest.join('\n'), 'metadata:control', 1);
    }
    return { fields, problems: [] };
  },
};
