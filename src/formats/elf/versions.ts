/**
 * Symbol versioning: .gnu.version_r (what this file needs: libc.so.6 → GLIBC_2.34), .gnu.version_d (what it
 * defines) and the rule that gives each dynamic symbol its version from .gnu.version.
 *
 * Both tables are linked lists inside a region (vn_next / vna_next / vd_next / vda_next are relative offsets). A
 * hostile file can point them backwards into a loop, so every walk is bounded twice: by the region's size (each
 * record must lie inside it) and by a visited set (no record is read twice).
 */
import { corrupt } from './errors.ts';
import { Fields } from './fields.ts';
import type { StringTable } from './strtab.ts';
import type { SymbolVersion, VersionDefinition, VersionNeed } from './types.ts';

export interface Region {
  bytes: Uint8Array;
  /** File offset of bytes[0], for error messages. */
  offset: number;
}

const VER_FLG_BASE = 1;
export const VERSYM_HIDDEN = 0x8000;

/** Walks a next-linked list of records of `recSize` bytes starting at `start`; calls `visit` with each offset. */
function walk(
  r: Region,
  start: number,
  count: number,
  recSize: number,
  field: string,
  visit: (off: number) => number,
): void {
  const seen = new Set<number>();
  let off = start;
  for (let i = 0; i < count; i++) {
    if (off < 0 || off + recSize > r.bytes.length) {
      throw corrupt(field, r.offset + off, `record ${i} lies outside the ${r.bytes.length}-byte table`, off);
    }
    if (seen.has(off))
      throw corrupt(field, r.offset + off, `record ${i} loops back to an earlier record`, off);
    seen.add(off);
    const next = visit(off);
    if (next === 0) break;
    off += next;
  }
}

/** Parses `count` Elf_Verneed records (sh_info or DT_VERNEEDNUM). */
export function parseVerneed(r: Region, count: number, little: boolean, strs: StringTable): VersionNeed[] {
  const f = new Fields(r.bytes, little);
  const out: VersionNeed[] = [];
  walk(r, 0, count, 16, 'vn_next', (vn) => {
    const need: VersionNeed = { version: f.u16(vn), file: strs.get(f.u32(vn + 4), 'vn_file'), versions: [] };
    const cnt = f.u16(vn + 2);
    walk(r, vn + f.u32(vn + 8), cnt, 16, 'vna_next', (a) => {
      need.versions.push({
        hash: f.u32(a),
        flags: f.u16(a + 4),
        index: f.u16(a + 6),
        name: strs.get(f.u32(a + 8), 'vna_name'),
      });
      return f.u32(a + 12);
    });
    out.push(need);
    return f.u32(vn + 12);
  });
  return out;
}

/** Parses `count` Elf_Verdef records (sh_info or DT_VERDEFNUM). */
export function parseVerdef(
  r: Region,
  count: number,
  little: boolean,
  strs: StringTable,
): VersionDefinition[] {
  const f = new Fields(r.bytes, little);
  const out: VersionDefinition[] = [];
  walk(r, 0, count, 20, 'vd_next', (vd) => {
    const names: string[] = [];
    walk(r, vd + f.u32(vd + 12), f.u16(vd + 6), 8, 'vda_next', (a) => {
      names.push(strs.get(f.u32(a), 'vda_name'));
      return f.u32(a + 4);
    });
    out.push({
      version: f.u16(vd),
      flags: f.u16(vd + 2),
      index: f.u16(vd + 4),
      hash: f.u32(vd + 8),
      name: names[0] ?? '',
      parents: names.slice(1),
    });
    return f.u32(vd + 16);
  });
  return out;
}

/**
 * Resolves .gnu.version values to versions, the way binutils does: a defined symbol looks in the definitions
 * first (the BASE definition means "no version"; the hidden bit gives `@` instead of `@@`), then anything not found
 * there is looked up in the needs by vna_other (undefined symbols, and data copied from a library by a copy
 * relocation, which is defined here yet carries a needed version).
 */
export class VersionResolver {
  private readonly defs = new Map<number, VersionDefinition>();
  private readonly needs = new Map<number, SymbolVersion>();
  /** Resolved versions by .gnu.version value, for defined and undefined symbols (undefined = not resolved yet). */
  private readonly cacheDefined: (SymbolVersion | null | undefined)[] = [];
  private readonly cacheUndefined: (SymbolVersion | null | undefined)[] = [];

  constructor(defs: VersionDefinition[], needs: VersionNeed[]) {
    for (const d of defs) if (!this.defs.has(d.index)) this.defs.set(d.index, d);
    for (const n of needs) {
      for (const v of n.versions) {
        if (!this.needs.has(v.index))
          this.needs.set(v.index, { name: v.name, kind: 'needed', index: v.index, file: n.file });
      }
    }
  }

  resolve(versym: number, defined: boolean): SymbolVersion | null {
    if (versym === 0) return null;
    const cache = defined ? this.cacheDefined : this.cacheUndefined;
    const hit = cache[versym];
    if (hit !== undefined) return hit;
    const v = this.lookup(versym, defined);
    cache[versym] = v;
    return v;
  }

  private lookup(versym: number, defined: boolean): SymbolVersion | null {
    const index = versym & ~VERSYM_HIDDEN;
    if (defined && versym !== (VERSYM_HIDDEN | 1) && this.defs.size > 0) {
      const d = this.defs.get(index);
      if (d !== undefined) {
        if (d.flags & VER_FLG_BASE) return null;
        return { name: d.name, kind: versym & VERSYM_HIDDEN ? 'hidden' : 'default', index };
      }
    }
    // vna_other is compared with the whole value, hidden bit included (as binutils does).
    return this.needs.get(versym) ?? null;
  }
}
