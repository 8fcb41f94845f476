/**
 * debian/<package>.lintian-overrides (installed by dh_lintian as /usr/share/lintian/overrides/<package>): only the
 * tags listed with their reason in docs/packaging.md ("lintian: allowed tags"), each for the exact files the facts
 * name, each preceded by its justification comment (lintian shows it with --show-overrides).
 *
 * Format: the "pointed hints" syntax of lintian 2.116 (bookworm) and later: `<package>: <tag> [<path>]`, the
 * path without leading slash; a hint with context (embedded-library) is `<tag> <context> [<path>]`, and `*` is a
 * glob. Pointed hints came with lintian 2.115.0 (its changelog: "Update own source lintian-overrides for pointed
 * hints"; glob matching via Text::Glob in the same release). Older lintian, such as bullseye's 2.104 (not run
 * here), matched `<tag> <path>` contexts, so these lines would not silence it and `pkgme check` there would fail on
 * unstripped-binary-or-object: run checks with bookworm's lintian or later.
 */
import type { ElfSummary } from '../../inspect/inventory.ts';
import type { PackagePlan } from '../types.ts';
import type { ScriptHint, ScriptTag } from './lintian-rules.ts';

/** What the inventory knows about the files the package ships (paths inside the package, with or without `/`). */
export interface LintianFacts {
  /** ELF files that still have a symbol table or debug info (shipped as built: rules overrides dh_strip). */
  unstripped: string[];
  /** Bundled shared libraries without DT_NEEDED entries (linked with no libc): the developer's build. */
  libsWithoutNeeded: string[];
  /** Bundled copies of libraries Debian packages separately, as lintian names them (`zlib`, `libpng`…). */
  embeddedLibraries: Array<{ path: string; library: string }>;
  /**
   * Top directories under /opt a re-packaged vendor .deb keeps (DebPlanParts.optDirs, e.g. `/opt/Vendor App`): every
   * file below them is lintian's error dir-or-file-in-opt. Never set for pkgme's own layout (/usr/lib/<package>).
   */
  optDirs?: string[];
  /**
   * ELF executables of type EXEC with no DT_NEEDED (Go, esbuild, musl-static builds): lintian's error
   * statically-linked-binary (Check/Binaries/Static.pm: not "shared object"/"pie executable" to file(1), no NEEDED).
   */
  staticExecutables?: string[];
  /**
   * ELF executables of type EXEC that do have DT_NEEDED (GHC, Free Pascal builds): lintian's warning
   * hardening-no-pie (Check/Binaries/Hardening.pm only looks at dynamically linked files).
   */
  nonPieExecutables?: string[];
  /**
   * The directory of the upload's tree (/usr/lib/<package>) when it ships ELF files: lintian's embedded-library
   * matches strings of any library (libraw in darktable, libyaml in turbo, libvips beside sharp) in any ELF file, so
   * the override covers every library (context `*`) for files below it.
   */
  uploadTree?: string;
  /**
   * PIE executables with no DT_NEEDED (static-pie: turbo, Rust/Go static-pie builds). file(1) calls them "pie
   * executable", which lintian's Binaries/Prerequisites check counts as shared, so it reports
   * shared-library-lacks-prerequisites for them.
   */
  staticPieExecutables?: string[];
  /**
   * Non-executable files of the upload tree that start with `#!`, with the hints lintian's Scripts check gives them
   * for that line alone (script-not-executable, unusual-interpreter…: dataScriptHints). The upload ships them as
   * data; the application runs them through its own interpreter setting, if at all.
   */
  dataScripts?: Array<{ path: string; hints: ScriptHint[] }>;
  /** Executable files of the upload tree with no #! line that are not ELF: lintian's executable-not-elf-or-script. */
  notElfOrScript?: string[];
  /** ELF files and scripts of the upload tree that mention /var/lib/dpkg: lintian's uses-dpkg-database-directly. */
  dpkgDatabaseUsers?: string[];
  /** Text files of the upload tree that are not UTF-8 (file(1) says text): lintian's national-encoding. */
  nationalEncoding?: string[];
  /**
   * debian/copyright quotes a license text that gives the FSF's old postal address (OLD_FSF_ADDRESS):
   * lintian's old-fsf-address-in-copyright-file, a hint with no pointer.
   */
  oldFsfAddress?: boolean;
}

/**
 * lintian 2.116's test for the FSF's old address (Check/Debian/Copyright.pm, "Lame check for old FSF zip code"),
 * run on the copyright file's whole text.
 */
export const OLD_FSF_ADDRESS = /(?:Free\s*Software\s*Foundation.*02139|02111-1307)/s;

/** The lintian facts that follow from a shipped ELF file's header alone, as lintian's checks decide them. */
export function elfFacts(
  files: ReadonlyArray<{ to: string; elf: Pick<ElfSummary, 'kind' | 'needed'> }>,
  appDir: string,
): Required<Pick<LintianFacts, 'staticExecutables' | 'nonPieExecutables' | 'staticPieExecutables'>> &
  Pick<LintianFacts, 'uploadTree'> {
  const exec = files.filter((f) => f.elf.kind === 'executable');
  const tree = appDir.replace(/\/+$/, '');
  return {
    staticExecutables: exec.filter((f) => f.elf.needed.length === 0).map((f) => f.to),
    nonPieExecutables: exec.filter((f) => f.elf.needed.length > 0).map((f) => f.to),
    staticPieExecutables: files
      .filter((f) => f.elf.kind === 'pie-executable' && f.elf.needed.length === 0)
      .map((f) => f.to),
    ...(files.some((f) => f.to.startsWith(`${tree}/`)) ? { uploadTree: tree } : {}),
  };
}

export const NO_FACTS: LintianFacts = { unstripped: [], libsWithoutNeeded: [], embeddedLibraries: [] };

/** The reason of every Scripts tag of a non-executable #! file (dataScripts). */
const DATA_SCRIPT_REASON =
  'The upload ships this file as data, not executable, in /usr/lib/<package>: its #! line is never used (the application runs it through its own interpreter setting); pkgme keeps uploaded files as written.' as const;

/** The tags pkgme may override, with the justification written above each override (and in docs/packaging.md). */
export const ALLOWED_TAGS = {
  'unstripped-binary-or-object':
    "pkgme ships the developer's binaries as built and never rewrites uploaded code (debian/rules overrides dh_strip).",
  'shared-library-lacks-prerequisites':
    'A private library of the application (or a static-pie executable, which lintian counts as shared), built by its developer without DT_NEEDED entries; it is not a public library.',
  'embedded-library':
    'The developer bundles this library with the application in /usr/lib/<package>; pkgme packages the build as shipped.',
  'dir-or-file-in-opt':
    "A re-packaged vendor .deb keeps its /opt tree: the vendor's program depends on its own location.",
  'statically-linked-binary':
    "The developer's executable is statically linked as built (Go, esbuild, musl); pkgme packages the build as shipped.",
  'hardening-no-pie':
    "The developer's executable is not position-independent as built (GHC, Free Pascal); pkgme never rebuilds uploaded code.",
  ...(Object.fromEntries(
    (
      [
        'script-not-executable',
        'script-uses-bin-env',
        'unusual-interpreter',
        'interpreter-not-absolute',
        'script-without-interpreter',
        'wrong-path-for-interpreter',
        'incorrect-path-for-interpreter',
        'interpreter-in-usr-local',
        'php-script-with-unusual-interpreter',
        'script-uses-deprecated-nodejs-location',
      ] as const satisfies readonly ScriptTag[]
    ).map((t) => [t, DATA_SCRIPT_REASON]),
  ) as Record<ScriptTag, typeof DATA_SCRIPT_REASON>),
  'executable-not-elf-or-script':
    "The upload's file keeps the mode its developer gave it: a sourced or /bin/sh-run helper (a shell runs a file without #! itself); clearing its x bit could break the application.",
  'uses-dpkg-database-directly':
    "The developer's program reads dpkg's database itself as built; pkgme never patches uploaded code.",
  'national-encoding':
    "The upload's text file as its developer shipped it; pkgme never re-encodes uploaded files (the application may read the bytes as they are).",
  'old-fsf-address-in-copyright-file':
    'debian/copyright quotes the license text verbatim, with the FSF postal address it was written with; pkgme never edits a license text.',
} as const;
export type AllowedTag = keyof typeof ALLOWED_TAGS;

function pointer(path: string): string {
  // Brackets and whitespace cannot appear inside a pointer; '*' is lintian's wildcard and matches them instead.
  return path.replace(/^\/+/, '').replace(/[\s[\]]/g, '*');
}

const SCRIPT_TAGS: ReadonlySet<AllowedTag> = new Set(
  Object.keys(ALLOWED_TAGS).filter(
    (t) => ALLOWED_TAGS[t as AllowedTag] === DATA_SCRIPT_REASON,
  ) as AllowedTag[],
);

/**
 * One group per Scripts tag, each item `<note> [<path>]` (or `[<path>]`): the note lintian prints (the interpreter,
 * `x != y`) is part of the context an override must match, so it is written out; glob characters in it (`*`, `?`)
 * match themselves too.
 */
function scriptGroups(scripts: NonNullable<LintianFacts['dataScripts']>): Array<[AllowedTag, string[]]> {
  const by = new Map<AllowedTag, Set<string>>();
  for (const s of scripts)
    for (const h of s.hints) {
      const note = h.note === undefined ? '' : `${h.note.replace(/\s+/g, ' ').replace(/[[\]]/g, '*')} `;
      let set = by.get(h.tag);
      if (set === undefined) by.set(h.tag, (set = new Set()));
      set.add(`${note}[${pointer(s.path)}]`);
    }
  return [...by].sort(([a], [b]) => a.localeCompare(b)).map(([t, items]) => [t, [...items].sort()]);
}

export function lintianOverrides(plan: Pick<PackagePlan, 'package'>, facts: LintianFacts = NO_FACTS): string {
  const groups: Array<[AllowedTag, string[]]> = [
    ['unstripped-binary-or-object', [...new Set(facts.unstripped.map(pointer))].sort()],
    [
      'shared-library-lacks-prerequisites',
      [...new Set([...facts.libsWithoutNeeded, ...(facts.staticPieExecutables ?? [])].map(pointer))].sort(),
    ],
    [
      'embedded-library',
      [
        ...new Set([
          ...facts.embeddedLibraries.map((e) => `${e.library.replace(/\s+/g, '')} [${pointer(e.path)}]`),
          ...(facts.uploadTree !== undefined
            ? [`* [${pointer(facts.uploadTree).replace(/\/+$/, '')}/*]`]
            : []),
        ]),
      ].sort(),
    ],
    // One pattern per directory: lintian points at every file and directory below it.
    [
      'dir-or-file-in-opt',
      [...new Set((facts.optDirs ?? []).map((d) => `${pointer(d).replace(/\/+$/, '')}/*`))].sort(),
    ],
    ['statically-linked-binary', [...new Set((facts.staticExecutables ?? []).map(pointer))].sort()],
    ['hardening-no-pie', [...new Set((facts.nonPieExecutables ?? []).map(pointer))].sort()],
    ...scriptGroups(facts.dataScripts ?? []),
    ['executable-not-elf-or-script', [...new Set((facts.notElfOrScript ?? []).map(pointer))].sort()],
    ['uses-dpkg-database-directly', [...new Set((facts.dpkgDatabaseUsers ?? []).map(pointer))].sort()],
    ['national-encoding', [...new Set((facts.nationalEncoding ?? []).map(pointer))].sort()],
    // A hint without a pointer: one override line with nothing after the tag ('' below).
    ['old-fsf-address-in-copyright-file', facts.oldFsfAddress === true ? [''] : []],
  ];
  const out: string[] = [];
  for (const [tag, items] of groups) {
    if (items.length === 0) continue;
    if (out.length > 0) out.push('');
    out.push(`# ${ALLOWED_TAGS[tag].replace('<package>', plan.package)}`);
    for (const item of items)
      out.push(
        item === ''
          ? `${plan.package}: ${tag}`
          : `${plan.package}: ${tag} ${tag === 'embedded-library' || SCRIPT_TAGS.has(tag) ? item : `[${item}]`}`,
      );
  }
  return out.length === 0 ? '' : out.join('\n') + '\n';
}
