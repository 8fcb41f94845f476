/**
 * The contracts between the dependency database's parts (issue 3). Importers produce PackageRecords; the store
 * keeps them keyed by (release, architecture); the resolver reads through DepDbReader, which the store implements.
 * Remote resolution (`resolve --depdb URL`) sends the upload's ELF facts to the server, which runs this same
 * resolver over its own store, so a developer gets exactly the server's answer (src/depdb/http).
 *
 * The store keeps shlibs and symbols as the packages ship them (raw text, split per soname), not one row per symbol:
 * a release has millions of symbol lines, and the resolver only ever needs the few libraries an upload links to,
 * parsed once and cached. That keeps the store compact and the lookups indexed (by soname).
 */

/** A (release, architecture) pair: the unit of import and lookup. `release` is a suite or codename, e.g. bookworm. */
export interface ReleaseKey {
  release: string;
  arch: string;
}

/** A shared-library file a package ships (from its data.tar, the dpkg .list file, or a Contents index). */
export interface LibraryFile {
  /** Absolute path as installed, e.g. /usr/lib/x86_64-linux-gnu/libpng16.so.16.39.0. */
  path: string;
  /**
   * The soname this file answers to. From Contents this is the file name when it looks like a soname
   * (libfoo.so.1); for real files read from a .deb it may come from the ELF DT_SONAME.
   */
  soname: string;
  /** True when the entry is a symlink (e.g. libpng16.so.16 → libpng16.so.16.39.0), not the real file. */
  symlink: boolean;
}

/** The symbols-file section for one soname, exactly as shipped (the `soname template` line and what follows). */
export interface SymbolsSection {
  soname: string;
  text: string;
}

/** One binary package as an importer saw it. */
export interface PackageRecord {
  name: string;
  version: string;
  /** The package's Architecture field: a Debian architecture or 'all'. */
  architecture: string;
  source?: string;
  sourceVersion?: string;
  section?: string;
  multiArch?: string;
  libraries: LibraryFile[];
  /** The raw DEBIAN/shlibs text, when the package has one. */
  shlibs?: string;
  /** The DEBIAN/symbols file split by soname, when the package has one. */
  symbols?: SymbolsSection[];
}

/** Where a (release, arch)'s data came from, kept so every answer can say what it was computed from. */
export interface ImportOrigin {
  kind: 'apt' | 'deb' | 'dpkg';
  /** apt: the sources line (URI suite components); deb: the files or directory; dpkg: the admin dir. */
  location: string;
  /** The Release file's Date, for apt. */
  date?: string;
  /** The Release checksums (SHA256) of the indices used, by index path. */
  checksums?: Record<string, string>;
  importedAt: string;
}

/** What the store knows about one soname in one (release, arch): every kind of provider, for the resolver's rules. */
export interface SonameProviders {
  soname: string;
  /** Packages whose symbols file has a section for the soname. */
  symbols: Array<{ package: string; version: string; multiArch?: string; section: SymbolsSection }>;
  /** Packages whose shlibs file has a line for the soname (the raw line, udeb lines excluded). */
  shlibs: Array<{ package: string; version: string; line: string }>;
  /** Packages that ship a file by that name. */
  files: Array<{ package: string; version: string; path: string; symlink: boolean }>;
}

/** The read side the resolver depends on. Implemented by the store (and by an in-memory reader in tests). */
export interface DepDbReader {
  /** The (release, arch) pairs that have been imported, with their origin. */
  releases(): Promise<Array<ReleaseKey & { origin: ImportOrigin; packages: number }>>;
  /** Providers for each soname (sonames with no provider at all are absent from the map). */
  providers(key: ReleaseKey, sonames: string[]): Promise<Map<string, SonameProviders>>;
  /**
   * The versions `release` has of each binary package name asked (any architecture; absent when it has none).
   * Optional: a reader without it (the server's stub readers in tests, an older server) cannot tell name clashes;
   * the store and remoteReader (GET /v3/package_versions) have it.
   */
  packageVersions?(release: string, names: string[]): Promise<Map<string, string[]>>;
}
