/**
 * The inventory: the first half of the pipeline's "inspect" stage. It walks an unpacked upload and records, for
 * every member, what it is (file, directory, symlink), its size and mode, and for ELF files the facts the later
 * stages need (architecture, kind, NEEDED, SONAME, RPATH/RUNPATH, number of imported symbols).
 *
 * The walk never follows symlinks (an upload's links are data, not directions) and reads only what it classifies:
 * four bytes of magic, then the ELF regions readElfFile needs. A corrupt ELF file is recorded with its typed error,
 * not thrown: one broken binary must not hide the rest of the upload from the reviewer.
 */
import { closeSync, lstatSync, openSync, readSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PkgmeError } from '../errors.ts';
import { isElf, readElfFile, type ElfInfo } from '../formats/elf/elf.ts';

export interface ElfSummary {
  arch: string | null;
  machine: number;
  class: 32 | 64;
  endian: 'little' | 'big';
  kind: ElfInfo['kind'];
  interpreter: string | null;
  static: boolean;
  stripped: boolean | null;
  needed: string[];
  soname: string | null;
  rpath: string[];
  runpath: string[];
  /** Number of undefined dynamic symbols (what the resolver will match against symbols files). */
  imports: number;
}

export interface InventoryEntry {
  /** Path relative to the root, '/'-separated. */
  path: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  size: number;
  /** Permission bits (e.g. 0o755). */
  mode: number;
  linkTarget?: string;
  elf?: ElfSummary;
  /** Set when the file starts like ELF but could not be parsed. */
  elfError?: { code: string; message: string };
}

export interface Inventory {
  root: string;
  entries: InventoryEntry[];
  /** Debian architectures seen among ELF files, sorted. */
  architectures: string[];
  /** Sonames the upload itself ships (DT_SONAME of its shared libraries) → the paths that provide them. */
  providedSonames: Record<string, string[]>;
  /** Sonames some ELF file needs that the upload does not ship → the files that need them. */
  externalSonames: Record<string, string[]>;
}

function readMagic(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(4);
    const n = readSync(fd, b, 0, 4, 0);
    return b.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function summarize(info: ElfInfo): ElfSummary {
  return {
    arch: info.debianArch,
    machine: info.header.machine,
    class: info.header.class,
    endian: info.header.endian,
    kind: info.kind,
    interpreter: info.interpreter,
    static: info.static,
    stripped: info.stripped,
    needed: info.needed,
    soname: info.soname,
    rpath: info.rpath,
    runpath: info.runpath,
    imports: info.undefinedSymbols.length,
  };
}

function addTo(map: Record<string, string[]>, key: string, value: string): void {
  (map[key] ??= []).push(value);
}

/** Walks `root` (a directory) depth-first in byte order of names, so the inventory is deterministic. */
export function inventoryTree(root: string): Inventory {
  const entries: InventoryEntry[] = [];
  const walk = (rel: string): void => {
    const names = readdirSync(rel === '' ? root : join(root, rel)).sort((a, b) =>
      Buffer.compare(Buffer.from(a), Buffer.from(b)),
    );
    for (const name of names) {
      const path = rel === '' ? name : `${rel}/${name}`;
      const abs = join(root, path);
      const st = lstatSync(abs);
      const mode = st.mode & 0o7777;
      if (st.isSymbolicLink()) {
        entries.push({ path, type: 'symlink', size: 0, mode, linkTarget: readlinkSync(abs) });
      } else if (st.isDirectory()) {
        entries.push({ path, type: 'directory', size: 0, mode });
        walk(path);
      } else if (st.isFile()) {
        const entry: InventoryEntry = { path, type: 'file', size: st.size, mode };
        if (st.size >= 4 && isElf(readMagic(abs))) {
          try {
            entry.elf = summarize(readElfFile(abs, { symbols: 'undefined' }));
          } catch (err) {
            if (!(err instanceof PkgmeError)) throw err;
            entry.elfError = { code: err.code, message: err.message };
          }
        }
        entries.push(entry);
      } else {
        entries.push({ path, type: 'other', size: 0, mode });
      }
    }
  };
  walk('');

  const arches = new Set<string>();
  const provided: Record<string, string[]> = {};
  const needed: Record<string, string[]> = {};
  for (const e of entries) {
    if (!e.elf) continue;
    if (e.elf.arch) arches.add(e.elf.arch);
    if (e.elf.soname) addTo(provided, e.elf.soname, e.path);
    for (const n of e.elf.needed) addTo(needed, n, e.path);
  }
  const external: Record<string, string[]> = {};
  for (const [soname, users] of Object.entries(needed).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!(soname in provided)) external[soname] = users;
  }
  return {
    root,
    entries,
    architectures: [...arches].sort(),
    providedSonames: provided,
    externalSonames: external,
  };
}
