/**
 * The plan's checks of bad input (issue 4, "Bad input"): each finding is a Problem with a code a script can branch
 * on, a message naming the files, and a hint naming the fix. Errors stop `pkgme package` before anything is
 * generated (pipeline.ts); warnings go into the report.
 */
import { basename } from 'node:path';
import type { Problem } from '../backends/types.ts';
import type { ArchVerdict } from '../depdb/resolve/index.ts';
import type { InventoryEntry } from '../inspect/inventory.ts';

/**
 * glibc's own objects. Shipping them breaks the package: the bundled ld.so and libc would be mixed with the
 * system's at run time (or shadow them through LD_LIBRARY_PATH), and Debian's libc6 provides them anyway.
 */
const GLIBC_NAME =
  /^(libc\.so\.6|libc-[\d.]+\.so|ld-linux[-\w.]*\.so(\.\d+)*|ld-[\d.]+\.so|libpthread(\.so(\.\d+)*|-[\d.]+\.so)|libm(\.so(\.\d+)*|-[\d.]+\.so)|libdl(\.so(\.\d+)*|-[\d.]+\.so))$/;

function isGlibc(e: InventoryEntry): boolean {
  if (e.type === 'directory') return false;
  return GLIBC_NAME.test(basename(e.path)) || (e.elf?.soname != null && GLIBC_NAME.test(e.elf.soname));
}

/**
 * `fromDeb`: the upload is a .deb (packed or unpacked). Holding glibc's objects, it is the C library's own package
 * (libc6, libc6-i386…), not an application that bundles them: re-packaging that is not supported (it would replace
 * the loader and libc every other package runs on), and removing the files is no fix, so the message says so.
 */
export function bundledGlibc(entries: readonly InventoryEntry[], fromDeb = false): Problem[] {
  const found = entries.filter(isGlibc).map((e) => e.path);
  if (found.length === 0) return [];
  if (fromDeb)
    return [
      {
        severity: 'error',
        code: 'BUNDLED_GLIBC',
        message: `this .deb holds the C library itself (${found.join(', ')}): re-packaging the C library is not supported`,
        hint: "Install the C library from Debian (libc6); pkgme re-packages applications and data, which depend on Debian's libc6.",
      },
    ];
  return [
    {
      severity: 'error',
      code: 'BUNDLED_GLIBC',
      message: `the upload bundles glibc: ${found.join(', ')}`,
      hint: "Remove them from the upload; Debian's libc6 provides them (the package depends on it).",
    },
  ];
}

/**
 * Files that start like ELF but do not parse. A warning (the file is shipped as data), but an error when it is one
 * of the main executables: that file is what the launcher would run.
 */
export function brokenElf(entries: readonly InventoryEntry[], executables: readonly string[]): Problem[] {
  const mains = new Set(executables);
  return entries
    .filter((e) => e.elfError !== undefined)
    .map((e): Problem => {
      const main = mains.has(e.path);
      return {
        severity: main ? 'error' : 'warning',
        code: 'BROKEN_ELF',
        message: `${e.path}: not a readable ELF file (${e.elfError!.code}: ${e.elfError!.message})${main ? '; it is a main executable' : ''}`,
        hint: main
          ? 'Re-upload the file (it is truncated or corrupt), or choose another with --set executables=<path>.'
          : 'Re-upload the file if the application needs it; otherwise remove it from the upload.',
      };
    });
}

/** Sonames the resolver found in no package of the release (and the upload does not bundle). */
export function unresolvedLibraries(
  verdict: ArchVerdict,
  release: string,
  dependsOverridden: boolean,
): Problem[] {
  if (verdict.unresolved.length === 0) return [];
  const lines = verdict.unresolved.map((u) => {
    const sugg = u.suggestions.map((s) =>
      s.kind === 'similar'
        ? `similar: ${s.soname} in ${s.packages.join(', ')}`
        : `${s.soname} in ${s.packages.join(', ')} (${[s.release, s.arch].filter((x) => x !== undefined).join(' ')})`,
    );
    return `${u.soname} (needed by ${u.neededBy.join(', ')})${sugg.length ? `: ${sugg.join('; ')}` : ''}`;
  });
  return [
    {
      // With --set depends the user has said what the package needs; the finding stays visible as a warning.
      severity: dependsOverridden ? 'warning' : 'error',
      code: 'UNRESOLVED_LIBRARIES',
      message: `no ${release} (${verdict.arch}) package provides ${lines.join('; ')}`,
      hint:
        'Bundle the missing libraries in the upload (beside the executable or through RUNPATH $ORIGIN), ' +
        'target a release that has them (--release), or state the dependencies with --set depends=….',
    },
  ];
}

/**
 * No executable: an error, unless the upload is a library or addon (an npm .node module, a plugin): shared
 * libraries and no executables is packaged without launchers, with a warning saying so. A .deb (`fromDeb`) is a
 * package already, and fonts, documentation or Python modules are what many .debs hold: a warning too.
 */
export function noExecutables(entries: readonly InventoryEntry[], fromDeb = false): Problem {
  if (fromDeb) {
    const files = entries.filter((e) => e.type === 'file').length;
    return {
      severity: 'warning',
      code: 'NO_EXECUTABLES',
      message: `no executables: a .deb of ${files} data ${files === 1 ? 'file' : 'files'} (fonts, documentation, modules…), re-packaged without launchers or desktop entry`,
      hint: 'If it has a program, name it with --set executables=<path in the upload>.',
    };
  }
  const libs = entries.filter((e) => e.elf?.kind === 'shared-library').length;
  if (libs > 0)
    return {
      severity: 'warning',
      code: 'NO_EXECUTABLES',
      message: `no executables: ${libs} shared ${libs === 1 ? 'library' : 'libraries'}, packaged as a library/addon without launchers or AppStream metainfo`,
      hint: 'If the application has an executable (a script, say), name it with --set executables=<path in the upload>.',
    };
  const elves = entries.filter((e) => e.elf !== undefined).length;
  return {
    severity: 'error',
    code: 'NO_EXECUTABLES',
    message:
      elves === 0
        ? 'no executable content: the upload has no ELF files'
        : `no executable content: ${elves} ELF ${elves === 1 ? 'file' : 'files'}, none an executable or shared library`,
    hint: 'Upload the built application (its ELF executables), or name the executable with --set executables=<path in the upload>.',
  };
}

/** The named executables must be files of the upload (an override may name a script: any file will do). */
export function missingExecutables(
  entries: readonly InventoryEntry[],
  executables: readonly string[],
): Problem[] {
  const files = new Set(entries.filter((e) => e.type === 'file' || e.type === 'symlink').map((e) => e.path));
  return executables
    .filter((x) => !files.has(x))
    .map((x) => ({
      severity: 'error' as const,
      code: 'EXECUTABLE_NOT_FOUND',
      message: `executable ${x} is not a file of the upload`,
      hint: 'Give its path inside the upload, e.g. --set executables=myapp-1.0/bin/myapp (see pkgme scan).',
    }));
}
