/**
 * The install test's chroot: a debootstrap --variant=minbase tree of the target release, made once per machine and
 * cached, and a throw-away copy of it for each install (a package install must never change the cached tree).
 *
 * - Mirror: read from the machine's apt sources (src/depdb/import/apt/sources.ts, both formats), never written in
 *   the code. Another release than the machine's is fetched from the same archive: the machine's entries for its own
 *   suites (bookworm, bookworm-updates, bookworm-security) are mapped to the target's (trixie, trixie-updates,
 *   trixie-security), so the chroot sees what a user of that release would.
 * - Cache: `<root>/<release>` (root: $PKGME_DATA_DIR/chroots by default; the tests use .cache/chroots), built in a
 *   private sibling directory and renamed into place with a `.complete` marker, under a lock file so parallel test
 *   processes (and parallel `pkgme check --install`) build it once and never see half of it. The lock is async
 *   (debootstrap takes ~35 s and the service must not block its event loop meanwhile), which is why this is not
 *   src/testing's synchronous withCacheLock.
 * - Copies: an overlayfs mount over the cached tree, else `cp -a` (chroot-copy.ts).
 * - Nothing else is mounted: apt-get install of a package and its dependencies works without /proc or /dev/pts in
 *   the chroot (measured), so there is less to leak when a check is killed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, copyFile, mkdir, readFile, rename, rm, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PkgmeError } from '../../errors.ts';
import { defaultDataDir } from '../../db/spec.ts';
import { readSystemSources, type AptSource } from '../../depdb/import/apt/sources.ts';
import { deadOwner, makeCopy, type CopyMode } from './chroot-copy.ts';
import { runTool } from './tool.ts';

/** Bump when the chroot set-up changes, so cached trees are rebuilt. */
export const CHROOT_VERSION = '1';
const COMPLETE = '.pkgme-complete';

export function defaultChrootRoot(env: NodeJS.ProcessEnv = process.env): string {
  return join(defaultDataDir(env), 'chroots');
}

/** The machine's release codename (VERSION_CODENAME of /etc/os-release), e.g. "bookworm". */
export function machineRelease(osRelease = '/etc/os-release'): string {
  const text = existsSync(osRelease) ? readFileSync(osRelease, 'utf8') : '';
  const m = /^VERSION_CODENAME=["']?([a-z]+)["']?$/m.exec(text);
  if (!m) {
    throw new PkgmeError(
      'CHECK_NO_RELEASE',
      `cannot tell this machine's release from ${osRelease}`,
      'environment',
      {
        hint: 'Pass the target release explicitly (--release bookworm).',
        details: { osRelease },
      },
    );
  }
  return m[1]!;
}

/**
 * The apt sources of a `release` chroot: the machine's entries for its own release and its -updates/-security
 * suites, renamed to `release`'s. Only the components, not the architectures or keys: the chroot's own
 * debian-archive-keyring (in /etc/apt/trusted.gpg.d) verifies its archive.
 */
export function chrootSources(release: string, sources: AptSource[], machine: string): AptSource[] {
  const out: AptSource[] = [];
  for (const s of sources) {
    if (s.suite !== machine && !s.suite.startsWith(`${machine}-`)) continue;
    const suite = release + s.suite.slice(machine.length);
    if (!out.some((o) => o.uri === s.uri && o.suite === suite)) out.push({ ...s, suite });
  }
  if (!out.some((s) => s.suite === release)) {
    throw new PkgmeError(
      'CHECK_NO_MIRROR',
      `no apt source of this machine serves "${machine}", so there is no mirror to build a ${release} chroot from`,
      'environment',
      {
        hint: `Add a "deb URI ${machine} main" line (or deb822 entry) to /etc/apt/sources.list.d/.`,
        details: { release, machine, suites: sources.map((s) => s.suite) },
      },
    );
  }
  return out;
}

/** The deb822 sources file written into the chroot. */
export function formatChrootSources(sources: AptSource[]): string {
  return sources
    .map((s) => `Types: deb\nURIs: ${s.uri}\nSuites: ${s.suite}\nComponents: ${s.components.join(' ')}\n`)
    .join('\n');
}

async function mustRun(cmd: string, args: string[], what: string, pkg: string): Promise<void> {
  const run = await runTool(cmd, args, {
    pkg,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C.UTF-8' },
  });
  if (run.status !== 0) {
    const tail = (run.stdout + run.stderr).trim().split('\n').slice(-8).join('\n');
    throw new PkgmeError(
      'CHECK_CHROOT_FAILED',
      `${what} failed (exit ${run.status}):\n${tail}`,
      'environment',
      {
        hint: 'Check network access to the mirror of /etc/apt/sources.list.d and free disk space; running as root is required.',
        details: { command: [cmd, ...args], status: run.status },
      },
    );
  }
}

/** Builds a chroot of `release` in `dir` (which must not exist yet). */
async function buildChroot(dir: string, release: string, sources: AptSource[]): Promise<void> {
  const main = sources.find((s) => s.suite === release)!;
  await mustRun(
    'debootstrap',
    ['--variant=minbase', `--components=${main.components.join(',')}`, release, dir, main.uri],
    `debootstrap ${release}`,
    'debootstrap',
  );
  await rm(join(dir, 'etc/apt/sources.list'), { force: true });
  await writeFile(join(dir, 'etc/apt/sources.list.d/pkgme.sources'), formatChrootSources(sources));
  // Recommends are not installed: the check is that Depends alone make the package work.
  await writeFile(
    join(dir, 'etc/apt/apt.conf.d/90pkgme'),
    'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\nAcquire::Languages "none";\n',
  );
  // No daemon of a dependency may start inside the chroot (invoke-rc.d asks policy-rc.d; 101 = action forbidden).
  await writeFile(join(dir, 'usr/sbin/policy-rc.d'), '#!/bin/sh\nexit 101\n');
  await chmod(join(dir, 'usr/sbin/policy-rc.d'), 0o755);
  await mustRun(
    'chroot',
    [dir, 'apt-get', 'update', '-q'],
    `apt-get update in the ${release} chroot`,
    'coreutils',
  );
  await mustRun('chroot', [dir, 'apt-get', 'clean'], 'apt-get clean', 'coreutils');
  await writeFile(join(dir, COMPLETE), CHROOT_VERSION);
}

function isComplete(dir: string): boolean {
  try {
    return readFileSync(join(dir, COMPLETE), 'utf8') === CHROOT_VERSION;
  } catch {
    return false;
  }
}

const LOCK_POLL_MS = 250;
const LOCK_TIMEOUT_MS = 20 * 60_000;

/**
 * Holds `<file>` (O_EXCL, holding our pid) while `fn` runs. A lock whose pid is dead is left over from a crash and
 * removed (by rename to a unique name first, so two waiters cannot both remove and one then delete the other's lock).
 */
export async function withLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const start = Date.now();
  for (;;) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const text = await readFile(file, 'utf8').catch(() => '');
    const pid = deadOwner(text);
    if (pid !== undefined) {
      const grave = `${file}.stale-${process.pid}`;
      await rename(file, grave).catch(() => undefined);
      const again = Number.parseInt(await readFile(grave, 'utf8').catch(() => ''), 10);
      // Renamed someone else's fresh lock: put it back (it is alive), else drop the stale one.
      if (again !== pid) await rename(grave, file).catch(() => undefined);
      else await rm(grave, { force: true });
      continue;
    }
    if (Date.now() - start > LOCK_TIMEOUT_MS) {
      throw new PkgmeError(
        'CHECK_CHROOT_LOCKED',
        `${file} is held by pid ${pid} for too long`,
        'environment',
        {
          hint: 'If no pkgme process is building a chroot, delete the lock file.',
          details: { file, pid },
        },
      );
    }
    await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
  }
  try {
    return await fn();
  } finally {
    await rm(file, { force: true });
  }
}

export interface ChrootOptions {
  /** Target release; default the machine's. */
  release?: string;
  /** Where cached chroots live; default $PKGME_DATA_DIR/chroots. */
  root?: string;
  /** The machine's apt sources; default read from /etc/apt. */
  sources?: AptSource[];
  /** How each install gets its private tree (chroot-copy.ts); default overlay, else cp. */
  copy?: CopyMode;
}

/** The cached chroot of the release, built if missing (about 35 s, network needed). Returns its directory. */
export async function ensureChroot(opts: ChrootOptions = {}): Promise<string> {
  const machine = machineRelease();
  const release = opts.release ?? machine;
  const root = opts.root ?? defaultChrootRoot();
  const dir = join(root, release);
  if (isComplete(dir)) return dir;
  const sources = chrootSources(release, opts.sources ?? readSystemSources(), machine);
  await mkdir(root, { recursive: true });
  return withLock(`${dir}.lock`, async () => {
    if (isComplete(dir)) return dir;
    // Left by builders that died (we hold the lock, so no live one is using them).
    for (const f of await readdir(root))
      if (f.startsWith(`${release}.tmp-`)) await rm(join(root, f), { recursive: true, force: true });
    const tmp = join(root, `${release}.tmp-${process.pid}`);
    try {
      await buildChroot(tmp, release, sources);
      await rm(dir, { recursive: true, force: true });
      await rename(tmp, dir);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    return dir;
  });
}

export interface ChrootCopy {
  /** The copy's root directory. */
  root: string;
  /** The cached tree it was copied from (read-only for callers). */
  base: string;
  release: string;
  mode: 'overlay' | 'cp';
  copySeconds: number;
  /**
   * The release's shared download cache when it is bind-mounted at /var/cache/apt/archives of the copy (overlay
   * mode): apt-get runs in the copy must then hold `withLock(\`${downloads}.lock\`)`, since apt locks that directory
   * and fails at once, rather than waiting, when another install holds it.
   */
  downloads?: string;
  dispose(): Promise<void>;
}

/**
 * Dependencies downloaded by one install are kept for the next: a desktop application pulls 100-300 MB of
 * libraries (audacity: 131 s of apt-get install with a cold cache), the same ones each time. apt checks each cached
 * file against the signed index before using it, so a shared cache cannot smuggle a package in.
 */
async function shareDownloads(root: string, release: string, copyRoot: string): Promise<string | undefined> {
  const shared = join(root, `${release}.debs`);
  await mkdir(join(shared, 'partial'), { recursive: true });
  const target = join(copyRoot, 'var/cache/apt/archives');
  await mkdir(target, { recursive: true });
  const r = await runTool('mount', ['--bind', shared, target], { pkg: 'mount' });
  return r.status === 0 ? shared : undefined;
}

/** A private copy of the release's cached chroot, with the host's current resolv.conf (for dependency downloads). */
export async function freshChroot(opts: ChrootOptions = {}): Promise<ChrootCopy> {
  const base = await ensureChroot(opts);
  const release = opts.release ?? machineRelease();
  const cacheRoot = opts.root ?? defaultChrootRoot();
  const copy = await makeCopy(base, join(cacheRoot, 'work'), release, opts.copy);
  let downloads: string | undefined;
  try {
    if (existsSync('/etc/resolv.conf')) {
      await rm(join(copy.root, 'etc/resolv.conf'), { force: true });
      await copyFile('/etc/resolv.conf', join(copy.root, 'etc/resolv.conf'));
    }
    if (copy.mode === 'overlay') downloads = await shareDownloads(cacheRoot, release, copy.root);
  } catch (err) {
    await copy.dispose();
    throw err;
  }
  return {
    root: copy.root,
    base,
    release,
    mode: copy.mode,
    copySeconds: copy.seconds,
    ...(downloads ? { downloads } : {}),
    dispose: copy.dispose,
  };
}

/** Whether this process can build and enter chroots (root, debootstrap, chroot). For the tests' skip reasons. */
export function chrootUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'the install test needs root (chroot, debootstrap)';
  for (const cmd of ['debootstrap', 'chroot']) {
    const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    if (r.status !== 0) return `${cmd} is not installed (apt-get install debootstrap)`;
  }
  return undefined;
}
