/**
 * Safe extraction of an upload vs GNU tar, side by side, alternating runs, medians:
 * - a ~200 MB tree (10,000 small files of mixed text/random content, plus big incompressible and compressible
 *   files) packed as .tar.xz and .tar.gz, and a ~50 MB tree of the same mix (to show memory does not grow with the
 *   archive);
 * - ours: a child node process running extractUpload (bundled with esbuild, so it starts like a program, not like
 *   tsx compiling TypeScript) under /usr/bin/time for its peak RSS; reference: `tar -xJf` / `tar -xzf`.
 * Archives are cached in bench/.work/extract (making the 200 MB .tar.xz takes about a minute the first time).
 * Goal: at most 1.5x GNU tar's time (the ratio is the median of the per-round ratios of back-to-back runs).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmtMiB, fmtMs, median, record, runMeasured, type CmdResult } from './lib.ts';

const root = join(import.meta.dirname, '..');
const work = join(import.meta.dirname, '.work', 'extract');

/** Deterministic-enough mixed tree of about `mb` MB. */
function makeTree(dir: string, mb: number): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const scale = mb / 200;
  const text = readFileSync('/usr/share/common-licenses/GPL-3');
  const bins = readdirSync('/usr/bin')
    .map((f) => join('/usr/bin', f))
    .filter((p) => {
      try {
        return readFileSync(p).length > 50_000;
      } catch {
        return false;
      }
    })
    .slice(0, 400);
  // Many small files: a third random, the rest text, 100 B - 16 KB, in 100 directories.
  const small = Math.round(10_000 * scale);
  for (let i = 0; i < small; i++) {
    const d = join(dir, 'small', `d${i % 100}`);
    if (i < 100) mkdirSync(d, { recursive: true });
    const size = 100 + ((i * 7919) % 16_000);
    writeFileSync(join(d, `f${i}.dat`), i % 3 === 0 ? randomBytes(size) : text.subarray(0, size));
  }
  // Big incompressible files.
  mkdirSync(join(dir, 'big'));
  for (let i = 0; i < 4; i++)
    writeFileSync(join(dir, 'big', `random${i}.bin`), randomBytes(Math.round(20e6 * scale)));
  // Compressible: real binaries, concatenated into a few big "libraries" until ~70 MB.
  let budget = 70e6 * scale;
  for (let i = 0; budget > 0; i++) {
    const parts: Buffer[] = [];
    let n = 0;
    for (const b of bins.slice(i * 40, i * 40 + 40)) {
      const c = readFileSync(b);
      parts.push(c);
      n += c.length;
      if (n > 20e6 * scale) break;
    }
    if (n === 0) break;
    writeFileSync(join(dir, 'big', `lib${i}.so`), Buffer.concat(parts));
    budget -= n;
  }
}

function archives(mb: number): { xz: string; gz: string } {
  const base = join(work, `tree${mb}`);
  const xz = `${base}.tar.xz`;
  const gz = `${base}.tar.gz`;
  if (!existsSync(xz) || !existsSync(gz)) {
    makeTree(base, mb);
    execFileSync('sh', ['-c', `tar -C ${base} -cf - . | xz -T2 -6 > ${xz}.tmp && mv ${xz}.tmp ${xz}`]);
    execFileSync('sh', ['-c', `tar -C ${base} -cf - . | gzip -6 > ${gz}.tmp && mv ${gz}.tmp ${gz}`]);
    rmSync(base, { recursive: true, force: true });
  }
  return { xz, gz };
}

/** Bundles a tiny program around extractUpload, so the child runs plain JavaScript. */
function bundle(): string {
  const entry = join(work, 'extract-child.ts');
  const out = join(work, 'extract-child.mjs');
  writeFileSync(
    entry,
    `import { extractUpload } from ${JSON.stringify(join(root, 'src/upload/extract.ts'))};\n` +
      `const m = await extractUpload(process.argv[2], process.argv[3]);\n` +
      `process.stdout.write(String(m.entries.length));\n`,
  );
  execFileSync(join(root, 'node_modules/.bin/esbuild'), [
    entry,
    '--bundle',
    '--platform=node',
    '--format=esm',
    '--packages=external',
    `--outfile=${out}`,
    '--log-level=warning',
  ]);
  return out;
}

export default async function (): Promise<void> {
  mkdirSync(work, { recursive: true });
  const child = bundle();
  const dest = join(work, 'out');
  for (const mb of [200, 50]) {
    // The small archive's runs are short and the machine is shared: more rounds steady its median.
    const rounds = mb === 200 ? 3 : 5;
    const a = archives(mb);
    for (const [kind, archive, flag] of [
      ['xz', a.xz, '-xJf'],
      ['gz', a.gz, '-xzf'],
    ] as const) {
      const ours: CmdResult[] = [];
      const ref: CmdResult[] = [];
      for (let r = 0; r < rounds; r++) {
        rmSync(dest, { recursive: true, force: true });
        const o = await runMeasured(process.execPath, [child, archive, dest], { cwd: root });
        if (o.code !== 0) throw new Error(`our extraction of ${archive} failed (exit ${o.code})`);
        ours.push(o);
        rmSync(dest, { recursive: true, force: true });
        mkdirSync(dest);
        const t = await runMeasured('tar', [flag, archive, '-C', dest]);
        if (t.code !== 0) throw new Error(`tar ${flag} ${archive} failed`);
        ref.push(t);
      }
      rmSync(dest, { recursive: true, force: true });
      const om = median(ours.map((x) => x.ms));
      const rm = median(ref.map((x) => x.ms));
      const rss = Math.max(...ours.map((x) => x.maxRssKiB));
      // Median of the per-round ratios: each pair ran back to back, so load from elsewhere on this shared machine
      // hits both sides of a pair alike.
      const ratio = median(ours.map((x, i) => x.ms / ref[i]!.ms));
      record({
        bench: `extract ${mb} MB tree .tar.${kind}`,
        ours: `${fmtMs(om)}, peak RSS ${fmtMiB(rss)}`,
        reference: `tar ${flag} ${fmtMs(rm)}, peak RSS ${fmtMiB(Math.max(...ref.map((x) => x.maxRssKiB)))}`,
        ratio: `${ratio.toFixed(2)}x GNU tar's time`,
        goal: '<= 1.5x',
        met: ratio <= 1.5,
      });
    }
  }
}
