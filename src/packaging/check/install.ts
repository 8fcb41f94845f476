/**
 * The `--install` test (issue 4): in a fresh copy of the target release's minbase chroot, `apt-get install
 * ./pkg.deb` must succeed (so Depends name installable packages of that release), and every ELF file the package
 * installs must have all its libraries found.
 *
 * Library resolution without running uploaded code: `ldd` is documented (ldd(1), "Security") as possibly executing
 * the program it inspects. We do what glibc's ldd script does at its safe core, explicitly: pick the loader from the
 * chroot's own RTLDLIST (read from its /usr/bin/ldd before the package is installed) that accepts the file
 * (`ld.so --verify`), then run that loader with LD_TRACE_LOADED_OBJECTS=1 and the file as its argument. The loader
 * maps the file and its dependencies and prints where each was found, without relocating or running any of them;
 * the file's own PT_INTERP (which an upload controls) is never used. "=> not found" lines are the failures.
 *
 * Environment: a launcher in /usr/bin that is a shell script setting LD_LIBRARY_PATH (the way pkgme points an
 * application at its bundled libraries when RUNPATH cannot be used) is read, and its directories are given to every
 * ELF file of the package: the libraries and plugins are loaded by that process, in that environment.
 *
 * Maintainer scripts: this runs apt-get as root in a chroot, which is not a security boundary. pkgme's packages have
 * no maintainer scripts; a .deb that has them is refused rather than run (uploaded code is never executed).
 */
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { PkgmeError } from '../../errors.ts';
import type { CheckResult } from './index.ts';
import { isElf, type DebContents } from './contents.ts';
import { chrootUnavailable, freshChroot, withLock, type ChrootOptions } from './chroot.ts';
import { runTool } from './tool.ts';

const MAINTAINER_SCRIPTS = ['preinst', 'postinst', 'prerm', 'postrm', 'config'];
const LAUNCHER_DIRS = ['/usr/bin/', '/usr/games/', '/usr/sbin/'];
const CHROOT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** A script in a launcher directory (chosen by its first bytes: "#!"). */
export function isLauncherScript(path: string, head: Buffer): boolean {
  return LAUNCHER_DIRS.some((d) => path.startsWith(d)) && head.subarray(0, 2).toString('latin1') === '#!';
}

export interface LibraryPath {
  /** Absolute directories, in order, from every launcher script. */
  dirs: string[];
  /** Parts that could not be used (relative to the script, other variables): reported as warnings. */
  unresolved: string[];
  /** Launcher scripts that set it. */
  launchers: string[];
}

const ASSIGN = /\bLD_LIBRARY_PATH=("[^"]*"|'[^']*'|[^\s;]+)/g;
const SELF_REFERENCE = /\$\{LD_LIBRARY_PATH[^}]*\}|\$LD_LIBRARY_PATH\b/g;

/**
 * The LD_LIBRARY_PATH directories the launcher scripts set. Understands the usual forms
 * (`export LD_LIBRARY_PATH="/usr/lib/foo/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"`, `env LD_LIBRARY_PATH=/a:/b exec
 * …`); references to the caller's own LD_LIBRARY_PATH are dropped (the check assumes it empty).
 */
export function launcherLibraryPath(scripts: Map<string, string>): LibraryPath {
  const out: LibraryPath = { dirs: [], unresolved: [], launchers: [] };
  for (const [path, text] of scripts) {
    let found = false;
    const code = text
      .split('\n')
      .filter((l) => !l.trimStart().startsWith('#'))
      .join('\n');
    for (const m of code.matchAll(ASSIGN)) {
      found = true;
      const value = m[1]!.replace(/^(["'])(.*)\1$/, '$2').replace(SELF_REFERENCE, '');
      for (const part of value.split(':')) {
        if (part === '') continue;
        if (part.startsWith('/') && !part.includes('$')) {
          if (!out.dirs.includes(part)) out.dirs.push(part);
        } else out.unresolved.push(`${path}: ${part}`);
      }
    }
    if (found) out.launchers.push(path);
  }
  return out;
}

/** The loaders glibc's ldd would try, from the chroot's /usr/bin/ldd (RTLDLIST="…"). */
export function parseRtldList(lddScript: string): string[] {
  const m = /^RTLDLIST="?([^"\n]*)"?$/m.exec(lddScript);
  return m ? m[1]!.split(/\s+/).filter((p) => p.startsWith('/')) : [];
}

export interface LoaderReport {
  path: string;
  /** dynamic: loader listed its libraries; static: no dynamic section; unsupported: no loader of the chroot takes it. */
  kind: 'dynamic' | 'static' | 'unsupported';
  loader?: string;
  found: Record<string, string>;
  missing: string[];
}

/** Parses the loader's trace lines: "\tlibfoo.so.1 => /usr/lib/x/libfoo.so.1 (0x…)", "\tlibbar.so.2 => not found". */
export function parseTrace(text: string): { found: Record<string, string>; missing: string[] } {
  const found: Record<string, string> = {};
  const missing: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\S+) => (.*?)(?: \(0x[0-9a-f]+\))?$/.exec(line);
    if (!m) continue;
    if (m[2] === 'not found') missing.push(m[1]!);
    else found[m[1]!] = m[2]!;
  }
  return { found, missing };
}

/** Runs a command of the chroot, with a fixed minimal environment (nothing of the caller's leaks in). */
async function inChroot(root: string, args: string[]) {
  return runTool('chroot', [root, ...args], {
    pkg: 'coreutils',
    env: { PATH: CHROOT_PATH, LC_ALL: 'C.UTF-8', DEBIAN_FRONTEND: 'noninteractive' },
    timeoutMs: 15 * 60_000,
  });
}

/**
 * Sets the loader's variables inside the chroot, for the loader alone. They must not be in the environment of the
 * host's `chroot` command: LD_TRACE_LOADED_OBJECTS there would make the host loader trace `chroot` itself (and
 * print ITS libraries), and an LD_LIBRARY_PATH would let a host directory of that name inject libraries into a
 * root process. The chroot's /bin/sh execs the loader with them, as glibc's ldd script does.
 */
const TRACE = 'LD_TRACE_LOADED_OBJECTS=1 LD_LIBRARY_PATH="$1" exec "$2" "$3"';
const TRACE_NO_PATH = 'LD_TRACE_LOADED_OBJECTS=1 exec "$2" "$3"';

/** Traces one installed file with the first loader that accepts it (ld.so --verify: 0 dynamic, 2 static-pie/ok). */
async function traceFile(
  root: string,
  path: string,
  loaders: string[],
  libraryPath: string[],
): Promise<LoaderReport> {
  for (const loader of loaders) {
    const verify = await inChroot(root, [loader, '--verify', path]);
    if (verify.status === 1) return { path, kind: 'static', found: {}, missing: [] };
    if (verify.status !== 0 && verify.status !== 2) continue;
    const script = libraryPath.length > 0 ? TRACE : TRACE_NO_PATH;
    const trace = await inChroot(root, ['/bin/sh', '-c', script, 'sh', libraryPath.join(':'), loader, path]);
    return { path, kind: 'dynamic', loader, ...parseTrace(trace.stdout) };
  }
  return { path, kind: 'unsupported', found: {}, missing: [] };
}

function refuseScripts(contents: DebContents, deb: string): void {
  const scripts = MAINTAINER_SCRIPTS.filter((s) => contents.control.files.has(s));
  if (scripts.length > 0) {
    throw new PkgmeError(
      'CHECK_MAINTAINER_SCRIPTS',
      `${basename(deb)} has maintainer scripts (${scripts.join(', ')}); the install test does not run package code as root`,
      'input',
      {
        hint: 'pkgme-built packages have none; check a package built by `pkgme build`.',
        details: { deb, scripts },
      },
    );
  }
}

export interface InstallOptions extends ChrootOptions {
  /** Called with the chroot copy's root after the checks, before it is removed (tests compare with ldd there). */
  inspect?: (root: string) => Promise<void> | void;
}

/** Installs the .deb into a fresh chroot copy and checks every ELF file's libraries. */
export async function checkInstall(
  deb: string,
  contents: DebContents,
  opts: InstallOptions = {},
): Promise<CheckResult> {
  refuseScripts(contents, deb);
  const why = chrootUnavailable();
  if (why) {
    throw new PkgmeError('CHECK_INSTALL_UNAVAILABLE', `cannot run the install test: ${why}`, 'environment', {
      hint: 'Run pkgme check --install as root on a machine with debootstrap (npm run setup installs it).',
      details: { reason: why },
    });
  }
  const errors: string[] = [];
  const warnings: string[] = [];
  const scripts = new Map<string, string>();
  for (const [p, data] of contents.files)
    if (isLauncherScript(p, data)) scripts.set(p, data.toString('utf8'));
  const libraryPath = launcherLibraryPath(scripts);
  for (const u of libraryPath.unresolved) warnings.push(`LD_LIBRARY_PATH part not checked: ${u}`);

  const chroot = await freshChroot(opts);
  try {
    // Read before the install, so the package cannot have replaced the script that names the trusted loaders.
    const loaders = parseRtldList(await readFile(join(chroot.root, 'usr/bin/ldd'), 'utf8'));
    const inside = `/tmp/pkgme-check/${basename(deb)}`;
    await mkdir(join(chroot.root, 'tmp/pkgme-check'), { recursive: true });
    await copyFile(deb, join(chroot.root, inside));
    const aptInstall = () =>
      inChroot(chroot.root, [
        'apt-get',
        'install',
        '-y',
        '-q',
        // dpkg's log pty needs /dev/pts, which is not mounted (apt says "Can not write log" otherwise).
        '-o',
        'Dpkg::Use-Pty=0',
        inside,
      ]);
    const install = chroot.downloads
      ? await withLock(`${chroot.downloads}.lock`, aptInstall)
      : await aptInstall();
    const installLog = (install.stdout + install.stderr).trim().split('\n');
    const reports: LoaderReport[] = [];
    if (install.status !== 0) {
      errors.push(
        `apt-get install ./${basename(deb)} failed in ${chroot.release}:\n${installLog.slice(-12).join('\n')}`,
      );
    } else {
      for (const e of contents.entries.filter(isElf)) {
        const r = await traceFile(chroot.root, e.path, loaders, libraryPath.dirs);
        reports.push(r);
        for (const lib of r.missing) errors.push(`${e.path}: ${lib} not found`);
        if (r.kind === 'unsupported')
          warnings.push(`${e.path}: no loader of ${chroot.release} accepts it (other architecture?)`);
      }
    }
    await opts.inspect?.(chroot.root);
    return {
      name: 'install',
      ok: errors.length === 0,
      errors,
      warnings,
      details: {
        release: chroot.release,
        chroot: chroot.base,
        copy: chroot.mode,
        sharedDownloads: chroot.downloads !== undefined,
        copySeconds: Math.round(chroot.copySeconds * 100) / 100,
        installSeconds: Math.round(install.seconds * 10) / 10,
        installLog: installLog.slice(-40),
        loaders,
        libraryPath: libraryPath.dirs,
        launchers: libraryPath.launchers,
        elfFiles: reports,
      },
    };
  } finally {
    await chroot.dispose();
  }
}
