/**
 * Packaging performance (issue 4, "Performance"), side by side in one run:
 *
 * - ours: one process doing what `pkgme package --build` does (bench/autopkg/package-one.ts: open the store,
 *   packageUpload with no overrides → .orig.tar.gz, .debian.tar.xz, .dsc, .deb, report), wall time and peak RSS
 *   from GNU time;
 * - reference: `tar -xzf` of the same upload into root/usr/lib/perfapp, then `dpkg-deb --build` of that tree.
 *
 * Fair comparison: the same compression for the .deb's data member on both sides (xz preset 6, one thread: our
 * writer's default, and `dpkg-deb -Zxz -z6 --threads-max=1`), the same machine, rounds interleaved. Ours does more
 * (inspects every ELF file, resolves Depends, writes the source package and sha256s every output), which is the
 * work the ratio is about. The upload is bench/autopkg/perf-tree.ts (real ELF files + incompressible +
 * compressible data); sizes are the .tar.gz's: 50 MB and 200 MB, to show that peak memory does not grow with size.
 * PKGME_PERF_SIZES="50,200" and PKGME_PERF_ROUNDS=1 change the sizes and rounds.
 */
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { perfTarball } from './autopkg/perf-tree.ts';
import { storeCopy } from './autopkg/store.ts';
import { fmtMiB, fmtMs, median, record, runMeasured } from './lib.ts';

const CONTROL =
  'Package: perfapp\nVersion: 1.0-1\nArchitecture: amd64\nMaintainer: A <a@example.org>\nDescription: bench\n x\n';

interface Side {
  ms: number[];
  rssKiB: number[];
}

async function ours(tarball: string, out: string, db: string): Promise<{ ms: number; rss: number }> {
  rmSync(out, { recursive: true, force: true });
  const r = await runMeasured(process.execPath, [
    '--import',
    'tsx',
    join(import.meta.dirname, 'autopkg', 'package-one.ts'),
    tarball,
    out,
    db,
  ]);
  if (r.code !== 0) throw new Error(`package-one.ts failed (exit ${r.code}) on ${tarball}:\n${r.stderrTail}`);
  return { ms: r.ms, rss: r.maxRssKiB };
}

async function reference(tarball: string, work: string): Promise<{ ms: number; rss: number }> {
  const root = join(work, 'root');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(root, 'usr/lib/perfapp'), { recursive: true });
  mkdirSync(join(root, 'DEBIAN'));
  writeFileSync(join(root, 'DEBIAN/control'), CONTROL);
  const x = await runMeasured('tar', [
    '-xzf',
    tarball,
    '-C',
    join(root, 'usr/lib/perfapp'),
    '--strip-components=1',
  ]);
  const b = await runMeasured('dpkg-deb', [
    '--root-owner-group',
    '-Zxz',
    '-z6',
    '--threads-max=1',
    '--build',
    root,
    join(work, 'ref.deb'),
  ]);
  if (x.code !== 0 || b.code !== 0) throw new Error(`reference failed: tar ${x.code}, dpkg-deb ${b.code}`);
  return { ms: x.ms + b.ms, rss: Math.max(x.maxRssKiB, b.maxRssKiB) };
}

export default async function (): Promise<void> {
  const sizes = (process.env.PKGME_PERF_SIZES ?? '50,200').split(',').map(Number);
  const rounds = Number(process.env.PKGME_PERF_ROUNDS ?? 1);
  const db = storeCopy();
  try {
    await measure(sizes, rounds, db);
  } finally {
    rmSync(db, { recursive: true, force: true });
  }
}

async function measure(sizes: number[], rounds: number, db: string): Promise<void> {
  const work = join(import.meta.dirname, '.work', 'package');
  const peak = new Map<number, number>();
  for (const mb of sizes) {
    const { tarball } = perfTarball(mb);
    const size = statSync(tarball).size;
    const o: Side = { ms: [], rssKiB: [] };
    const r: Side = { ms: [], rssKiB: [] };
    for (let i = 0; i < rounds; i++) {
      const a = await ours(tarball, join(work, 'ours'), db);
      o.ms.push(a.ms);
      o.rssKiB.push(a.rss);
      const b = await reference(tarball, join(work, 'ref'));
      r.ms.push(b.ms);
      r.rssKiB.push(b.rss);
    }
    rmSync(work, { recursive: true, force: true });
    const ratio = median(o.ms) / median(r.ms);
    peak.set(mb, Math.max(...o.rssKiB));
    record({
      bench: `package ${(size / 1e6).toFixed(0)} MB .tar.gz → source + .deb`,
      ours: `${fmtMs(median(o.ms))}, peak ${fmtMiB(Math.max(...o.rssKiB))}`,
      reference: `tar -xf + dpkg-deb --build ${fmtMs(median(r.ms))}, peak ${fmtMiB(Math.max(...r.rssKiB))}`,
      ratio: `${ratio.toFixed(2)}x`,
      goal: '≤ 1.5x',
      met: ratio <= 1.5,
    });
  }
  const [small, big] = [Math.min(...sizes), Math.max(...sizes)];
  if (small !== big) {
    const growth = peak.get(big)! / peak.get(small)!;
    record({
      bench: `package peak RSS, ${small} MB vs ${big} MB upload`,
      ours: `${fmtMiB(peak.get(small)!)} → ${fmtMiB(peak.get(big)!)}`,
      reference: `${big / small}x the input`,
      ratio: `${growth.toFixed(2)}x`,
      goal: 'flat (≤ 1.2x)',
      met: growth <= 1.2,
    });
  }
}
