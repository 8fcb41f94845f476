/**
 * `pkgme check`: the issue 4 checks on a built package — lintian on the .deb and the .dsc, desktop-file-validate
 * and appstreamcli on the files the .deb ships, and (with `install`) an apt-get install into a cached minbase chroot
 * of the target release followed by a library-resolution check of every installed ELF file.
 *
 * The report is JSON-friendly (plain objects, strings and numbers) because the CLI prints it with --json and the
 * service stores it beside the package.
 */
import { PkgmeError } from '../../errors.ts';
import { checkAppstream, isAppstreamTreeFile } from './appstream.ts';
import { readDebContents } from './contents.ts';
import { checkDesktopEntries } from './desktop.ts';
import { checkInstall, isLauncherScript } from './install.ts';
import { runLintian } from './lintian.ts';

export { ALLOWED_LINTIAN_WARNINGS } from './lintian.ts';

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
  /** lintian warning tags allowed; default the keys of ALLOWED_LINTIAN_WARNINGS (docs/packaging.md mirrors it). */
  allowedLintian?: readonly string[];
  /** Where cached chroots live; default $PKGME_DATA_DIR/chroots (the tests use .cache/chroots). */
  chrootRoot?: string;
}

/** Which files of the .deb the checks read whole: desktop entries, metainfo and icons, launcher scripts. */
function keep(path: string, head: Buffer): boolean {
  return isAppstreamTreeFile(path) || isLauncherScript(path, head);
}

/**
 * Runs the checks that apply to what is given: lintian on the .deb and .dsc together (one run), the desktop and
 * AppStream validators on the .deb's files, and the chroot install test when `install` is set. Checks run one after
 * another: lintian already uses every core, and the install test's copy and apt-get are disk-bound.
 */
export async function checkPackage(opts: CheckOptions): Promise<CheckReport> {
  if (!opts.deb && !opts.dsc) {
    throw new PkgmeError('CHECK_NOTHING', 'nothing to check: give a .deb, a .dsc or both', 'usage', {
      hint: 'pkgme check OUT/pkg_1.0-1_amd64.deb OUT/pkg_1.0-1.dsc',
    });
  }
  if (opts.install && !opts.deb) {
    throw new PkgmeError('CHECK_INSTALL_NEEDS_DEB', 'the install test needs the .deb', 'usage', {
      hint: 'Pass the binary package as well as --install.',
    });
  }
  const checks: CheckResult[] = [];
  const files = [opts.deb, opts.dsc].filter((f): f is string => f !== undefined);
  checks.push(
    await runLintian(files, {
      ...(opts.allowedLintian ? { allowed: opts.allowedLintian } : {}),
      // The target release decides whether newer-standards-version is expected (see lintian.ts).
      ...(opts.release !== undefined ? { release: opts.release } : {}),
    }),
  );
  if (opts.deb) {
    const contents = await readDebContents(opts.deb, keep);
    checks.push(await checkDesktopEntries(contents));
    checks.push(await checkAppstream(contents));
    if (opts.install) {
      checks.push(
        await checkInstall(opts.deb, contents, {
          ...(opts.release ? { release: opts.release } : {}),
          ...(opts.chrootRoot ? { root: opts.chrootRoot } : {}),
        }),
      );
    }
  }
  return { ok: checks.every((c) => c.ok), checks };
}
