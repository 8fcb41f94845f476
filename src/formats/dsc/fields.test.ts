/**
 * dscParagraph on real debian/control files: each real source package is unpacked with dpkg-source -x and rebuilt
 * with dpkg-source -b; our fields for the same control file, version and (orig) files must equal the rebuilt .dsc.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { requireTools } from '../../testing/env.ts';
import { parseDeb822 } from '../deb822/index.ts';
import { dscParagraph } from './fields.ts';
import { readDsc } from './read.ts';
import { fetchRealSources } from './real-sources.fixture.ts';

const work = mkdtempSync(join(tmpdir(), 'pkgme-dscfields-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('.dsc fields of real packages equal what dpkg-source -b writes for the same tree', async (t) => {
  if (!requireTools(t, ['dpkg-source', 'apt-get'], 'dpkg-dev apt')) return;
  const dscs = fetchRealSources();
  let fields = 0;
  let withTests = 0;
  for (const path of dscs) {
    const real = await readDsc(path);
    const dir = mkdtempSync(join(work, `${real.source}-`));
    const top = join(dir, 'tree');
    const x = spawnSync('dpkg-source', ['--no-copy', '-x', path, top], { encoding: 'utf8' });
    assert.equal(x.status, 0, x.stderr);
    // dpkg-source -b reuses the orig tarball(s) (and their .asc) placed beside the tree.
    const isNative = real.format === '3.0 (native)';
    const upstreamFiles = real.files.filter((f) => !isNative && !/\.debian\.tar\./.test(f.name));
    for (const f of upstreamFiles) copyFileSync(join(path, '..', f.name), join(dir, f.name));
    const b = spawnSync('dpkg-source', ['-b', 'tree'], { cwd: dir, encoding: 'utf8' });
    assert.equal(b.status, 0, b.stderr);
    const rebuilt = parseDeb822(
      readFileSync(
        join(
          dir,
          readdirSync(dir).find((n) => n.endsWith('.dsc'))!,
        ),
        'utf8',
      ),
    )[0]!;
    const control = parseDeb822(readFileSync(join(top, 'debian', 'control'), 'utf8'));
    const expected = rebuilt.entries();
    const testsPath = join(top, 'debian', 'tests', 'control');
    const tests = existsSync(testsPath) ? parseDeb822(readFileSync(testsPath, 'utf8')) : undefined;
    if (tests) withTests++;
    const ours = dscParagraph({
      format: real.format,
      version: rebuilt.get('Version')!,
      control,
      files: upstreamFiles.map((f) => ({ ...f, sha1: f.sha1 ?? '', sha256: f.sha256 ?? '' })),
      ...(tests ? { tests } : {}),
    }).entries();
    assert.deepEqual(
      ours.map(([n]) => n),
      expected.map(([n]) => n),
      `${real.source}: field order`,
    );
    for (const [name, value] of expected) {
      const mine = ours.find(([n]) => n === name)![1];
      if (/^(Checksums-|Files$)/.test(name)) {
        // The upstream files are the same bytes; the debian/native tarball is rebuilt by dpkg-source.
        const upstream = (v: string) =>
          v.split('\n').filter((l) => upstreamFiles.some((f) => l.endsWith(` ${f.name}`)));
        assert.deepEqual(upstream(mine), upstream(value), `${real.source}: ${name}`);
      } else assert.equal(mine, value, `${real.source}: ${name}`);
      fields++;
    }
  }
  console.log(
    `dsc fields vs dpkg-source -b on ${dscs.length} real packages (${withTests} with autopkgtests): ` +
      `${fields} fields equal in order`,
  );
});
