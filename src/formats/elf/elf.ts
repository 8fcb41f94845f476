/**
 * parseElf / readElfFile: the facts pkgme needs from a binary (architecture, kind, interpreter, NEEDED, SONAME,
 * RPATH/RUNPATH, symbol versions, dynamic symbols), read from exactly the regions that hold them.
 *
 * With section headers, the sections are the map (as readelf uses them). Without (sstrip'd or hand-made files), the
 * same facts come from PT_DYNAMIC: its DT_STRTAB, DT_SYMTAB, DT_VERSYM, DT_VERNEED and DT_VERDEF addresses are turned
 * into file offsets through the PT_LOAD segments, and the symbol count comes from DT_HASH or DT_GNU_HASH.
 */
import { PkgmeError } from '../../errors.ts';
import { debianArch } from './arch.ts';
import { SHT_ARM_ATTRIBUTES, armVfpArgs } from './arm-attributes.ts';
import { DF_1_PIE, DT, PT_DYNAMIC, PT_INTERP, decodeDynamic } from './dynamic.ts';
import { ELF_READ_FAILED, corrupt, overLimit } from './errors.ts';
import { readHeader, readProgramHeaders, readSectionHeaders } from './header.ts';
import { type ByteSource, bufferSource, withFileSource } from './source.ts';
import { decodeSymbols } from './symbols.ts';
import { SHT_DYNAMIC, SHT_SYMTAB, fromDynamic, fromSections, readSection } from './tables.ts';
import type { DynamicEntry, ElfHeader, ElfInfo, ElfKind, ParseOptions, SectionHeader } from './types.ts';
import { VersionResolver, parseVerdef, parseVerneed } from './versions.ts';

export { isElf } from './header.ts';
export type * from './types.ts';

const DEFAULT_MAX_SYMBOLS = 2_000_000;

/** Files up to this size are read with one read; bigger ones region by region. */
const WHOLE_READ_LIMIT = 256 * 1024;

export function parseElf(bytes: Uint8Array, opts: ParseOptions = {}): ElfInfo {
  return parseSource(bufferSource(bytes), opts);
}

/** Reads and parses a file; only the needed regions of big files are read. */
export function readElfFile(path: string, opts: ParseOptions = {}): ElfInfo {
  try {
    return withFileSource(path, (src) =>
      src.size <= WHOLE_READ_LIMIT ? parseElf(src.read(0, src.size, 'file'), opts) : parseSource(src, opts),
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

const EM_ARM = 40;

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
    ? fromSections(src, h, sections, dynSec, want !== 'none')
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
  const vn = tables?.verneed ?? null;
  const vd = tables?.verdef ?? null;
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
