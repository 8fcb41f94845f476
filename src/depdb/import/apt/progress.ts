/**
 * Import progress: a cli-progress bar on a TTY, plain lines otherwise (CI logs, pipes) at most every few seconds,
 * so a log shows the import advancing without a line per package.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  tick(done: number, bytes: number): void;
  stop(): void;
}

export function createProgress(
  total: number,
  label: string,
  opts: { tty?: boolean; write?: (line: string) => void; everyMs?: number } = {},
): Progress {
  const tty = opts.tty ?? Boolean(process.stderr.isTTY);
  if (tty) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {value}/{total} packages, {mb} MB, eta {eta}s`, stream: process.stderr },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { mb: '0.0' });
    return {
      tick: (done, bytes) => bar.update(done, { mb: (bytes / 1e6).toFixed(1) }),
      stop: () => bar.stop(),
    };
  }
  const write = opts.write ?? ((l: string) => process.stderr.write(l + '\n'));
  const every = opts.everyMs ?? 5000;
  let last = 0;
  let lastDone = -1;
  let lastBytes = 0;
  const line = (done: number, bytes: number) => {
    lastDone = done;
    write(`${label}: ${done}/${total} packages, ${(bytes / 1e6).toFixed(1)} MB`);
  };
  return {
    tick: (done, bytes) => {
      lastBytes = bytes;
      const now = Date.now();
      if (now - last >= every) {
        last = now;
        line(done, bytes);
      }
    },
    stop: () => {
      if (lastDone !== total) line(total, lastBytes);
    },
  };
}
