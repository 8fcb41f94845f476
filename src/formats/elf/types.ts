/** The facts parseElf returns. Field names follow the ELF specification where one exists. */

export type ElfType = 'NONE' | 'REL' | 'EXEC' | 'DYN' | 'CORE' | 'OTHER';

/** What the file is for, derived from e_type, DT_FLAGS_1 and PT_INTERP (see docs/elf.md). */
export type ElfKind = 'executable' | 'pie-executable' | 'shared-library' | 'relocatable' | 'core' | 'other';

export interface ElfHeader {
  class: 32 | 64;
  endian: 'little' | 'big';
  osAbi: number;
  abiVersion: number;
  /** e_type as a name, and the raw number (OS/processor specific types map to 'OTHER'). */
  type: ElfType;
  typeNumber: number;
  machine: number;
  version: number;
  entry: number;
  phoff: number;
  shoff: number;
  flags: number;
  ehsize: number;
  phentsize: number;
  /** Program and section header counts, after the PN_XNUM / SHN_UNDEF extended-numbering escapes. */
  phnum: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
}

export interface ProgramHeader {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  paddr: number;
  filesz: number;
  memsz: number;
  align: number;
}

export interface SectionHeader {
  /** Name from the section-name string table ('' when the file has none). */
  name: string;
  /** sh_name: the name's offset in the section-name string table. */
  nameIndex: number;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
}

export interface DynamicEntry {
  tag: number;
  value: number;
}

export interface VersionNeedAux {
  /** Version name, e.g. GLIBC_2.34. */
  name: string;
  /** vna_hash: the ELF hash of the name. */
  hash: number;
  /** vna_flags: VER_FLG_BASE 1, VER_FLG_WEAK 2, VER_FLG_INFO 4. */
  flags: number;
  /** vna_other: the version index symbols carry in .gnu.version. */
  index: number;
}

export interface VersionNeed {
  version: number;
  /** The library the versions are needed from, e.g. libc.so.6. */
  file: string;
  versions: VersionNeedAux[];
}

export interface VersionDefinition {
  version: number;
  /** vd_flags: VER_FLG_BASE marks the entry naming the library itself. */
  flags: number;
  index: number;
  hash: number;
  name: string;
  /** Names of the parent versions (the verdaux entries after the first). */
  parents: string[];
}

export interface SymbolVersion {
  name: string;
  /**
   * 'default' (`name@@V`, defined, the version a new link binds to), 'hidden' (`name@V`, defined, only for old
   * binaries), 'needed' (`name@V`, a version required from another library: undefined symbols, and copy-relocated
   * data).
   */
  kind: 'default' | 'hidden' | 'needed';
  /** The raw .gnu.version value's index (hidden bit removed). */
  index: number;
  /** For 'needed': the library the version is needed from. */
  file?: string;
}

export interface DynamicSymbol {
  name: string;
  value: number;
  size: number;
  /** STT_* (0 NOTYPE, 1 OBJECT, 2 FUNC, 3 SECTION, 4 FILE, 5 COMMON, 6 TLS, 10 GNU_IFUNC). */
  type: number;
  /** STB_* (0 LOCAL, 1 GLOBAL, 2 WEAK, 10 GNU_UNIQUE). */
  bind: number;
  /** STV_* (0 DEFAULT, 1 INTERNAL, 2 HIDDEN, 3 PROTECTED). */
  visibility: number;
  /** st_other without the visibility bits (e.g. aarch64's STO_AARCH64_VARIANT_PCS). */
  other: number;
  /** st_shndx: 0 undefined, 0xfff1 ABS, 0xfff2 COMMON, else a section index. */
  shndx: number;
  defined: boolean;
  version: SymbolVersion | null;
}

export interface ElfInfo {
  header: ElfHeader;
  /** Debian architecture name (amd64, armhf, mips64el…), or null when the machine has no Debian port. */
  debianArch: string | null;
  kind: ElfKind;
  /** DT_FLAGS_1 has DF_1_PIE (what readelf reports as a Position-Independent Executable). */
  pie: boolean;
  /** PT_INTERP, e.g. /lib64/ld-linux-x86-64.so.2. */
  interpreter: string | null;
  /** No dynamic linking at run time: no PT_INTERP and no DT_NEEDED, and no PT_DYNAMIC unless it is a static PIE. */
  static: boolean;
  /** The file has section headers but no .symtab (null when there are no section headers to tell). */
  stripped: boolean | null;
  hasSectionHeaders: boolean;
  programHeaders: ProgramHeader[];
  sections: SectionHeader[];
  /** The dynamic section up to (excluding) DT_NULL; empty for static and relocatable files. */
  dynamic: DynamicEntry[];
  needed: string[];
  soname: string | null;
  /** One string per DT_RPATH / DT_RUNPATH entry, raw (`$ORIGIN` kept literally, ':' separators kept). */
  rpath: string[];
  runpath: string[];
  flags1: number | null;
  versionNeeds: VersionNeed[];
  versionDefinitions: VersionDefinition[];
  /** Every .dynsym entry in table order (entry 0 included), or only the undefined ones (see ParseOptions.symbols). */
  symbols: DynamicSymbol[];
  /** The undefined (imported) symbols other than entry 0, with their needed versions. */
  undefinedSymbols: DynamicSymbol[];
  /** Number of entries in the dynamic symbol table. */
  symbolCount: number;
  /** Where the dynamic facts came from: section headers, or PT_DYNAMIC when there are none. */
  dynamicSource: 'sections' | 'program-headers' | 'none';
}

export interface ParseOptions {
  /**
   * 'all' (default): every dynamic symbol. 'undefined': only imports (what dependency resolution needs; defined
   * symbols are not decoded, which is much faster on big libraries). 'none': skip .dynsym.
   */
  symbols?: 'all' | 'undefined' | 'none';
  /**
   * Most dynamic symbols decoded before giving up with ELF_LIMIT (default 2,000,000; the biggest libraries have
   * ~100k). Each decoded symbol is a JS object, so this bounds the memory a crafted table can make pkgme allocate.
   */
  maxSymbols?: number;
}
