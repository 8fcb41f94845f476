/**
 * The dynamic section (PT_DYNAMIC / .dynamic) and the mapping from virtual addresses to file offsets that the
 * section-less fallback needs: without section headers, DT_STRTAB, DT_SYMTAB, DT_VERNEED… are addresses, and only the
 * PT_LOAD segments say where those addresses are in the file.
 */
import { corrupt, overLimit } from './errors.ts';
import { Fields } from './fields.ts';
import type { ByteSource } from './source.ts';
import type { DynamicEntry, ElfHeader, ProgramHeader } from './types.ts';

export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;

export const DT = {
  NULL: 0,
  NEEDED: 1,
  HASH: 4,
  STRTAB: 5,
  SYMTAB: 6,
  STRSZ: 10,
  SYMENT: 11,
  SONAME: 14,
  RPATH: 15,
  RUNPATH: 29,
  GNU_HASH: 0x6ffffef5,
  VERSYM: 0x6ffffff0,
  FLAGS_1: 0x6ffffffb,
  VERDEF: 0x6ffffffc,
  VERDEFNUM: 0x6ffffffd,
  VERNEED: 0x6ffffffe,
  VERNEEDNUM: 0x6fffffff,
} as const;

export const DF_1_PIE = 0x08000000;

/** Real dynamic sections have a few dozen entries; more than this is a crafted file. */
export const MAX_DYNAMIC_ENTRIES = 65536;

/** Decodes entries up to (excluding) DT_NULL, or to the end of the region when DT_NULL is missing. */
export function decodeDynamic(bytes: Uint8Array, h: ElfHeader, at: number): DynamicEntry[] {
  const is64 = h.class === 64;
  const f = new Fields(bytes, h.endian === 'little');
  const size = is64 ? 16 : 8;
  const out: DynamicEntry[] = [];
  for (let o = 0; o + size <= bytes.length; o += size) {
    const tag = is64 ? f.u64(o) : f.u32(o);
    if (tag === DT.NULL) break;
    if (out.length === MAX_DYNAMIC_ENTRIES)
      throw overLimit('dynamic section', at, bytes.length / size, MAX_DYNAMIC_ENTRIES);
    out.push({ tag, value: is64 ? f.u64(o + 8) : f.u32(o + 4) });
  }
  return out;
}

/** First value of a tag, or undefined. */
export function dynValue(dyn: DynamicEntry[], tag: number): number | undefined {
  for (const e of dyn) if (e.tag === tag) return e.value;
  return undefined;
}

/** Maps virtual addresses to file offsets through the PT_LOAD segments (only their file-backed part). */
export class AddressMap {
  private readonly loads: ProgramHeader[];
  constructor(phdrs: ProgramHeader[]) {
    this.loads = phdrs.filter((p) => p.type === PT_LOAD && p.filesz > 0);
  }

  /** File offset of `addr` and the bytes the segment still holds after it, or ELF_CORRUPT naming `field`. */
  locate(addr: number, field: string, at: number): { offset: number; available: number } {
    for (const p of this.loads) {
      if (addr >= p.vaddr && addr - p.vaddr < p.filesz) {
        return { offset: p.offset + (addr - p.vaddr), available: p.filesz - (addr - p.vaddr) };
      }
    }
    throw corrupt(field, at, `address 0x${addr.toString(16)} is not inside any PT_LOAD segment`, addr);
  }
}

/** Reads `length` bytes at virtual address `addr`, or up to the segment's end when length is undefined. */
export function readAt(
  src: ByteSource,
  map: AddressMap,
  addr: number,
  length: number | undefined,
  field: string,
  at: number,
): { bytes: Uint8Array; offset: number } {
  const { offset, available } = map.locate(addr, field, at);
  const n = length ?? available;
  return { bytes: src.read(offset, n, field), offset };
}
