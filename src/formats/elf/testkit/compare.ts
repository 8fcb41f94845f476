/**
 * Test-only: compares parseElf's facts with readelf's, field by field, and counts what was compared.
 */
import type { DynamicSymbol, ElfInfo, SectionHeader } from '../types.ts';
import type { ReadelfFacts, ReadelfHeader } from './readelf.ts';

const bigints = (_k: string, v: unknown) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v);

export class Comparison {
  files = 0;
  fields = 0;
  symbols = 0;
  mismatches: string[] = [];
  /** readelf's machine name → the e_machine values parseElf saw for it (must be one each, all distinct). */
  machines = new Map<string, Set<number>>();

  eq(file: string, field: string, ours: unknown, theirs: unknown): void {
    this.fields++;
    const a = JSON.stringify(ours, bigints);
    const b = JSON.stringify(theirs, bigints);
    if (a !== b && this.mismatches.length < 200)
      this.mismatches.push(`${file}: ${field}: ours ${a} oracle ${b}`);
  }

  /** Checks that readelf's machine names and our e_machine values correspond one to one. */
  machineMismatches(): string[] {
    const out: string[] = [];
    const owner = new Map<number, string>();
    for (const [name, set] of this.machines) {
      if (set.size !== 1) out.push(`readelf machine ${name} ↔ e_machine ${[...set].join(', ')}`);
      for (const m of set) {
        if (owner.has(m) && owner.get(m) !== name) out.push(`e_machine ${m} ↔ ${owner.get(m)} and ${name}`);
        owner.set(m, name);
      }
    }
    return out;
  }
}

/**
 * How readelf prints a dynamic symbol's name with its version. The linker's marker symbols for version definitions
 * (an ABS symbol named like the version it defines, e.g. ATTR_1.0 in libattr) are printed without the suffix.
 */
export function displayName(s: DynamicSymbol, sections: SectionHeader[] = []): string {
  // readelf names an unnamed STT_SECTION symbol after its section.
  if (s.type === 3 && s.name === '' && s.shndx < sections.length) return sections[s.shndx]!.name;
  const v = s.version;
  if (v === null || (v.kind !== 'needed' && v.name === s.name)) return s.name;
  if (v.kind === 'needed') return `${s.name}@${v.name} (${v.index})`;
  return `${s.name}${v.kind === 'hidden' ? '@' : '@@'}${v.name}`;
}

export function compareHeader(c: Comparison, info: ElfInfo, r: ReadelfHeader, file = r.file): void {
  const h = info.header;
  c.eq(file, 'class', h.class, r.class);
  c.eq(file, 'endianness', h.endian, r.endian);
  c.eq(file, 'type', h.type, r.type.split(' ')[0]);
  c.eq(file, 'PIE', h.type === 'DYN' ? info.pie : false, /Position-Independent/.test(r.type));
  c.eq(file, 'e_flags', h.flags, r.flags);
  c.eq(file, 'e_entry', BigInt(h.entry), r.entry);
  c.eq(file, 'interpreter', info.interpreter, r.interpreter);
  c.eq(file, 'phnum', info.programHeaders.length, r.phnum);
  let set = c.machines.get(r.machineName);
  if (!set) c.machines.set(r.machineName, (set = new Set()));
  set.add(h.machine);
}

/**
 * `original`: set when `info` comes from a copy whose section headers were removed and `r`/`hdr` describe the
 * original; then only what survives the removal is compared (section names come from the original).
 */
export function compareFile(
  c: Comparison,
  info: ElfInfo,
  r: ReadelfFacts,
  hdr: ReadelfHeader,
  original?: { info: ElfInfo; file: string },
): void {
  const sectionless = original !== undefined;
  const file = original?.file ?? r.file;
  const sections = original?.info.sections ?? info.sections;
  c.files++;
  compareHeader(c, info, hdr, file);
  if (!sectionless) {
    c.eq(file, 'shnum', info.sections.length, hdr.shnum);
    c.eq(file, 'stripped', info.stripped, !hdr.hasSymtab);
  }
  c.eq(
    file,
    'dynamic tags',
    r.dynamicTags === null ? null : [...info.dynamic.map((e) => e.tag), 0],
    r.dynamicTags,
  );
  c.eq(file, 'NEEDED', info.needed, r.needed);
  c.eq(file, 'SONAME', info.soname === null ? [] : [info.soname], r.soname);
  c.eq(file, 'RPATH', info.rpath, r.rpath);
  c.eq(file, 'RUNPATH', info.runpath, r.runpath);
  c.eq(
    file,
    'version needs',
    info.versionNeeds.map((n) => ({
      file: n.file,
      versions: n.versions.map((v) => ({ name: v.name, flags: v.flags, index: v.index })),
    })),
    r.verneed,
  );
  c.eq(
    file,
    'version definitions',
    info.versionDefinitions.map((d) => ({
      index: d.index,
      flags: d.flags,
      name: d.name,
      parents: d.parents,
    })),
    r.verdef,
  );
  const theirs = r.symbols ?? [];
  c.eq(file, 'dynamic symbol count', info.symbols.length, theirs.length);
  const n = Math.min(info.symbols.length, theirs.length);
  for (let i = 0; i < n; i++) {
    const s = info.symbols[i]!;
    const t = theirs[i]!;
    c.symbols++;
    c.fields += 7;
    if (
      displayName(s, sections) !== t.display ||
      BigInt(s.value) !== t.value ||
      s.size !== t.size ||
      s.type !== t.type ||
      s.bind !== t.bind ||
      s.visibility !== t.vis ||
      s.shndx !== t.ndx
    ) {
      c.eq(
        file,
        `symbol ${i}`,
        [displayName(s, sections), s.value.toString(16), s.size, s.type, s.bind, s.visibility, s.shndx],
        [t.display, t.value.toString(16), t.size, t.type, t.bind, t.vis, t.ndx],
      );
    }
  }
}
