/**
 * The resolver's data: what it reads from an upload (UploadElf) and what it answers (the stable JSON contract of
 * `pkgme depdb resolve --json`, documented in docs/resolver.md). Scripts and the HTTP service rely on these field
 * names: add fields, never rename or remove them.
 */

/** One imported symbol, as dpkg-shlibdeps looks it up: `name@version`, or `name@Base` when unversioned. */
export interface ImportedSymbol {
  name: string;
  /** The symbol version needed (GLIBC_2.34), or null for an unversioned import. */
  version: string | null;
  /** Weak undefined symbols raise the minimum like any other (as dpkg-shlibdeps does); kept for the explanation. */
  weak: boolean;
}

/** The facts the resolver needs from one ELF file of the upload. */
export interface UploadElf {
  /** Path relative to the upload root ('/'-separated), or the path as given for loose files. */
  path: string;
  /** Absolute path on disk. */
  abs: string;
  /** Debian architecture, or null when the machine has no Debian port. */
  arch: string | null;
  kind: string;
  needed: string[];
  soname: string | null;
  /** RUNPATH entries split on ':' (RUNPATH wins over RPATH, as in ld.so and dpkg-shlibdeps). */
  searchPath: string[];
  /** 'runpath' or 'rpath': which dynamic tag searchPath came from ('none' when neither). */
  searchPathTag: 'runpath' | 'rpath' | 'none';
  imports: ImportedSymbol[];
}

/** Why a dependency is there: binary → soname → library file → package → what set the minimum. */
export interface Reason {
  binary: string;
  soname: string;
  /** The provider's file for the soname (a path as the package ships it), null when only declared. */
  library: string | null;
  package: string;
  /** symbols: from the package's symbols file; shlibs: its shlibs template; contents: only a file, unversioned. */
  source: 'symbols' | 'shlibs' | 'contents';
  /** The dependency template that was applied (after the symbols file's dep-id selection). */
  template: string;
  /** The minimum version this binary needs through this soname (symbols only; absent when unversioned). */
  minimum?: string;
  /** The imported symbols whose minver equals `minimum` (at most 5 listed; `symbolCount` says how many). */
  symbols?: string[];
  symbolCount?: number;
  /** Extra facts: Build-Depends-Package not applied, other providers not chosen, why the provider won… */
  notes?: string[];
  /** The same, as one human-readable line. */
  text: string;
}

export interface Dependency {
  /** The first package of the group (the one the provider rule chose). */
  package: string;
  /** The group as it appears in `depends`, e.g. `libc6 (>= 2.34)` or `libjack-jackd2-0 (>= 1.9) | libjack-0.125`. */
  relation: string;
  /** True for a dependency only known from a shipped file (Contents / file list): no version could be derived. */
  unversioned?: boolean;
  reasons: Reason[];
}

export interface Bundled {
  soname: string;
  /** The upload's file that provides it. */
  path: string;
  /** How it was found: through RUNPATH/RPATH, beside the binary, or by its DT_SONAME anywhere in the upload. */
  via: 'runpath' | 'rpath' | 'beside' | 'soname';
  neededBy: string[];
}

export interface Suggestion {
  /** similar: a close soname in the same release; elsewhere: the same soname in another release or architecture. */
  kind: 'similar' | 'elsewhere';
  soname: string;
  packages: string[];
  release?: string;
  arch?: string;
}

export interface Unresolved {
  soname: string;
  neededBy: string[];
  suggestions: Suggestion[];
}

/** The answer for one (release, architecture). */
export interface ArchVerdict {
  arch: string;
  /** The Depends field, merged and sorted as dpkg-shlibdeps + dpkg-gencontrol write it. */
  depends: string;
  /** What `dpkg-shlibdeps -O` prints for shlibs:Depends (before dpkg-gencontrol drops implied groups). */
  dpkgShlibdeps: string;
  dependencies: Dependency[];
  bundled: Bundled[];
  unresolved: Unresolved[];
  /** True when every needed soname is bundled or resolved. */
  satisfiable: boolean;
  /** Why not satisfiable (one line per problem), empty when satisfiable. */
  why: string[];
}

/** The answer for one release: the fields of its (main) architecture, plus every architecture when mixed. */
export interface ReleaseVerdict extends ArchVerdict {
  /** Every architecture of the upload, each resolved against its own (release, arch). */
  architectures: Record<string, ArchVerdict>;
}

export interface ResolveResult {
  releases: Record<string, ReleaseVerdict>;
  /** ELF files examined (relative paths), and those skipped (static, no Debian arch, other --arch) with why. */
  files: string[];
  skipped: Array<{ path: string; reason: string }>;
}
