/**
 * Reading a .dsc (signed or not), checking the files it lists, and listing its tarballs.
 *
 * A .dsc comes from outside (an upload, an archive), so it is parsed as hostile: size-capped, the clearsign wrapper
 * split off strictly (src/formats/openpgp/clearsign.ts; verifying the signature is the caller's step, with
 * verifyClearsigned), required fields checked, and every listed name must be a plain file name — no `/`, no `..`,
 * nothing that could reach outside the .dsc's directory when the files are opened next to it. The three checksum
 * tables must agree on names and sizes.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PkgmeError } from '../../errors.ts';
import { decodeDeb822, parseDeb822, parseFileList, type Paragraph } from '../deb822/index.ts';
import { isClearsigned, readClearsigned } from '../openpgp/clearsign.ts';
import { readTar, type ArchiveEntry } from '../tar/read.ts';
import { parseVersion, type DebVersion } from '../version/parse.ts';
import { digestFile } from './digest.ts';

/** A .dsc is a few KiB; anything past this is not one. */
export const MAX_DSC_BYTES = 1 << 20;

export interface DscEntry {
  name: string;
  size: number;
  md5: string;
  sha1?: string;
  sha256?: string;
}

export interface Dsc {
  fields: Paragraph;
  source: string;
  version: DebVersion;
  format: string;
  files: DscEntry[];
  /** The armored signature when the .dsc was clearsigned (not verified here). */
  signature?: string;
  /** The signed text, for verification. */
  signedText?: string;
}

/** A file name a .dsc may list: letters, digits, `. + ~ _ : -`, not starting with `.` or `-`. */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9.+~_:-]*$/;
const SOURCE_NAME = /^[a-z0-9][a-z0-9+.-]+$/;

function dscError(
  code: string,
  problem: string,
  hint: string,
  details: Record<string, unknown> = {},
): PkgmeError {
  return new PkgmeError(code, problem, 'input', { hint, details });
}

function required(p: Paragraph, field: string, where: string): string {
  const v = p.get(field);
  if (v === undefined || v.trim() === '') {
    throw dscError(
      'DSC_MISSING_FIELD',
      `${where}: required field ${field} is missing`,
      `Add the ${field} field.`,
      {
        field,
      },
    );
  }
  return v.trim();
}

function checkName(name: string, field: string, where: string): void {
  if (!FILE_NAME.test(name) || name.includes('..') || name.length > 255) {
    throw dscError(
      'DSC_BAD_FILE_NAME',
      `${where}: field ${field} lists '${name.slice(0, 100)}', which is not a plain file name`,
      'A .dsc may only list files in its own directory: no "/", no "..", no leading "." or "-".',
      { field, name: name.slice(0, 255) },
    );
  }
}

/** Parses a .dsc's bytes. `where` names it in messages (a path). */
export function parseDsc(bytes: Uint8Array, where = 'dsc'): Dsc {
  if (bytes.length > MAX_DSC_BYTES) {
    throw new PkgmeError(
      'DSC_TOO_LARGE',
      `${where}: ${bytes.length} bytes, over the ${MAX_DSC_BYTES} limit`,
      'limit',
      {
        hint: 'A .dsc is a small text file; this is not one.',
        details: { size: bytes.length, limit: MAX_DSC_BYTES },
      },
    );
  }
  let text = decodeDeb822(bytes, { source: where });
  let signature: string | undefined;
  let signedText: string | undefined;
  if (isClearsigned(text)) {
    const c = readClearsigned(text);
    text = c.text;
    signature = c.signature;
    signedText = c.text;
  }
  const paragraphs = parseDeb822(text, { source: where });
  if (paragraphs.length !== 1) {
    throw dscError(
      'DSC_SYNTAX',
      `${where}: expected one paragraph, found ${paragraphs.length}`,
      'A .dsc holds exactly one deb822 paragraph.',
      { paragraphs: paragraphs.length },
    );
  }
  const fields = paragraphs[0]!;
  const format = required(fields, 'Format', where);
  const source = required(fields, 'Source', where);
  if (!SOURCE_NAME.test(source)) {
    throw dscError(
      'DSC_BAD_FIELD',
      `${where}: Source '${source.slice(0, 100)}' is not a valid package name`,
      'Fix Source.',
      {
        field: 'Source',
      },
    );
  }
  const version = parseVersion(required(fields, 'Version', where));
  const files = parseFileList(fields.get('Files') ?? required(fields, 'Files', where), 'Files');
  if (files.length === 0) {
    throw dscError(
      'DSC_MISSING_FIELD',
      `${where}: the Files field lists no file`,
      'List the tarballs in Files.',
    );
  }
  const byName = new Map<string, DscEntry>();
  for (const f of files) {
    checkName(f.name, 'Files', where);
    if (byName.has(f.name)) {
      throw dscError('DSC_BAD_FIELD', `${where}: Files lists '${f.name}' twice`, 'List each file once.', {
        name: f.name,
      });
    }
    if (!/^[0-9a-f]{32}$/i.test(f.hash)) {
      throw dscError('DSC_BAD_FIELD', `${where}: Files entry '${f.name}' has no MD5 digest`, 'Fix Files.', {
        name: f.name,
      });
    }
    byName.set(f.name, { name: f.name, size: f.size, md5: f.hash.toLowerCase() });
  }
  for (const [field, key, hexLength] of [
    ['Checksums-Sha1', 'sha1', 40],
    ['Checksums-Sha256', 'sha256', 64],
  ] as const) {
    const value = fields.get(field);
    if (value === undefined) continue;
    for (const c of parseFileList(value, field)) {
      checkName(c.name, field, where);
      const entry = byName.get(c.name);
      if (entry === undefined || entry.size !== c.size || c.hash.length !== hexLength) {
        throw dscError(
          'DSC_INCONSISTENT',
          `${where}: ${field} entry '${c.name}' does not match the Files field (name, size or digest length)`,
          'Regenerate the .dsc: its checksum tables disagree.',
          { field, name: c.name },
        );
      }
      entry[key] = c.hash.toLowerCase();
    }
  }
  return {
    fields,
    source,
    version,
    format,
    files: [...byName.values()],
    ...(signature === undefined ? {} : { signature, signedText }),
  };
}

export async function readDsc(path: string): Promise<Dsc> {
  const st = await stat(path);
  if (st.size > MAX_DSC_BYTES) return parseDsc(new Uint8Array(st.size), path); // reports DSC_TOO_LARGE
  return parseDsc(await readFile(path), path);
}

/**
 * Checks that every file the .dsc lists sits beside it with the listed size and digests. Throws DSC_MISSING_FILE
 * or DSC_CHECKSUM_MISMATCH (details.kind: size, md5, sha1, sha256) naming the file.
 */
export async function verifyDscFiles(dscPath: string, dsc?: Dsc): Promise<Dsc> {
  const d = dsc ?? (await readDsc(dscPath));
  const dir = dirname(dscPath);
  for (const f of d.files) {
    const path = join(dir, f.name);
    let st;
    try {
      st = await stat(path);
    } catch {
      st = undefined;
    }
    if (st === undefined || !st.isFile()) {
      throw dscError(
        'DSC_MISSING_FILE',
        `${basename(dscPath)} lists ${f.name}, which is not in ${dir}`,
        'Put every file the .dsc lists in the same directory as the .dsc.',
        { name: f.name, dir },
      );
    }
    const mismatch = (kind: string, expected: string | number, actual: string | number) =>
      dscError(
        'DSC_CHECKSUM_MISMATCH',
        `${f.name}: ${kind} is ${actual}, the .dsc says ${expected}`,
        'The file is corrupt or not the one the .dsc was made for; fetch it again or rebuild the source package.',
        { name: f.name, kind, expected, actual },
      );
    if (st.size !== f.size) throw mismatch('size', f.size, st.size);
    const got = await digestFile(path);
    if (got.size !== f.size) throw mismatch('size', f.size, got.size);
    if (got.md5 !== f.md5) throw mismatch('md5', f.md5, got.md5);
    if (f.sha1 !== undefined && got.sha1 !== f.sha1) throw mismatch('sha1', f.sha1, got.sha1);
    if (f.sha256 !== undefined && got.sha256 !== f.sha256) throw mismatch('sha256', f.sha256, got.sha256);
  }
  return d;
}

export interface TarballListing {
  file: string;
  entries: ArchiveEntry[];
}

/** Default cap on members listed per tarball: a listing is held in memory, so a hostile tarball must not grow it. */
export const MAX_LISTED_ENTRIES = 1_000_000;

/**
 * Lists the members of every tarball the .dsc names (compression detected from the bytes). More than `maxEntries`
 * members in one tarball fails with DSC_TOO_MANY_ENTRIES.
 */
export async function listDscContents(
  dscPath: string,
  dsc?: Dsc,
  maxEntries = MAX_LISTED_ENTRIES,
): Promise<TarballListing[]> {
  const d = dsc ?? (await readDsc(dscPath));
  const out: TarballListing[] = [];
  for (const f of d.files) {
    if (!/\.tar(\.[a-z0-9]+)?$/.test(f.name)) continue;
    const entries: ArchiveEntry[] = [];
    await readTar(createReadStream(join(dirname(dscPath), f.name)), async (entry) => {
      if (entries.length >= maxEntries) {
        throw new PkgmeError(
          'DSC_TOO_MANY_ENTRIES',
          `${f.name} has more than ${maxEntries} members`,
          'limit',
          {
            hint: 'This is not a plausible source tarball; raise the limit only for a tree you trust.',
            details: { name: f.name, limit: maxEntries },
          },
        );
      }
      entries.push(entry);
    });
    out.push({ file: f.name, entries });
  }
  return out;
}
