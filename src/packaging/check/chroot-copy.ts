/**
 * Throw-away copies of the cached chroot, one per install test, so an install never changes the cached tree.
 *
 * - overlay (preferred): an overlayfs mount with the cached tree as the read-only lower layer. Takes milliseconds
 *   and writes only what the install changes. Needs mount rights (root with CAP_SYS_ADMIN), which a CI container may
 *   lack; then:
 * - cp: `cp -a` of the whole tree (206 MB): about 1 s on an idle machine, 3-19 s measured here with a load of 13 on
 *   2 cores (it is disk-bound).
 * A copy left by a killed process (its pid, in the directory name, is dead) is unmounted and removed by the next
 * `makeCopy` in the same work directory, so neither mounts nor 200 MB trees pile up.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PkgmeError } from '../../errors.ts';
import { processAlive } from '../../util/process-alive.ts';
import { runTool } from './tool.ts';

export type CopyMode = 'auto' | 'overlay' | 'cp';

export interface TreeCopy {
  /** The copy's root directory (the overlay's merged view, or the copied tree). */
  root: string;
  mode: 'overlay' | 'cp';
  seconds: number;
  dispose(): Promise<void>;
}

/** Mount points under `dir` (from /proc/self/mountinfo: field 5 is the mount point, octal-escaped). */
function mountsUnder(dir: string): string[] {
  if (!existsSync('/proc/self/mountinfo')) return [];
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((m): m is string => m !== undefined)
    .map((m) => m.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8))))
    .filter((m) => m === dir || m.startsWith(`${dir}/`));
}

async function unmountAndRemove(dir: string): Promise<void> {
  for (const m of mountsUnder(dir).sort().reverse()) {
    const r = await runTool('umount', [m], { pkg: 'mount' });
    if (r.status !== 0) await runTool('umount', ['-l', m], { pkg: 'mount' });
  }
  // Never remove through a mount that is still there: that would write whiteouts, or worse, reach the lower tree.
  if (mountsUnder(dir).length > 0) {
    throw new PkgmeError('CHECK_CHROOT_BUSY', `cannot unmount the chroot copy under ${dir}`, 'environment', {
      hint: `A process still uses it: find it with "fuser -vm ${dir}", stop it, then run "umount ${dir}/root".`,
      details: { dir },
    });
  }
  await rm(dir, { recursive: true, force: true });
}

/** The pid written in `text` if that process no longer exists (a crash left its lock or copy), else undefined. */
export function deadOwner(text: string): number | undefined {
  const pid = Number.parseInt(text, 10);
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  return processAlive(pid) ? undefined : pid;
}

/** Removes copies whose owning process is gone (named `<prefix>-<pid>-<n>`). */
async function reapStale(work: string): Promise<void> {
  for (const name of await readdir(work)) {
    const m = /-(\d+)-\d+$/.exec(name);
    if (m && deadOwner(m[1]!) !== undefined) await unmountAndRemove(join(work, name)).catch(() => undefined);
  }
}

/** Characters that would break the overlay's comma- and colon-separated mount options. */
const UNSAFE_OPTION_PATH = /[,:\s\\]/;

async function tryOverlay(base: string, dir: string): Promise<string | undefined> {
  if (UNSAFE_OPTION_PATH.test(base) || UNSAFE_OPTION_PATH.test(dir)) return undefined;
  const root = join(dir, 'root');
  for (const d of ['upper', 'work', 'root']) await mkdir(join(dir, d), { recursive: true });
  const options = `lowerdir=${base},upperdir=${join(dir, 'upper')},workdir=${join(dir, 'work')}`;
  const r = await runTool('mount', ['-t', 'overlay', 'overlay', '-o', options, root], { pkg: 'mount' });
  if (r.status === 0) return root;
  await rm(dir, { recursive: true, force: true });
  return undefined;
}

let counter = 0;

/** A private copy of `base` in a new directory under `work`. */
export async function makeCopy(
  base: string,
  work: string,
  prefix: string,
  mode: CopyMode = 'auto',
): Promise<TreeCopy> {
  await mkdir(work, { recursive: true });
  await reapStale(work);
  const dir = join(work, `${prefix}-${process.pid}-${++counter}`);
  const start = performance.now();
  await rm(dir, { recursive: true, force: true });
  const overlayRoot = mode === 'cp' ? undefined : await tryOverlay(base, dir);
  if (overlayRoot === undefined && mode === 'overlay') {
    throw new PkgmeError('CHECK_OVERLAY_FAILED', `cannot mount an overlay of ${base}`, 'environment', {
      hint: 'Run as root with mount rights, or use the cp copy mode.',
      details: { base },
    });
  }
  let root = overlayRoot;
  if (root === undefined) {
    await mkdir(dir, { recursive: true });
    root = join(dir, 'root');
    const cp = await runTool('cp', ['-a', '--', base, root], { pkg: 'coreutils' });
    if (cp.status !== 0) {
      await rm(dir, { recursive: true, force: true });
      throw new PkgmeError(
        'CHECK_CHROOT_FAILED',
        `copying ${base} failed: ${cp.stderr.trim()}`,
        'environment',
        {
          hint: 'Check free disk space under the chroot cache directory.',
          details: { base, dir },
        },
      );
    }
  }
  return {
    root,
    mode: overlayRoot === undefined ? 'cp' : 'overlay',
    seconds: (performance.now() - start) / 1000,
    dispose: () => unmountAndRemove(dir),
  };
}
