/**
 * A lower bound on the dynamic symbol count from the dynamic relocations, for files without section headers whose
 * only hash table is DT_GNU_HASH. GNU hash covers only the exported (defined) symbols, so the imports after them in
 * .dynsym are invisible to it; in an executable that exports nothing, its buckets are empty and say nothing at all.
 * Every import is the target of some relocation, so the highest symbol index in DT_RELA / DT_REL / DT_JMPREL,
 * plus one, is at most the real count, and in practice equals it.
 */
import { type AddressMap, dynValue, readAt } from './dynamic.ts';
import { corrupt } from './errors.ts';
import { Fields } from './fields.ts';
import type { ByteSource } from './source.ts';
import type { DynamicEntry, ElfHeader } from './types.ts';

const DT_PLTRELSZ = 2;
const DT_RELA = 7;
const DT_RELASZ = 8;
const DT_RELAENT = 9;
const DT_REL = 17;
const DT_RELSZ = 18;
const DT_RELENT = 19;
const DT_PLTREL = 20;
const DT_JMPREL = 23;
const EM_MIPS = 8;

/** Highest symbol index referenced by a dynamic relocation + 1 (0 when there are none). */
export function countFromRelocations(
  src: ByteSource,
  h: ElfHeader,
  map: AddressMap,
  dyn: DynamicEntry[],
  at: number,
): number {
  const is64 = h.class === 64;
  const little = h.endian === 'little';
  const tables: { addr: number | undefined; size: number | undefined; ent: number; name: string }[] = [
    {
      addr: dynValue(dyn, DT_RELA),
      size: dynValue(dyn, DT_RELASZ),
      ent: dynValue(dyn, DT_RELAENT) ?? (is64 ? 24 : 12),
      name: 'DT_RELA',
    },
    {
      addr: dynValue(dyn, DT_REL),
      size: dynValue(dyn, DT_RELSZ),
      ent: dynValue(dyn, DT_RELENT) ?? (is64 ? 16 : 8),
      name: 'DT_REL',
    },
  ];
  const plt = dynValue(dyn, DT_PLTREL);
  tables.push({
    addr: dynValue(dyn, DT_JMPREL),
    size: dynValue(dyn, DT_PLTRELSZ),
    ent: plt === DT_RELA ? (is64 ? 24 : 12) : is64 ? 16 : 8,
    name: 'DT_JMPREL',
  });
  let max = 0;
  for (const t of tables) {
    if (t.addr === undefined || t.addr === 0 || t.size === undefined || t.size === 0) continue;
    const min = is64 ? 16 : 8;
    if (t.ent < min) throw corrupt(`${t.name} entry size`, at, `entry size ${t.ent} < ${min}`, t.ent);
    const r = readAt(src, map, t.addr, t.size, t.name, at);
    const f = new Fields(r.bytes, little);
    for (let o = 0; o + min <= r.bytes.length; o += t.ent) {
      // r_info: ELF64_R_SYM is the high 32 bits, ELF32_R_SYM the high 24 bits.
      // (MIPS64 splits r_info differently: r_sym is its first 32-bit word in either byte order.)
      const sym = !is64 ? f.u32(o + 4) >>> 8 : little && h.machine !== EM_MIPS ? f.u32(o + 12) : f.u32(o + 8);
      if (sym + 1 > max) max = sym + 1;
    }
  }
  return max;
}
