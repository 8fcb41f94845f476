/**
 * `pkgme check`: the issue 4 checks on a built package — lintian on the .deb and the .dsc, desktop-file-validate
 * and appstreamcli on the files the .deb ships, and (with `install`) an apt-get install into a cached minbase chroot
 * of the target release followed by a library-resolution check of every installed ELF file.
 *
 * The report is JSON-friendly (plain objects, strings and numbers) because the CLI prints it with --json and the
 * service stores it beside the package.
 */

/** One check's verdict. `errors` make it fail; `warnings` are shown but allowed. */
export interface CheckResult {
  /** lintian | desktop-file-validate | appstreamcli | install */
  name: string;
  ok: boolean;
  errors: string[];
  warnings: string[];
  /** Check-specific facts: tags by severity, files validated, timings, the chroot used… */
  details: Record<string, unknown>;
}

export interface CheckReport {
  /** Every check ok. */
  ok: boolean;
  checks: CheckResult[];
}

export interface CheckOptions {
  /** The binary package to check (lintian, desktop entries, metainfo, install). */
  deb?: string;
  /** The source package's .dsc (lintian). */
  dsc?: string;
  /** Also run the chroot install test (needs root and debootstrap). */
  install?: boolean;
  /** Target release of the install chroot; default: the machine's release. */
  release?: string;
  /** lintian warning tags allowed; default ALLOWED_LINTIAN_WARNINGS (docs/packaging.md mirrors it). */
  allowedLintian?: readonly string[];
}

export async function checkPackage(opts: CheckOptions): Promise<CheckReport> {
  void opts;
  throw new Error('checkPackage: not implemented yet');
}
