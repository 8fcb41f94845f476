/**
 * Finding the tables the dynamic facts live in: through the section headers when the file has them (as readelf
 * does), else through PT_DYNAMIC, whose DT_* addresses are mapped to file offsets via the PT_LOAD segments. The
 * symbol table is located lazily, since callers may not want symbols.
 */
import { AddressMap, DT, dynValue, readAt } from './dynamic.ts';
import { corrupt } from './errors.ts';
import { countFromRelocations } from './relocs.ts';
import type { ByteSource } from './source.ts';
import { StringTable } from './strtab.ts';
import { type SymbolTableInput, countFromGnuHash, countFromHash, symbolEntrySize } from './symbols.ts';
import type { DynamicEntry, ElfHeader, ProgramHeader, SectionHeader } from './types.ts';
import type { Region } from './versions.ts';

export const SHT_SYMTAB = 2;
const SHT_STRTAB = 3;
export const SHT_DYNAMIC = 6;
const SHT_NOBITS = 8;
const SHT_DYNSYM = 11;
const SHT_GNU_VERDEF = 0x6ffffffd;
const SHT_GNU_VERNEED = 0x6ffffffe;
const SHT_GNU_VERSYM = 0x6fffffff;

const EM_S390 = 22;
const EM_ALPHA = 0x9026;

/** The tables the dynamic facts live in, located either through sections or through PT_DYNAMIC. */
export interface DynamicTables {
  strs: StringTable | null;
  verneed: { region: Region; count: number } | null;
  verdef: { region: Region; count: number } | null;
  /** Loaded on demand: symbols may not be wanted. */
  symtab: () => Omit<SymbolTableInput, 'versions'> | null;
}

function section(sections: SectionHeader[], i: number, field: string, at: number): SectionHeader {
  const s = sections[i];
  if (s === undefined)
    throw corrupt(field, at, `section index ${i} is out of range (${sections.length} sections)`, i);
  return s;
}

export function readSection(src: ByteSource, s: SectionHeader, what: string): Region {
  if (s.type === SHT_NOBITS) return { bytes: new Uint8Array(0), offset: s.offset };
  return { bytes: src.read(s.offset, s.size, what), offset: s.offset };
}

function stringSection(
  src: ByteSource,
  sections: SectionHeader[],
  link: number,
  field: string,
  at: number,
): StringTable {
  const s = section(sections, link, field, at);
  if (s.type !== SHT_STRTAB) throw corrupt(field, at, `linked section ${link} is not a string table`, s.type);
  const r = readSection(src, s, 'string table');
  return new StringTable(r.bytes, r.offset, s.name || `section ${link}`);
}

/** Prefetches the span covering `parts` when it is not much bigger than the parts themselves. */
function prefetchTogether(src: ByteSource, parts: SectionHeader[]): void {
  if (parts.length < 2) return;
  let lo = Infinity;
  let hi = 0;
  let sum = 0;
  for (const p of parts) {
    lo = Math.min(lo, p.offset);
    hi = Math.max(hi, p.offset + p.size);
    sum += p.size;
  }
  if (hi - lo <= 2 * sum + 65536) src.prefetch(lo, hi - lo);
}

export function fromSections(
  src: ByteSource,
  h: ElfHeader,
  sections: SectionHeader[],
  dynSec: SectionHeader | undefined,
  wantSymbols: boolean,
): DynamicTables {
  const byType = (t: number) => sections.find((s) => s.type === t);
  const cache = new Map<number, StringTable>();
  const strings = (link: number, field: string, at: number) => {
    let t = cache.get(link);
    if (t === undefined) cache.set(link, (t = stringSection(src, sections, link, field, at)));
    return t;
  };
  const vn = byType(SHT_GNU_VERNEED);
  const vd = byType(SHT_GNU_VERDEF);
  const dynsym = byType(SHT_DYNSYM);
  const versym = byType(SHT_GNU_VERSYM);
  // The linker puts .dynsym, .dynstr, .gnu.version* next to each other: read them with one syscall when they are.
  const wanted = [vn, vd, ...(wantSymbols ? [dynsym, versym] : [])];
  if (dynSec !== undefined) wanted.push(sections[dynSec.link]);
  if (wantSymbols && dynsym !== undefined) wanted.push(sections[dynsym.link]);
  prefetchTogether(
    src,
    wanted.filter((s): s is SectionHeader => s !== undefined && s.type !== SHT_NOBITS && s.size > 0),
  );
  return {
    strs: dynSec === undefined ? null : strings(dynSec.link, '.dynamic sh_link', dynSec.offset),
    verneed: vn === undefined ? null : { region: readSection(src, vn, '.gnu.version_r'), count: vn.info },
    verdef: vd === undefined ? null : { region: readSection(src, vd, '.gnu.version_d'), count: vd.info },
    symtab: () => {
      if (dynsym === undefined) return null;
      const std = symbolEntrySize(h);
      const entsize = dynsym.entsize || std;
      if (entsize < std)
        throw corrupt('.dynsym sh_entsize', dynsym.offset, `entry size ${entsize} < ${std}`, entsize);
      const table = readSection(src, dynsym, '.dynsym');
      return {
        table,
        entsize,
        count: Math.floor(table.bytes.length / entsize),
        strs: strings(dynsym.link, '.dynsym sh_link', dynsym.offset),
        versym: versym === undefined ? null : readSection(src, versym, '.gnu.version'),
      };
    },
  };
}

export function fromDynamic(
  src: ByteSource,
  h: ElfHeader,
  phdrs: ProgramHeader[],
  dyn: DynamicEntry[],
  at: number,
): DynamicTables {
  const map = new AddressMap(phdrs);
  const little = h.endian === 'little';
  const addr = (tag: number) => {
    const v = dynValue(dyn, tag);
    return v === undefined || v === 0 ? undefined : v;
  };
  const strtab = addr(DT.STRTAB);
  let strs: StringTable | null = null;
  if (strtab !== undefined) {
    const r = readAt(src, map, strtab, dynValue(dyn, DT.STRSZ), 'DT_STRTAB', at);
    strs = new StringTable(r.bytes, r.offset, 'DT_STRTAB');
  }
  const list = (tag: number, numTag: number, field: string) => {
    const a = addr(tag);
    if (a === undefined) return null;
    const r = readAt(src, map, a, undefined, field, at);
    return { region: { bytes: r.bytes, offset: r.offset }, count: dynValue(dyn, numTag) ?? 0 };
  };
  return {
    strs,
    verneed: list(DT.VERNEED, DT.VERNEEDNUM, 'DT_VERNEED'),
    verdef: list(DT.VERDEF, DT.VERDEFNUM, 'DT_VERDEF'),
    symtab: () => {
      const symtab = addr(DT.SYMTAB);
      if (symtab === undefined || strs === null) return null;
      const std = symbolEntrySize(h);
      const entsize = dynValue(dyn, DT.SYMENT) ?? std;
      if (entsize < std) throw corrupt('DT_SYMENT', at, `entry size ${entsize} < ${std}`, entsize);
      const loc = map.locate(symtab, 'DT_SYMTAB', at);
      const maxCount = Math.floor(loc.available / entsize);
      const hash = addr(DT.HASH);
      const gnuHash = addr(DT.GNU_HASH);
      let count = 0;
      if (hash !== undefined) {
        // nchain is the symbol count by definition. s390x and alpha use 8-byte hash words.
        const wide = h.class === 64 && (h.machine === EM_S390 || h.machine === EM_ALPHA);
        const r = readAt(src, map, hash, wide ? 16 : 8, 'DT_HASH', at);
        count = countFromHash(r, little, wide, maxCount, r.offset);
      } else if (gnuHash !== undefined) {
        count = Math.max(
          countFromGnuHash(src, h, map.locate(gnuHash, 'DT_GNU_HASH', at), maxCount),
          countFromRelocations(src, h, map, dyn, at),
        );
        if (count > maxCount)
          throw corrupt('DT_SYMTAB', at, `${count} symbols do not fit in the segment`, count);
      }
      const versym = addr(DT.VERSYM);
      return {
        table: { bytes: src.read(loc.offset, count * entsize, 'DT_SYMTAB'), offset: loc.offset },
        entsize,
        count,
        strs,
        versym: versym === undefined ? null : readAt(src, map, versym, count * 2, 'DT_VERSYM', at),
      };
    },
  };
}
