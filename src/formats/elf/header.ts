/**
 * The ELF header, the program header table and the section header table: the map every other part is found with.
 */
import { PkgmeError } from '../../errors.ts';
import { ELF_NOT_ELF, ELF_UNSUPPORTED, corrupt } from './errors.ts';
import { Fields, type Layout } from './fields.ts';
import type { ByteSource } from './source.ts';
import { StringTable } from './strtab.ts';
import type { ElfHeader, ElfType, ProgramHeader, SectionHeader } from './types.ts';

const TYPES: ElfType[] = ['NONE', 'REL', 'EXEC', 'DYN', 'CORE'];
const PN_XNUM = 0xffff;
const SHN_XINDEX = 0xffff;
const SHN_LORESERVE = 0xff00;

/** True when the bytes start with the ELF magic. */
export function isElf(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46
  );
}

export function readHeader(src: ByteSource): ElfHeader {
  const ident = src.size >= 16 ? src.read(0, 16, 'e_ident') : src.read(0, src.size, 'e_ident');
  if (!isElf(ident)) {
    throw new PkgmeError(ELF_NOT_ELF, 'not an ELF file: the first 4 bytes are not \\x7fELF', 'input', {
      hint: 'Pass a compiled binary or shared library (ELF); scripts and other files have no ELF facts.',
      details: { offset: 0, field: 'e_ident[EI_MAG]' },
    });
  }
  // Below here a short file is a truncated ELF file, not "not ELF".
  src.read(0, 16, 'e_ident');
  const cls = ident[4];
  const data = ident[5];
  if (cls !== 1 && cls !== 2) {
    throw new PkgmeError(
      ELF_UNSUPPORTED,
      `unsupported ELF class ${cls} (e_ident[EI_CLASS] at offset 4)`,
      'input',
      {
        hint: 'Only ELFCLASS32 (1) and ELFCLASS64 (2) exist; the file is damaged.',
        details: { offset: 4, field: 'e_ident[EI_CLASS]', value: cls },
      },
    );
  }
  if (data !== 1 && data !== 2) {
    throw new PkgmeError(
      ELF_UNSUPPORTED,
      `unsupported ELF data encoding ${data} (e_ident[EI_DATA] at offset 5)`,
      'input',
      {
        hint: 'Only little endian (1) and big endian (2) exist; the file is damaged.',
        details: { offset: 5, field: 'e_ident[EI_DATA]', value: data },
      },
    );
  }
  const is64 = cls === 2;
  const f = new Fields(src.read(0, is64 ? 64 : 52, 'ELF header'), data === 1);
  const w = is64 ? 8 : 4;
  const typeNumber = f.u16(16);
  const at = 24 + 3 * w; // e_flags follows e_entry, e_phoff, e_shoff
  const h: ElfHeader = {
    class: is64 ? 64 : 32,
    endian: data === 1 ? 'little' : 'big',
    osAbi: ident[7]!,
    abiVersion: ident[8]!,
    type: TYPES[typeNumber] ?? 'OTHER',
    typeNumber,
    machine: f.u16(18),
    version: f.u32(20),
    entry: f.word(24, is64),
    phoff: f.word(24 + w, is64),
    shoff: f.word(24 + 2 * w, is64),
    flags: f.u32(at),
    ehsize: f.u16(at + 4),
    phentsize: f.u16(at + 6),
    phnum: f.u16(at + 8),
    shentsize: f.u16(at + 10),
    shnum: f.u16(at + 12),
    shstrndx: f.u16(at + 14),
  };
  if (h.shoff !== 0 && (h.shnum === 0 || h.shstrndx === SHN_XINDEX || h.phnum === PN_XNUM)) {
    // Extended numbering: the real counts live in section header 0.
    const s0 = readSectionRaw(src, h, 0);
    if (h.shnum === 0) h.shnum = s0.size;
    if (h.shstrndx === SHN_XINDEX) h.shstrndx = s0.link;
    if (h.phnum === PN_XNUM) h.phnum = s0.info;
  }
  return h;
}

// Elf32_Phdr and Elf64_Phdr order their fields differently (p_flags moves up to keep 8-byte alignment).
const PHDR32: Layout<keyof ProgramHeader> = [
  ['type', 4],
  ['offset', 4],
  ['vaddr', 4],
  ['paddr', 4],
  ['filesz', 4],
  ['memsz', 4],
  ['flags', 4],
  ['align', 4],
];
const PHDR64: Layout<keyof ProgramHeader> = [
  ['type', 4],
  ['flags', 4],
  ['offset', 8],
  ['vaddr', 8],
  ['paddr', 8],
  ['filesz', 8],
  ['memsz', 8],
  ['align', 8],
];
type ShdrField = Exclude<keyof SectionHeader, 'name'>;
const shdr = (w: 4 | 8): Layout<ShdrField> => [
  ['nameIndex', 4],
  ['type', 4],
  ['flags', w],
  ['addr', w],
  ['offset', w],
  ['size', w],
  ['link', 4],
  ['info', 4],
  ['addralign', w],
  ['entsize', w],
];
const SHDR32 = shdr(4);
const SHDR64 = shdr(8);

function entrySize(h: ElfHeader, given: number, min: number, field: string, at: number): void {
  if (given < min) {
    throw corrupt(
      field,
      at,
      `entry size ${given} is smaller than the ${min} bytes an ELFCLASS${h.class} entry needs`,
      given,
    );
  }
}

export function readProgramHeaders(src: ByteSource, h: ElfHeader): ProgramHeader[] {
  if (h.phoff === 0 || h.phnum === 0) return [];
  const is64 = h.class === 64;
  entrySize(h, h.phentsize, is64 ? 56 : 32, 'e_phentsize', is64 ? 54 : 42);
  const f = new Fields(
    src.read(h.phoff, h.phnum * h.phentsize, 'program header table'),
    h.endian === 'little',
  );
  const out: ProgramHeader[] = new Array(h.phnum);
  for (let i = 0; i < h.phnum; i++) out[i] = f.struct(i * h.phentsize, is64 ? PHDR64 : PHDR32);
  return out;
}

function decodeSection(f: Fields, o: number, is64: boolean): SectionHeader {
  return { name: '', ...f.struct(o, is64 ? SHDR64 : SHDR32) };
}

function readSectionRaw(src: ByteSource, h: ElfHeader, i: number): SectionHeader {
  const is64 = h.class === 64;
  entrySize(h, h.shentsize, is64 ? 64 : 40, 'e_shentsize', is64 ? 58 : 46);
  const f = new Fields(
    src.read(h.shoff + i * h.shentsize, h.shentsize, 'section header'),
    h.endian === 'little',
  );
  return decodeSection(f, 0, is64);
}

export function readSectionHeaders(src: ByteSource, h: ElfHeader): SectionHeader[] {
  if (h.shoff === 0 || h.shnum === 0) return [];
  const is64 = h.class === 64;
  entrySize(h, h.shentsize, is64 ? 64 : 40, 'e_shentsize', is64 ? 58 : 46);
  const f = new Fields(
    src.read(h.shoff, h.shnum * h.shentsize, 'section header table'),
    h.endian === 'little',
  );
  const out: SectionHeader[] = new Array(h.shnum);
  for (let i = 0; i < h.shnum; i++) {
    out[i] = decodeSection(f, i * h.shentsize, is64);
  }
  // Section names are only labels here (the parser finds sections by type), so a missing or unreadable name table
  // leaves names empty instead of failing the whole file, as readelf does.
  const shstr = h.shstrndx < SHN_LORESERVE ? out[h.shstrndx] : undefined;
  if (shstr !== undefined && shstr.type !== 8 /* SHT_NOBITS */) {
    const names = new StringTable(
      src.read(shstr.offset, shstr.size, 'section name table'),
      shstr.offset,
      '.shstrtab',
    );
    for (let i = 0; i < out.length; i++) {
      const n = out[i]!.nameIndex;
      if (n < names.size) out[i]!.name = names.get(n, 'sh_name');
    }
  }
  return out;
}
