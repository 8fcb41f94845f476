/**
 * parseElf / readElfFile: the facts pkgme needs from a binary (architecture, kind, interpreter, NEEDED, SONAME,
 * RPATH/RUNPATH, symbol versions, dynamic symbols), read from exactly the regions that hold them.
 *
 * With section headers, the sections are the map (as readelf uses them). Without (sstrip'd or hand-made files), the
 * same facts come from PT_DYNAMIC: its DT_STRTAB, DT_SYMTAB, DT_VERSYM, DT_VERNEED and DT_VERDEF addresses are turned
 * into file offsets through the PT_LOAD segments, and the symbol count comes from DT_HASH or DT_GNU_HASH.
 */
import { readFileSync } from 'node:fs';
import { PkgmeError } from '../../errors.ts';
import { debianArch } from './arch.ts';
import { SHT_ARM_ATTRIBUTES, armVfpArgs } from './arm-attributes.ts';
import {
  AddressMap,
  DF_1_PIE,
  DT,
  PT_DYNAMIC,
  PT_INTERP,
  decodeDynamic,
  dynValue,
  readAt,
} from './dynamic.ts';
import { ELF_READ_FAILED, corrupt, overLimit } from './errors.ts';
import { readHeader, readProgramHeaders, readSectionHeaders } from './header.ts';
import { type ByteSource, bufferSource, withFileSource } from './source.ts';
import { StringTable } from './strtab.ts';
import {
  type SymbolTableInput,
  countFromGnuHash,
  countFromHash,
  decodeSymbols,
  symbolEntrySize,
} from './symbols.ts';
import type {
  DynamicEntry,
  ElfHeader,
  ElfInfo,
  ElfKind,
  ParseOptions,
  ProgramHeader,
  SectionHeader,
} from './types.ts';
import { countFromRelocations } from './relocs.ts';
import { type Region, VersionResolver, parseVerdef, parseVerneed } from './versions.ts';

export { isElf } from './header.ts';
export type * from './types.ts';

const SHT_SYMTAB = 2;
const SHT_STRTAB = 3;
const SHT_DYNAMIC = 6;
const SHT_NOBITS = 8;
const SHT_DYNSYM = 11;
const SHT_GNU_VERDEF = 0x6ffffffd;
const SHT_GNU_VERNEED = 0x6ffffffe;
const SHT_GNU_VERSYM = 0x6fffffff;

const DEFAULT_MAX_SYMBOLS = 2_000_000;

/** Files up to this size are read with one read; bigger ones region by region. */
const WHOLE_READ_LIMIT = 256 * 1024;

/** The tables the dynamic facts live in, located either through sections or through PT_DYNAMIC. */
interface DynamicTables {
  strs: StringTable | null;
  verneed: { region: Region; count: number } | null;
  verdef: { region: Region; count: number } | null;
  /** Loaded on demand: symbols may not be wanted. */
  symtab: () => Omit<SymbolTableInput, 'versions'> | null;
}

export function parseElf(bytes: Uint8Array, opts: ParseOptions = {}): ElfInfo {
  return parseSource(bufferSource(bytes), opts);
}

/** Reads and parses a file; only the needed regions of big files are read. */
export function readElfFile(path: string, opts: ParseOptions = {}): ElfInfo {
  try {
    return withFileSource(path, (src) =>
      src.size <= WHOLE_READ_LIMIT ? parseElf(readFileSync(path), opts) : parseSource(src, opts),
    );
  } catch (err) {
    if (err instanceof PkgmeError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new PkgmeError(ELF_READ_FAILED, `cannot read ${path}: ${e.code ?? e.message}`, 'input', {
      hint: 'Check that the path exists, is a regular file and is readable.',
      details: { path, errno: e.code },
      cause: err,
    });
  }
}

function cString(bytes: Uint8Array): string {
  let end = bytes.indexOf(0);
  if (end < 0) end = bytes.length;
  return new TextDecoder().decode(bytes.subarray(0, end));
}

function section(sections: SectionHeader[], i: number, field: string, at: number): SectionHeader {
  const s = sections[i];
  if (s === undefined)
    throw corrupt(field, at, `section index ${i} is out of range (${sections.length} sections)`, i);
  return s;
}

function readSection(src: ByteSource, s: SectionHeader, what: string): Region {
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

function fromSections(
  src: ByteSource,
  h: ElfHeader,
  sections: SectionHeader[],
  dynSec: SectionHeader | undefined,
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
      const vs = byType(SHT_GNU_VERSYM);
      return {
        table,
        entsize,
        count: Math.floor(table.bytes.length / entsize),
        strs: strings(dynsym.link, '.dynsym sh_link', dynsym.offset),
        versym: vs === undefined ? null : readSection(src, vs, '.gnu.version'),
      };
    },
  };
}

function fromDynamic(
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

const EM_ARM = 40;
const EM_S390 = 22;
const EM_ALPHA = 0x9026;

/** Tag_ABI_VFP_args, read only for ARM files whose e_flags leave the float ABI open. */
function armAttributes(src: ByteSource, h: ElfHeader, sections: SectionHeader[]): number | null {
  if (h.machine !== EM_ARM || (h.flags & 0x600) !== 0) return null;
  const s = sections.find((x) => x.type === SHT_ARM_ATTRIBUTES);
  if (s === undefined) return null;
  const r = readSection(src, s, '.ARM.attributes');
  return armVfpArgs(r.bytes, h.endian === 'little', r.offset);
}

function kindOf(h: ElfHeader, pie: boolean, interpreter: string | null, soname: string | null): ElfKind {
  switch (h.type) {
    case 'REL':
      return 'relocatable';
    case 'CORE':
      return 'core';
    case 'EXEC':
      return 'executable';
    case 'DYN':
      // DF_1_PIE is authoritative; older linkers did not set it, and then an interpreter without a SONAME marks a PIE
      // (libc.so.6 has an interpreter too, but also a SONAME).
      return pie || (interpreter !== null && soname === null) ? 'pie-executable' : 'shared-library';
    default:
      return 'other';
  }
}

export function parseSource(src: ByteSource, opts: ParseOptions = {}): ElfInfo {
  const want = opts.symbols ?? 'all';
  const h = readHeader(src);
  const phdrs = readProgramHeaders(src, h);
  const sections = readSectionHeaders(src, h);
  const hasSections = sections.length > 0;

  const interpPh = phdrs.find((p) => p.type === PT_INTERP);
  // A PT_INTERP without file bytes (separate debug files keep the header but not the contents) names nothing.
  const interpreter =
    interpPh === undefined || interpPh.filesz === 0
      ? null
      : cString(src.read(interpPh.offset, interpPh.filesz, 'PT_INTERP'));

  // The dynamic section exists only with PT_DYNAMIC (as for readelf); the .dynamic section, when there is one,
  // gives its exact extent.
  const dynPh = phdrs.find((p) => p.type === PT_DYNAMIC);
  const dynSec = dynPh === undefined ? undefined : sections.find((s) => s.type === SHT_DYNAMIC);
  let dynamic: DynamicEntry[] = [];
  let dynAt = 0;
  if (dynSec !== undefined) {
    const r = readSection(src, dynSec, '.dynamic');
    dynamic = decodeDynamic(r.bytes, h, r.offset);
    dynAt = r.offset;
  } else if (dynPh !== undefined) {
    dynamic = decodeDynamic(src.read(dynPh.offset, dynPh.filesz, 'PT_DYNAMIC'), h, dynPh.offset);
    dynAt = dynPh.offset;
  }

  const tables = hasSections
    ? fromSections(src, h, sections, dynSec)
    : dynPh !== undefined
      ? fromDynamic(src, h, phdrs, dynamic, dynAt)
      : null;

  const needed: string[] = [];
  const rpath: string[] = [];
  const runpath: string[] = [];
  let soname: string | null = null;
  let flags1: number | null = null;
  for (const e of dynamic) {
    if (e.tag === DT.FLAGS_1) flags1 ??= e.value;
    const list =
      e.tag === DT.NEEDED ? needed : e.tag === DT.RPATH ? rpath : e.tag === DT.RUNPATH ? runpath : null;
    if (list === null && e.tag !== DT.SONAME) continue;
    if (tables?.strs == null)
      throw corrupt('DT_STRTAB', dynAt, 'the dynamic section names strings but has no string table');
    const s = tables.strs.get(e.value, 'd_val');
    if (list !== null) list.push(s);
    else soname ??= s;
  }

  const little = h.endian === 'little';
  const need = (r: { region: Region; count: number } | null | undefined) => r ?? null;
  const vn = need(tables?.verneed);
  const vd = need(tables?.verdef);
  const strsFor = (what: string, at: number) => {
    if (tables?.strs == null)
      throw corrupt(what, at, 'version records need a string table and there is none');
    return tables.strs;
  };
  const versionNeeds =
    vn === null ? [] : parseVerneed(vn.region, vn.count, little, strsFor('.gnu.version_r', vn.region.offset));
  const versionDefinitions =
    vd === null ? [] : parseVerdef(vd.region, vd.count, little, strsFor('.gnu.version_d', vd.region.offset));

  let symbols: ElfInfo['symbols'] = [];
  let symbolCount = 0;
  if (want !== 'none' && tables !== null) {
    const st = tables.symtab();
    if (st !== null) {
      symbolCount = st.count;
      const max = opts.maxSymbols ?? DEFAULT_MAX_SYMBOLS;
      if (st.count > max) throw overLimit('dynamic symbol table', st.table.offset, st.count, max);
      const versions = new VersionResolver(versionDefinitions, versionNeeds);
      symbols = decodeSymbols(h, { ...st, versions }, want === 'undefined');
    }
  }
  const undefinedSymbols = want === 'undefined' ? symbols : symbols.filter((s, i) => !s.defined && i > 0);

  const pie = flags1 !== null && (flags1 & DF_1_PIE) !== 0;
  const linkable = h.type === 'EXEC' || h.type === 'DYN';
  return {
    header: h,
    debianArch: debianArch({ ...h, interpreter, armVfpArgs: armAttributes(src, h, sections) }),
    kind: kindOf(h, pie, interpreter, soname),
    pie,
    interpreter,
    static: linkable && interpreter === null && needed.length === 0 && (dynPh === undefined || pie),
    stripped: hasSections ? !sections.some((s) => s.type === SHT_SYMTAB) : null,
    hasSectionHeaders: hasSections,
    programHeaders: phdrs,
    sections,
    dynamic,
    needed,
    soname,
    rpath,
    runpath,
    flags1,
    versionNeeds,
    versionDefinitions,
    symbols,
    undefinedSymbols,
    symbolCount,
    dynamicSource: tables === null ? 'none' : hasSections ? 'sections' : 'program-headers',
  };
}
