/**
 * Whether a process id still names a live process: used to tell a lock or scratch copy left by a crashed process
 * (taken over or removed) from one still in use (left alone). Signal 0 checks without signalling. Only ESRCH means
 * gone; EPERM (someone else's process) and anything unexpected count as alive, since wrongly taking over a live
 * owner's lock or copy is the worse mistake.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
