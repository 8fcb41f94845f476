/**
 * readDebContents against dpkg-deb on real Debian packages and the check fixtures: the same paths, types and modes as
 * `dpkg-deb --contents`, kept files byte-identical to what `dpkg-deb --fsys-tarfile | tar -xO` gives, ELF files as
 * file(1) sees them.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { isPkgmeError } from '../../errors.ts';
import { pack } from 'tar-stream';
import { writeAr } from '../../formats/ar/write.ts';
import { tarBuffer } from '../../formats/tar/write.ts';
import { test } from 'node:test';
import { realDebs } from '../../formats/deb/fixtures.ts';
import { requireTools, run } from '../../testing/env.ts';
import { checkFixtures, FIXTURE_TOOLS } from './check.fixture.ts';
import { installedPath, isElf, readDebContents } from './contents.ts';

const TYPE: Record<string, string> = { '-': 'file', d: 'directory', l: 'symlink', h: 'hardlink' };

/** dpkg-deb -c lines "drwxr-xr-x root/root 0 2026-… ./usr/bin/" → "type mode /path". */
function dpkgListing(deb: string): string[] {
  return run('dpkg-deb', ['--contents', deb])
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const m = /^(.)(.{9}) \S+ +\d+ \S+ \S+ (.*?)(?: -> .*| link to .*)?$/.exec(l)!;
      let mode = 0;
      for (let i = 0; i < 9; i++) if (m[2]![i] !== '-') mode |= 1 << (8 - i);
      return `${TYPE[m[1]!]} ${mode.toString(8)} ${installedPath(m[3]!)}`;
    });
}

test('entries, modes and kept files equal dpkg-deb on real and fixture packages', async (t) => {
  if (!requireTools(t, ['dpkg-deb', 'file', ...FIXTURE_TOOLS], 'dpkg-dev file gcc')) return;
  const fx = checkFixtures();
  const real = realDebs().filter((d) => /^(hello|libpng16-16|cron|base-files)_/.test(basename(d)));
  let files = 0;
  let elves = 0;
  for (const deb of [fx.good.deb, fx.bad.deb, ...real]) {
    const keep = (p: string) =>
      p.startsWith('/usr/share/doc/') || p.startsWith('/usr/bin/') || p.startsWith('/etc/');
    const c = await readDebContents(deb, (p) => keep(p));
    const ours = c.entries.map((e) => `${e.type} ${(e.mode & 0o777).toString(8)} ${e.path}`);
    assert.deepEqual(ours, dpkgListing(deb), deb);
    const tar = execFileSync('dpkg-deb', ['--fsys-tarfile', deb], { maxBuffer: 1 << 30 });
    for (const e of c.entries.filter((x) => x.type === 'file')) {
      const body = execFileSync('tar', ['-xOf', '-', `.${e.path}`], { input: tar, maxBuffer: 1 << 30 });
      assert.deepEqual(e.head, body.subarray(0, e.head.length), e.path);
      if (keep(e.path)) assert.deepEqual(c.files.get(e.path), body, e.path);
      else assert.equal(c.files.has(e.path), false);
      const elf = /ELF/.test(execFileSync('file', ['-b', '-'], { input: body.subarray(0, 4096) }).toString());
      assert.equal(isElf(e), elf, e.path);
      files++;
      if (elf) elves++;
    }
  }
  console.log(
    `contents: ${files} files in ${2 + real.length} packages equal dpkg-deb's, ${elves} ELF as file(1)`,
  );
  assert.ok(elves >= 6);
});

test('a member path with ".." is refused (the checks write kept files under a scratch directory)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-contents-'));
  try {
    // Neither dpkg-deb nor our writer makes such a package: the data tar is written with tar-stream directly.
    const data = pack();
    data.entry({ name: './usr/share/metainfo/../../../../tmp/x.xml', size: 1 }, 'x');
    data.finalize();
    const chunks: Buffer[] = [];
    for await (const c of data) chunks.push(c as Buffer);
    const control = await tarBuffer(
      [
        {
          type: 'file',
          path: 'control',
          content: Buffer.from('Package: evil\nVersion: 1\nArchitecture: all\n'),
        },
      ],
      { mtime: 0 },
    );
    const deb = join(dir, 'evil.deb');
    writeFileSync(
      deb,
      writeAr([
        { name: 'debian-binary', data: Buffer.from('2.0\n') },
        { name: 'control.tar', data: control },
        { name: 'data.tar', data: Buffer.concat(chunks) },
      ]),
    );
    await assert.rejects(
      readDebContents(deb, () => true),
      (e) => isPkgmeError(e) && e.code === 'DEB_PATH_OUTSIDE_ROOT',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
