/**
 * Test fixture: `dpkg --compare-versions` driven in bulk. Spawning dpkg from node once per pair is slow, so one
 * bash process per CPU reads NUL-separated inputs and runs dpkg in a loop; the answers come back NUL-separated in
 * input order.
 */
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';

function runBash(script: string, input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(Buffer.concat(out).toString('utf8'))
        : reject(new Error(`bash exited ${code}: ${Buffer.concat(err).toString('utf8').slice(0, 500)}`)),
    );
    child.stdin.end(input);
  });
}

async function inParallel<T>(items: T[], perChunk: (chunk: T[]) => Promise<string[]>): Promise<string[]> {
  const n = Math.max(1, Math.min(cpus().length, 4));
  const size = Math.ceil(items.length / n);
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return (await Promise.all(chunks.map(perChunk))).flat();
}

/** Splits NUL-terminated output; checks the count so a lost line cannot shift every later answer. */
function records(out: string, expected: number): string[] {
  const r = out.split('\0');
  r.pop();
  if (r.length !== expected) throw new Error(`oracle returned ${r.length} answers for ${expected} inputs`);
  return r;
}

/**
 * dpkg's three-way answer for each pair: '-1', '0', '1', or 'error' when dpkg rejected a version (exit 2).
 */
export function dpkgCompare(pairs: Array<[string, string]>): Promise<string[]> {
  const script = `
    while IFS= read -r -d '' a && IFS= read -r -d '' b; do
      dpkg --compare-versions -- "$a" lt "$b" 2>/dev/null; r=$?
      if [ $r -eq 0 ]; then printf -- '-1\\0'
      elif [ $r -ne 1 ]; then printf 'error\\0'
      elif dpkg --compare-versions -- "$a" gt "$b" 2>/dev/null; then printf '1\\0'
      else printf '0\\0'; fi
    done`;
  return inParallel(pairs, async (chunk) =>
    records(await runBash(script, chunk.map(([a, b]) => `${a}\0${b}\0`).join('')), chunk.length),
  );
}

/** dpkg's verdict on each version string: `ok`, or `error: <reason>` / `warning: <reason>` in dpkg's words. */
export function dpkgCheck(versions: string[]): Promise<string[]> {
  const script = `
    while IFS= read -r -d '' v; do
      printf '%s\\0' "$(dpkg --compare-versions -- "$v" eq "$v" 2>&1 >/dev/null)"
    done`;
  return inParallel(versions, async (chunk) =>
    records(await runBash(script, chunk.map((v) => `${v}\0`).join('')), chunk.length).map((msg) => {
      if (msg === '') return 'ok';
      const m = /^dpkg: (error|warning): version '[\s\S]*' has bad syntax: ([^\n]*)/.exec(msg);
      return m ? `${m[1]}: ${m[2]}` : `unparsed: ${msg}`;
    }),
  );
}
