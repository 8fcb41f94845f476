/**
 * The dynamic symbol table (.dynsym / DT_SYMTAB) with each symbol's version, and the symbol count for files without
 * section headers (from DT_HASH's nchain, or by walking DT_GNU_HASH's chains to the last symbol).
 */
import { corrupt } from './errors.ts';
import { Fields } from './fields.ts';
import type { ByteSource } from './source.ts';
import type { StringTable } from './strtab.ts';
import type { DynamicSymbol, ElfHeader } from './types.ts';
import type { Region, VersionResolver } from './versions.ts';

export interface SymbolTableInput {
  table: Region;
  entsize: number;
  count: number;
  strs: StringTable;
  /** The .gnu.version array (2 bytes per symbol), if any. */
  versym: Region | null;
  versions: VersionResolver;
}

export function symbolEntrySize(h: ElfHeader): number {
  return h.class === 64 ? 24 : 16;
}

/** Decodes symbols; with onlyUndefined, defined symbols are skipped before their names are decoded. */
export function decodeSymbols(h: ElfHeader, s: SymbolTableInput, onlyUndefined: boolean): DynamicSymbol[] {
  const is64 = h.class === 64;
  const little = h.endian === 'little';
  const f = new Fields(s.table.bytes, little);
  const vf = s.versym === null ? null : new Fields(s.versym.bytes, little);
  const nVersym = s.versym === null ? 0 : s.versym.bytes.length >> 1;
  const out: DynamicSymbol[] = [];
  for (let i = 0; i < s.count; i++) {
    const o = i * s.entsize;
    const shndx = is64 ? f.u16(o + 6) : f.u16(o + 14);
    const defined = shndx !== 0;
    if (onlyUndefined && (defined || i === 0)) continue;
    const info = is64 ? f.u8(o + 4) : f.u8(o + 12);
    const other = is64 ? f.u8(o + 5) : f.u8(o + 13);
    const vs = vf !== null && i < nVersym ? vf.u16(i * 2) : 0;
    out.push({
      name: s.strs.get(f.u32(o), 'st_name'),
      value: is64 ? f.u64(o + 8) : f.u32(o + 4),
      size: is64 ? f.u64(o + 16) : f.u32(o + 8),
      type: info & 0xf,
      bind: info >> 4,
      visibility: other & 3,
      other: other & ~3,
      shndx,
      defined,
      version: s.versions.resolve(vs, defined),
    });
  }
  return out;
}

/** Symbol count from DT_HASH: nchain, the second word of the table. */
export function countFromHash(
  hash: Region,
  little: boolean,
  wide: boolean,
  maxCount: number,
  at: number,
): number {
  if (hash.bytes.length < (wide ? 16 : 8)) throw corrupt('DT_HASH', at, 'the hash table header is cut short');
  const f = new Fields(hash.bytes, little);
  const n = wide ? f.u64(8) : f.u32(4);
  if (n > maxCount)
    throw corrupt('DT_HASH nchain', at, `claims ${n} symbols, more than the file can hold`, n);
  return n;
}

/**
 * Symbol count from DT_GNU_HASH: symbols below symoffset are not hashed; above it, the highest bucket start's chain
 * runs until an entry with the low bit set, and that entry is the last symbol.
 */
export function countFromGnuHash(
  src: ByteSource,
  h: ElfHeader,
  table: { offset: number; available: number },
  maxCount: number,
): number {
  const little = h.endian === 'little';
  const at = table.offset;
  const head = new Fields(src.read(at, 16, 'DT_GNU_HASH header'), little);
  const nbuckets = head.u32(0);
  const symoffset = head.u32(4);
  const bloomSize = head.u32(8);
  const bloomBytes = bloomSize * (h.class === 64 ? 8 : 4);
  const bucketsAt = at + 16 + bloomBytes;
  if (nbuckets > maxCount)
    throw corrupt('DT_GNU_HASH nbuckets', at, `${nbuckets} buckets is more than the file holds`, nbuckets);
  const buckets = new Fields(src.read(bucketsAt, nbuckets * 4, 'DT_GNU_HASH buckets'), little);
  let max = 0;
  for (let i = 0; i < nbuckets; i++) max = Math.max(max, buckets.u32(i * 4));
  if (max === 0) return symoffset;
  if (max < symoffset)
    throw corrupt(
      'DT_GNU_HASH bucket',
      bucketsAt,
      `bucket value ${max} is below symoffset ${symoffset}`,
      max,
    );
  const chainsAt = bucketsAt + nbuckets * 4;
  // The chains run to the end of the table; the segment's end bounds the walk.
  const avail = table.available - (chainsAt - at);
  const from = (max - symoffset) * 4;
  if (avail <= from)
    throw corrupt('DT_GNU_HASH chain', chainsAt, `chain start ${max} is past the end of the segment`, max);
  const chains = new Fields(src.read(chainsAt + from, avail - from, 'DT_GNU_HASH chains'), little);
  for (let o = 0, i = max; o + 4 <= chains.bytes.length; o += 4, i++) {
    if (chains.u32(o) & 1) {
      if (i + 1 > maxCount) break;
      return i + 1;
    }
  }
  throw corrupt(
    'DT_GNU_HASH chain',
    chainsAt + from,
    'the last chain never ends (no entry with the low bit set)',
  );
}
