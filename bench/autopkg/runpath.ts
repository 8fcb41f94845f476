/**
 * In-place RUNPATH/RPATH rewriting for the re-shaped corpus. A Debian package points its private libraries with an
 * absolute RUNPATH (/usr/lib/x86_64-linux-gnu/audacity); a developer's relocatable tarball uses `$ORIGIN`. Moving the
 * files without rewriting would make every such member fail the ldd check for a reason of our own making, so the
 * re-shaping rewrites the string the way `patchelf --set-rpath` would (patchelf is not installed here, and is not
 * needed: the new path is never longer than the old, so it overwrites the string in .dynstr, NUL-padded).
 */
import { openSync, closeSync, readSync, writeSync } from 'node:fs';
import { readElfFile } from '../../src/formats/elf/elf.ts';
import { readHeader, readSectionHeaders } from '../../src/formats/elf/header.ts';
import { withFileSource } from '../../src/formats/elf/source.ts';

const SHT_STRTAB = 3;

/** The search paths of `file` (RUNPATH, else RPATH), '' when it has none or is not a dynamic ELF file. */
export function searchPath(file: string): { kind: 'runpath' | 'rpath' | null; value: string } {
  const info = readElfFile(file);
  if (info.runpath.length) return { kind: 'runpath', value: info.runpath.join(':') };
  if (info.rpath.length) return { kind: 'rpath', value: info.rpath.join(':') };
  return { kind: null, value: '' };
}

/**
 * Replaces the search-path string `from` by `to` in `file`'s .dynstr. Throws when `to` is longer than `from` or the
 * string is not found exactly once there (the caller then reports the member as not re-shapeable).
 */
export function rewriteSearchPath(file: string, from: string, to: string): void {
  if (Buffer.byteLength(to) > Buffer.byteLength(from))
    throw new Error(`${file}: new search path ${to} is longer than ${from}`);
  const where = withFileSource(file, (src) => {
    const h = readHeader(src);
    const dynstr = readSectionHeaders(src, h).find((s) => s.name === '.dynstr' && s.type === SHT_STRTAB);
    if (!dynstr) throw new Error(`${file}: no .dynstr section`);
    return { offset: dynstr.offset, size: dynstr.size };
  });
  const fd = openSync(file, 'r+');
  try {
    const table = Buffer.alloc(where.size);
    readSync(fd, table, 0, where.size, where.offset);
    const needle = Buffer.concat([Buffer.from([0]), Buffer.from(from), Buffer.from([0])]);
    const at = table.indexOf(needle);
    if (at < 0 || table.indexOf(needle, at + 1) >= 0)
      throw new Error(`${file}: search path ${from} not found exactly once in .dynstr`);
    const repl = Buffer.alloc(Buffer.byteLength(from));
    Buffer.from(to).copy(repl);
    writeSync(fd, repl, 0, repl.length, where.offset + at + 1);
  } finally {
    closeSync(fd);
  }
}
