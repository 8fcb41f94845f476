/**
 * .deb reading and writing against dpkg-deb, side by side, 3 rounds, medians:
 * - control: read the control fields of the 13 cached real .debs (ours in-process; dpkg-deb -f, one process each,
 *   which is what an importer would otherwise run);
 * - contents: list the data member of libllvm14 (21 MB .deb, xz) — ours vs dpkg-deb --contents;
 * - build: write a .deb (xz) from an unpacked tree (bash-doc + fonts-dejavu-core, ~10 MB) — ours vs
 *   dpkg-deb --build --root-owner-group -Zxz.
 * The .debs come from .cache/debs (the deb tests fetch them with apt-get download).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmtMs, median, record, runMeasured, timeIt } from './lib.ts';
import { realDebs } from '../src/formats/deb/fixtures.ts';
import { DebFile } from '../src/formats/deb/read.ts';
import { writeDeb } from '../src/formats/deb/write.ts';

const CONTROL =
  'Package: bench\nVersion: 1\nArchitecture: all\nMaintainer: A <a@example.org>\nDescription: b\n x\n';

export default async function (): Promise<void> {
  const debs = realDebs();
  const work = join(import.meta.dirname, '.work', 'deb');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const tree = join(work, 'tree');
  for (const p of debs.filter((d) => /\/(bash-doc|fonts-dejavu-core)_/.test(d)))
    execFileSync('dpkg-deb', ['-x', p, tree]);
  const llvm = debs.find((d) => d.includes('/libllvm14_'))!;

  const t = { ctl: [] as number[], ctlRef: [] as number[], ls: [] as number[], lsRef: [] as number[] };
  const b = { ours: [] as number[], ref: [] as number[] };
  for (let round = 0; round < 3; round++) {
    t.ctl.push(
      await timeIt(async () => {
        for (const d of debs)
          if (!(await DebFile.open(d)).info.control.fields.get('Package')) throw new Error(d);
      }),
    );
    let ms = 0;
    for (const d of debs) ms += (await runMeasured('dpkg-deb', ['-f', d])).ms;
    t.ctlRef.push(ms);
    t.ls.push(await timeIt(async () => (await DebFile.open(llvm)).listData()));
    t.lsRef.push((await runMeasured('dpkg-deb', ['--contents', llvm])).ms);
    b.ours.push(
      await timeIt(() =>
        writeDeb(join(work, 'ours.deb'), { control: CONTROL, data: { dir: tree }, epoch: 0 }),
      ),
    );
    const ref = join(work, 'ref');
    rmSync(ref, { recursive: true, force: true });
    execFileSync('cp', ['-a', tree, ref]);
    mkdirSync(join(ref, 'DEBIAN'));
    writeFileSync(join(ref, 'DEBIAN/control'), CONTROL);
    const r = await runMeasured('dpkg-deb', [
      '--root-owner-group',
      '-Zxz',
      '--build',
      ref,
      join(work, 'ref.deb'),
    ]);
    if (r.code !== 0) throw new Error('dpkg-deb --build failed');
    b.ref.push(r.ms);
  }
  const row = (bench: string, ours: number[], ref: number[], refName: string, goal: number) => {
    const o = median(ours);
    const r = median(ref);
    record({
      bench,
      ours: fmtMs(o),
      reference: `${refName} ${fmtMs(r)}`,
      ratio: `${(o / r).toFixed(2)}x ${refName} time`,
      goal: `within ${goal}x of ${refName}`,
      met: o / r <= goal,
    });
  };
  row(`deb control fields of ${debs.length} real debs`, t.ctl, t.ctlRef, 'dpkg-deb -f', 1);
  row('deb contents of libllvm14 (21 MB, xz)', t.ls, t.lsRef, 'dpkg-deb -c', 1.5);
  row('deb build xz from a ~10 MB tree', b.ours, b.ref, 'dpkg-deb --build', 2);
}
