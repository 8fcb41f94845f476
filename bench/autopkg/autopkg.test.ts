/**
 * The corpus in CI, small: (1) the re-shaping keeps real applications loadable — after the RUNPATH rewrite, `ldd`
 * (the dynamic loader itself) finds every private library of audacity and darktable inside the re-shaped tree,
 * readelf shows the `$ORIGIN` path, and the upload has no /usr layout and no debian/ metadata; (2) three members,
 * a C tool, a Rust tool and an npm Go binary, go through packageUpload with no overrides and checkPackage with the
 * chroot install, and must pass — the auto-packaging rate's criterion, on a sample.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { repoRoot, requireTools, unavailable } from '../../src/testing/env.ts';
import { buildUploads } from './fetch.ts';
import { runMember } from './harness.ts';
import { MEMBERS, memberId } from './recipe.ts';
import { withCorpusStore } from './store.ts';

const pick = (...ids: string[]) => MEMBERS.filter((m) => ids.includes(memberId(m)));

function unpack(tarball: string): string {
  // bench/.work is not in a fresh clone (git keeps no empty directories).
  mkdirSync(join(repoRoot, 'bench', '.work'), { recursive: true });
  const dir = mkdtempSync(join(repoRoot, 'bench', '.work', 'autopkg-test-'));
  execFileSync('tar', ['-xzf', tarball, '-C', dir]);
  return dir;
}

test('re-shaped private libraries load from the tree: ldd resolves them through the rewritten $ORIGIN RUNPATH', (t) => {
  if (
    !requireTools(t, ['apt-get', 'dpkg-deb', 'ldd', 'readelf', 'tar'], 'apt dpkg-dev libc-bin binutils tar')
  )
    return;
  for (const u of buildUploads(pick('audacity', 'darktable'))) {
    const dir = unpack(u.path);
    try {
      const [top] = readdirSync(dir);
      const root = join(dir, top!);
      assert.deepEqual(
        readdirSync(root).filter((f) => f === 'usr' || f === 'debian' || f === 'DEBIAN'),
        [],
        `${u.id}: no /usr layout, no debian/ metadata`,
      );
      const exe = join(root, 'bin', u.id);
      const dyn = execFileSync('readelf', ['-d', exe], { encoding: 'utf8' });
      assert.match(
        dyn,
        /R(UN)?PATH.*\[\$ORIGIN\/\.\.\/lib\]/,
        `${u.id}: RUNPATH rewritten to $ORIGIN/../lib`,
      );
      const private_ = readdirSync(join(root, 'lib')).filter((f) => f.endsWith('.so'));
      const needed = [...dyn.matchAll(/NEEDED.*\[(.+)\]/g)]
        .map((m) => m[1]!)
        .filter((n) => private_.includes(n));
      assert.ok(needed.length > 0, `${u.id} needs private libraries`);
      const ldd = execFileSync('ldd', [exe], { encoding: 'utf8' });
      const found = new Map(
        [...ldd.matchAll(/^\s*(\S+) => (\/\S+)/gm)].map((m) => [m[1]!, realpathSync(m[2]!)]),
      );
      for (const n of needed)
        assert.equal(found.get(n), join(root, 'lib', n), `${u.id}: ldd finds ${n} in the tree`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('three corpus members are auto-packaged: no correction, lintian-clean, installed with every library found', async (t) => {
  if (
    !requireTools(t, ['apt-get', 'npm', 'lintian', 'debootstrap', 'dpkg-deb'], 'apt npm lintian debootstrap')
  )
    return;
  if (process.getuid?.() !== 0) return unavailable(t, 'the chroot install test needs root');
  const uploads = buildUploads(pick('jq', 'hexyl', '@esbuild/linux-x64'));
  await withCorpusStore(async (store) => {
    for (const u of uploads) {
      const o = await runMember(
        u,
        store,
        join(repoRoot, 'bench', '.work', `autopkg-test-out-${process.pid}`),
      );
      assert.ok(o.ok, `${u.id}: ${o.stage}: ${o.failure}`);
    }
  });
  rmSync(join(repoRoot, 'bench', '.work', `autopkg-test-out-${process.pid}`), {
    recursive: true,
    force: true,
  });
});
