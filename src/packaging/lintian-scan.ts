/**
 * What lintian reads in the upload's own files, read once per upload: the #! line (Scripts, Executable), whether
 * the bytes are UTF-8 (Files/Encoding), whether an ELF file or script mentions /var/lib/dpkg (Files/Contents), the
 * longest line of .js and HTML files (Files/SourceMissing), and file(1)'s description of the binary files that are
 * not ELF (lintian decides text, compiled Python and Flash by file(1); asking it only about non-UTF-8, non-ELF files
 * covers all of those and keeps the run short: ~1 s for inkscape's 3,348 files when asked about all of them).
 * The rules themselves are in src/packaging/debian/lintian-rules.ts.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { Upload } from '../backends/types.ts';
import { isScript, wantsLongestLine } from './debian/lintian-rules.ts';

export interface ScannedFile {
  /** The first line (at most HEAD_BYTES), for the #! line. */
  head: Buffer;
  script: boolean;
  elf: boolean;
  /** Valid UTF-8 (Unicode::UTF8's valid_utf8); not read for ELF files (never text to file(1)). */
  validUtf8: boolean;
  /** Mentions /var/lib/dpkg: lintian's uses-dpkg-database-directly, counted for ELF files and scripts only. */
  dpkgDatabase: boolean;
  /** The longest line in bytes, for .js and HTML names. */
  longestLine?: number;
  /** A deployJava.js that is lintian's `var deployJava = function` copy. */
  deployJava?: boolean;
  /** file(1)'s description (`file --raw`), for the non-ELF files that are not UTF-8. */
  fileType?: string;
}

const HEAD_BYTES = 64 * 1024;
const CHUNK = 1 << 20;
const DPKG_DB = Buffer.from('/var/lib/dpkg');

/** Reads one file in chunks (any size); `elf` is the inventory's verdict. */
export function scanFile(path: string, elf: boolean, lines: boolean): ScannedFile {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(CHUNK + DPKG_DB.length);
    const decoder = elf ? undefined : new TextDecoder('utf-8', { fatal: true });
    let validUtf8 = !elf;
    let dpkgDatabase = false;
    let head = Buffer.alloc(0);
    let longest = 0;
    let run = 0;
    let kept = 0;
    let pos = 0;
    for (;;) {
      const n = readSync(fd, buf, kept, CHUNK, pos);
      const len = kept + n;
      if (pos === 0) {
        const nl = buf.subarray(0, Math.min(n, HEAD_BYTES)).indexOf(0x0a);
        head = Buffer.from(buf.subarray(0, nl < 0 ? Math.min(n, HEAD_BYTES) : nl + 1));
      }
      const fresh = buf.subarray(kept, len);
      if (decoder !== undefined && validUtf8) {
        try {
          decoder.decode(fresh, { stream: n > 0 });
        } catch {
          validUtf8 = false;
        }
      }
      if (!dpkgDatabase && buf.subarray(0, len).includes(DPKG_DB)) dpkgDatabase = true;
      if (lines) {
        for (let i = 0; i < fresh.length; i++) {
          if (fresh[i] === 0x0a) run = 0;
          else if (++run > longest) longest = run;
        }
      }
      if (n === 0) break;
      pos += n;
      kept = Math.min(DPKG_DB.length - 1, len);
      buf.copy(buf, 0, len - kept, len);
    }
    const script = isScript(head);
    return {
      head,
      script,
      elf,
      validUtf8,
      dpkgDatabase: dpkgDatabase && (elf || script),
      ...(lines ? { longestLine: longest } : {}),
    };
  } finally {
    closeSync(fd);
  }
}

/** file(1) as lintian runs it (Index/FileTypes.pm): `file --raw --no-pad --print0 --print0`, relative names. */
export function fileTypes(root: string, paths: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < paths.length; i += 500) {
    const batch = paths.slice(i, i + 500);
    const r = spawnSync('file', ['--raw', '--no-pad', '--print0', '--print0', '--', ...batch], {
      cwd: root,
      maxBuffer: 1 << 26,
    });
    // No file(1) here: nothing is known, so nothing is overridden for it (lintian itself depends on file).
    if (r.error !== undefined || r.stdout === null) return out;
    const parts = r.stdout.toString('utf8').replace(/\0$/, '').split('\0');
    for (let j = 0; j + 1 < parts.length; j += 2) out.set(parts[j]!.replace(/^\.\//, ''), parts[j + 1]!);
  }
  return out;
}

const scans = new WeakMap<object, Map<string, ScannedFile>>();

/**
 * Every regular file of the upload, scanned (by upload path); kept per upload, since lintianFacts and the source
 * overrides both ask. Empty for an upload with no unpacked root.
 */
export function scanUpload(upload: Upload): Map<string, ScannedFile> {
  const cached = scans.get(upload.inventory);
  if (cached !== undefined) return cached;
  const out = new Map<string, ScannedFile>();
  const root = upload.root;
  if (root !== null) {
    for (const e of upload.inventory.entries) {
      if (e.type !== 'file') continue;
      const elf = e.elf !== undefined || e.elfError !== undefined;
      let f: ScannedFile;
      try {
        f = scanFile(join(root, e.path), elf, wantsLongestLine(e.path));
      } catch {
        continue; // unreadable: lintian could not read it either
      }
      if (e.path.endsWith('/deployJava.js') || e.path === 'deployJava.js')
        f.deployJava = /(?:^|[\n\v\f\r\x85\u2028\u2029])\s*var\s+deployJava\s*=\s*function/i.test(
          readText(join(root, e.path)),
        );
      out.set(e.path, f);
    }
    const ask = [...out].filter(([, f]) => !f.elf && !f.validUtf8).map(([p]) => p);
    for (const [p, type] of fileTypes(root, ask)) {
      const f = out.get(p);
      if (f !== undefined) f.fileType = type;
    }
  }
  scans.set(upload.inventory, out);
  return out;
}

function readText(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(HEAD_BYTES * 16);
    return b.subarray(0, readSync(fd, b, 0, b.length, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
