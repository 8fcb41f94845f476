/**
 * The packaging stage's contracts (issue 4, docs/packaging.md). One PackagePlan is the single source of truth for
 * everything generated from an upload: the debian/ files (so any Debian builder can build it), the in-process .deb
 * (so pkgme needs no root and no debhelper) and the machine-readable report. Both builds read the same Layout, which
 * is why they agree; the dpkg-buildpackage equivalence test proves it.
 *
 * Layout rule (documented in docs/packaging.md): the application tree goes under /usr/lib/<package>/ (not /opt,
 * which Debian policy reserves for the local administrator and lintian reports as the error dir-or-file-in-opt),
 * with one launcher per main executable in /usr/bin, the desktop entry in /usr/share/applications, icons in the
 * hicolor theme, AppStream metainfo in /usr/share/metainfo, docs in /usr/share/doc/<package>.
 */
import type { Guess } from '../inspect/guess/field.ts';
import type { Problem } from '../backends/types.ts';
import type { ReleaseVerdict } from '../depdb/resolve/index.ts';

/** The fields a user can correct with `--set field=value` or an overrides JSON file (see overrides.ts). */
export const SETTABLE_FIELDS = [
  'name',
  'version',
  'revision',
  'architecture',
  'maintainer',
  'summary',
  'description',
  'homepage',
  'license',
  'copyright',
  'section',
  'categories',
  'executables',
  'icon',
  'depends',
  'date',
] as const;
export type SettableField = (typeof SETTABLE_FIELDS)[number];

/** A user's corrections: field → raw value as given (strings from --set; JSON values from a file). */
export type Overrides = Partial<Record<SettableField, string | string[]>>;

/** A file the packaging generates (not taken from the upload): desktop entry, metainfo, resized icon, man page… */
export interface GeneratedFile {
  data: Uint8Array | string;
}

/**
 * One thing the binary package ships. `to` is the absolute path inside the package (`/usr/lib/foo/bin/foo`).
 * - upload: a file, directory or symlink of the upload (`from` is its path relative to the upload root).
 * - generated: a file pkgme writes; in the source package it lives under debian/pkgme/<to without leading />.
 * - symlink: a link pkgme adds (launchers); `target` as it will be stored (absolute or relative).
 */
export type Placement =
  | { kind: 'upload'; from: string; to: string }
  | ({ kind: 'generated'; to: string; mode: number } & GeneratedFile)
  | { kind: 'symlink'; to: string; target: string };

export interface Layout {
  /** /usr/lib/<package>: where the upload's application tree goes. */
  appDir: string;
  /** The upload path that becomes appDir (its single top directory, or '' for the root). */
  appRoot: string;
  placements: Placement[];
}

/** Relation fields a re-packaged .deb may carry besides Depends (which is always PackagePlan.depends). */
export type DebRelationField =
  'Pre-Depends' | 'Recommends' | 'Suggests' | 'Enhances' | 'Conflicts' | 'Breaks' | 'Replaces' | 'Provides';

/** Everything the generators need, decided and validated: no guessing happens after this point. */
export interface PackagePlan {
  /** Source and binary package name (one binary package per upload). */
  package: string;
  upstreamVersion: string;
  /** Debian revision, "1" unless overridden. */
  revision: string;
  /** `${upstreamVersion}-${revision}`, with an epoch if the user gave one. */
  version: string;
  architecture: string;
  /** "Full Name <email>". */
  maintainer: string;
  section: string;
  priority: 'optional';
  homepage?: string;
  /** The synopsis line (≤ 80 chars, no trailing period). */
  summary: string;
  /** The extended description as plain paragraphs (the generator formats it for deb822). */
  description: string;
  /** SPDX id, or "proprietary" / "LicenseRef-…" for non-free terms. */
  license: string;
  /** The license text for debian/copyright when it is not in /usr/share/common-licenses. */
  licenseText?: string;
  /**
   * For an upload with one license file per alternative (`LICENSE-MIT`, `LICENSE-CC-BY-3.0`…): each file's text by
   * the SPDX id it holds, for the License paragraph of that id.
   */
  licenseTexts?: Record<string, string>;
  /** Copyright holder line(s), e.g. "2024 Example Ltd". */
  copyright: string;
  /** The target release (changelog distribution, Standards-Version, Depends). */
  release: string;
  standardsVersion: string;
  /** Depends from the resolver for `release` (versioned), without ${misc:Depends}; '' when none. */
  depends: string;
  /** The resolver's verdict for `release` (reasons, bundled, unresolved) for the report. */
  verdict?: ReleaseVerdict;
  /** Upload paths of the main executables; each gets a launcher /usr/bin/<basename>. */
  executables: string[];
  /** Final desktop entry text, or null for a command-line tool. */
  desktop: string | null;
  /** Themed icon name (the Icon key), or null. */
  icon: string | null;
  /** XDG categories for the desktop entry and metainfo. */
  categories: string[];
  /**
   * The upload's file name as the developer sent it (`foo-1.2-linux-x86_64.tar.gz`), for the changelog entry that
   * says where the package came from. Optional: the changelog says "the developer's upload" without it.
   */
  uploadName?: string;
  /**
   * The upload directory to package when the upload holds one tree per architecture (`foo-1.0/x86_64`): the
   * layout maps this subtree (not the whole upload) under /usr/lib/<package>. Absent: the layout's own rule.
   */
  appRoot?: string;
  /** Changelog date, seconds since the epoch: also SOURCE_DATE_EPOCH of every archive written. */
  date: number;
  /**
   * Set by backends whose upload already is a package tree (the deb backend): these placements are shipped as they
   * are instead of mapping the upload under /usr/lib/<package>. Generated files (docs, metainfo…) are still added.
   */
  fixedPlacements?: Placement[];
  /**
   * Relation fields besides Depends, as written to debian/control (deb backend: the .deb's own Recommends,
   * Conflicts, Provides…, library relations left to the resolver). Absent or empty: none.
   */
  relations?: Partial<Record<DebRelationField, string>>;
  /**
   * The re-packaged .deb's own conffiles list (kept when every entry is a file it ships), /etc ones included:
   * dh_installdeb marks every /etc file by itself, so only entries outside /etc need debian/<package>.conffiles,
   * and the in-process build writes the union into DEBIAN/conffiles. Absent: only dh's automatic ones.
   */
  conffiles?: string[];
  /** Every field as finally decided, with provenance (user overrides have source "user"). */
  fields: Record<string, Guess<unknown>>;
  problems: Problem[];
}
