/**
 * The control member of a .deb: `control` (the package's fields) and the other control files (md5sums, conffiles,
 * shlibs, symbols, triggers, maintainer scripts), read from the compressed control.tar bytes.
 *
 * Control tars are small (libc6's, with its symbols file, is about 50 KB packed), so they are read in memory with
 * a cap on the decompressed size against bombs.
 */
import { Readable } from 'node:stream';
import { PkgmeError } from '../../errors.ts';
import { decompressBuffer } from '../compress/index.ts';
import { parseDeb822Bytes, type Paragraph } from '../deb822/index.ts';
import { memberError, readMemberTar, type DebCompression } from './members.ts';

/** Cap on the decompressed control.tar. The biggest real ones (libc6 symbols, big conffiles lists) are ~1 MB. */
export const MAX_CONTROL_TAR = 64 * 1024 * 1024;

export interface DebControlFile {
  data: Uint8Array;
  mode: number;
}

export interface DebControlInfo {
  /** The `control` file as text. */
  text: string;
  /** Its fields (deb822 Paragraph from src/formats/deb822: case-insensitive `get`, `entries()`, `toJSON()`). */
  fields: Paragraph;
  /** Every regular file of the control member by name ("control", "md5sums", "postinst", "shlibs"…). */
  files: Map<string, DebControlFile>;
}

/** Reads a whole entry body into memory, refusing more than `max` bytes. */
async function readBody(body: AsyncIterable<Uint8Array>, max: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const c of body) {
    total += c.length;
    if (total > max) {
      throw new PkgmeError('DEB_LIMIT', `${what} is larger than ${max} bytes`, 'limit', {
        hint: 'This control member is far larger than any real package has.',
        details: { member: what, limit: max },
      });
    }
    chunks.push(Buffer.from(c));
  }
  return Buffer.concat(chunks);
}

export async function readControlTar(
  member: string,
  compressed: Uint8Array,
  compression: DebCompression,
): Promise<DebControlInfo> {
  let tar: Buffer;
  try {
    tar = await decompressBuffer(compressed, { format: compression, maxBytes: MAX_CONTROL_TAR });
  } catch (err) {
    throw memberError(member, err);
  }
  const files = new Map<string, DebControlFile>();
  await readMemberTar(Readable.from([tar]), member, async (e, body) => {
    if (e.type !== 'file') return;
    const name = e.name.replace(/^(\.\/)+/, '');
    if (name.includes('/')) return;
    files.set(name, { data: await readBody(body, MAX_CONTROL_TAR, `${member}/${name}`), mode: e.mode });
  });
  const control = files.get('control');
  if (!control) {
    throw new PkgmeError('DEB_MISSING_MEMBER', `.deb member "${member}" has no "control" file`, 'input', {
      hint: 'The package is damaged or was not built by dpkg-deb.',
      details: { member, file: 'control' },
    });
  }
  const paragraphs = parseDeb822Bytes(control.data, { source: `${member}/control` });
  if (paragraphs.length !== 1) {
    throw new PkgmeError(
      'DEB_BAD_CONTROL',
      `${member}/control holds ${paragraphs.length} paragraphs; a binary package's control file has exactly one`,
      'input',
      { hint: 'Fix the control file.', details: { member, paragraphs: paragraphs.length } },
    );
  }
  return { text: new TextDecoder().decode(control.data), fields: paragraphs[0]!, files };
}
