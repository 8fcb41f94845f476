/**
 * The layout's launcher rule against the dynamic loader itself: for every fixture executable, `ldd` on the
 * unpacked upload reports a bundled library "not found" exactly when the layout chose a wrapper, and with the
 * wrapper's LD_LIBRARY_PATH (mapped back into the upload) ldd finds everything. Also: the essential-command list
 * against dpkg's own view, and the clash errors.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { PkgmeError } from '../errors.ts';
import { requireTools } from '../testing/env.ts';
import { buildDeb } from './build.ts';
import { checkAppstream, isAppstreamTreeFile } from './check/appstream.ts';
import { readDebContents } from './check/contents.ts';
import { metainfo, metainfoPath } from './debian/index.ts';
import { essentialCommands, planLayout } from './layout.ts';
import { FIXTURE_NAMES, fixtureExtras, fixturePlan, openFixture } from './testing.ts';

function ldd(path: string, env: Record<string, string> = {}): string {
  return execFileSync('ldd', [path], { encoding: 'utf8', env: { ...process.env, ...env } });
}

test('wrapper launchers exactly where ldd cannot find a bundled library; the wrapper path fixes it', async (t) => {
  if (!requireTools(t, ['gcc', 'ldd'], 'gcc libc-bin')) return;
  let wrappers = 0;
  let links = 0;
  for (const name of FIXTURE_NAMES) {
    const { upload, cleanup } = await openFixture(name);
    try {
      const plan = fixturePlan(name);
      const layout = planLayout(plan, upload, fixtureExtras(name));
      for (const exe of plan.executables) {
        const base = exe.split('/').pop()!;
        const launcher = layout.placements.find((p) => p.to === `/usr/bin/${base}`)!;
        const abs = join(upload.root!, exe);
        const notFound = /not found/.test(ldd(abs));
        assert.equal(launcher.kind === 'generated', notFound, `${name}: ${exe} launcher ${launcher.kind}`);
        if (launcher.kind === 'generated') {
          wrappers++;
          const dirs = layout.launchers[base]!.map((d) =>
            join(upload.root!, layout.appRoot, d.slice(layout.appDir.length)),
          );
          assert.doesNotMatch(ldd(abs, { LD_LIBRARY_PATH: dirs.join(':') }), /not found/);
          assert.match(String(launcher.data), /^#!\/bin\/sh\n/);
        } else {
          links++;
          assert.equal(launcher.kind, 'symlink');
        }
      }
    } finally {
      cleanup();
    }
  }
  console.log(`launchers: ${wrappers} wrappers, ${links} symlinks, each agreeing with ldd`);
  assert.ok(wrappers >= 2 && links >= 2);
});

test('essential commands equal the /bin and /usr/bin names of Essential packages per dpkg-query', (t) => {
  if (!requireTools(t, ['dpkg-query'], 'dpkg')) return;
  const pkgs = execFileSync('dpkg-query', ['-W', '-f=${Essential} ${Package}\\n'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.startsWith('yes '))
    .map((l) => l.slice(4));
  const listed = execFileSync('dpkg-query', ['-L', ...pkgs], { encoding: 'utf8' })
    .split('\n')
    .map((l) => /^\/(?:usr\/)?s?bin\/([^/]+)$/.exec(l)?.[1])
    .filter((x): x is string => x !== undefined);
  const ours = essentialCommands();
  assert.deepEqual([...ours].sort(), [...new Set(listed)].sort());
  console.log(`essential commands: ${ours.size} from ${pkgs.length} packages`);
});

test('launcher clashes are typed errors with a fix', async () => {
  const { upload, cleanup } = await openFixture('nopath');
  try {
    const plan = fixturePlan('nopath');
    const clash = (p: typeof plan, code: string) =>
      assert.throws(
        () => planLayout(p, upload, { icons: [] }),
        (e: unknown) => e instanceof PkgmeError && e.code === code && e.hint !== undefined,
      );
    clash({ ...plan, executables: ['bundler-0.3/bundler', 'bundler-0.3/bundler'] }, 'LAYOUT_LAUNCHER_CLASH');
    clash({ ...plan, executables: ['bundler-0.3/nothere'] }, 'LAYOUT_BAD_EXECUTABLE');
    const renamed = { ...upload, inventory: { ...upload.inventory } };
    renamed.inventory.entries = upload.inventory.entries.map((e) =>
      e.path === 'bundler-0.3/bundler' ? { ...e, path: 'bundler-0.3/ls' } : e,
    );
    assert.throws(
      () => planLayout({ ...plan, executables: ['bundler-0.3/ls'] }, renamed, { icons: [] }),
      (e: unknown) => e instanceof PkgmeError && e.code === 'LAYOUT_LAUNCHER_ESSENTIAL',
    );
    assert.throws(
      () => planLayout(plan, upload, { icons: [{ to: '/usr/bin/bundler', data: new Uint8Array(1) }] }),
      (e: unknown) => e instanceof PkgmeError && e.code === 'LAYOUT_DUPLICATE_PATH',
    );
  } finally {
    cleanup();
  }
});

test('an upstream debian/ directory is not shipped, with a warning', async () => {
  const { upload, cleanup } = await openFixture('data');
  try {
    const layout = planLayout(fixturePlan('data'), upload, fixtureExtras('data'));
    assert.ok(layout.warnings.some((w) => w.code === 'LAYOUT_UPSTREAM_DEBIAN_DIR'));
    assert.ok(!layout.placements.some((p) => p.to.startsWith('/usr/lib/datapp/debian')));
    assert.ok(layout.placements.some((p) => p.to === '/usr/lib/datapp/share/my file.txt'));
  } finally {
    cleanup();
  }
});

/**
 * The whole metainfo chain: the generator's text, placed by the layout, built into the .deb, judged by pkgme check's
 * appstreamcli check (validate + validate-tree, which warns metainfo-filename-cid-mismatch when the file is not
 * named after the component id, as it was when the layout used the package name).
 */
test("the metainfo is installed under its component id; pkgme check's appstreamcli check passes", async (t) => {
  if (!requireTools(t, ['gcc', 'appstreamcli'], 'gcc appstream')) return;
  const { upload, cleanup } = await openFixture('gui');
  const out = mkdtempSync(join(tmpdir(), 'pkgme-layout-meta-'));
  try {
    // A component id unlike the package name, so a layout naming the file after the package fails the check.
    const plan = { ...fixturePlan('gui'), homepage: 'https://viewer.example.com/' };
    const extras = { ...fixtureExtras('gui'), metainfo: metainfo(plan) };
    const layout = planLayout(plan, upload, extras);
    const placed = layout.placements.filter((p) => p.to.startsWith('/usr/share/metainfo/')).map((p) => p.to);
    assert.deepEqual(placed, [metainfoPath(plan)]);
    assert.notEqual(metainfoPath(plan), `/usr/share/metainfo/${plan.package}.metainfo.xml`);
    const deb = await buildDeb(plan, upload, layout, out);
    const result = await checkAppstream(await readDebContents(deb.path, isAppstreamTreeFile));
    assert.deepEqual(result.errors, [], JSON.stringify(result.details));
    assert.ok(result.ok);
    console.log(`appstreamcli on ${placed[0]}: ok, ${result.warnings.length} infos`);
  } finally {
    cleanup();
    rmSync(out, { recursive: true, force: true });
  }
});

test("a launcher's man page is the upload's own when it ships one, else the generated one", async () => {
  const { upload, cleanup } = await openFixture('nopath');
  try {
    const layout = planLayout(fixturePlan('nopath'), upload, fixtureExtras('nopath'));
    const man = layout.placements.filter((p) => p.to.startsWith('/usr/share/man/'));
    assert.deepEqual(man, [
      { kind: 'upload', from: 'bundler-0.3/man/bundler-tool.1', to: '/usr/share/man/man1/bundler-tool.1' },
      {
        kind: 'upload',
        from: 'bundler-0.3/share/man/man1/bundler.1.gz',
        to: '/usr/share/man/man1/bundler.1.gz',
      },
    ]);
  } finally {
    cleanup();
  }
  const cli = await openFixture('cli');
  try {
    const layout = planLayout(fixturePlan('cli'), cli.upload, fixtureExtras('cli'));
    const man = layout.placements.filter((p) => p.to.startsWith('/usr/share/man/'));
    assert.deepEqual(
      man.map((p) => [p.kind, p.to]),
      [['generated', '/usr/share/man/man1/clitool.1']],
    );
  } finally {
    cli.cleanup();
  }
});

test("the upload's man page with groff-1.23-only macros ships rewritten (generated), plain or gzipped", async () => {
  const { upload, cleanup } = await openFixture('nopath');
  try {
    const plainPath = join(upload.root!, 'bundler-0.3/man/bundler-tool.1');
    const gzPath = join(upload.root!, 'bundler-0.3/share/man/man1/bundler.1.gz');
    writeFileSync(plainPath, `${readFileSync(plainPath, 'latin1')}.Tg tool\n.MR ls 1 ,\n`, 'latin1');
    const gzText = gunzipSync(readFileSync(gzPath)).toString('latin1');
    writeFileSync(gzPath, gzipSync(Buffer.from(`${gzText}.Tg bundler\n`, 'latin1')));
    const layout = planLayout(fixturePlan('nopath'), upload, fixtureExtras('nopath'));
    const man = layout.placements.filter((p) => p.to.startsWith('/usr/share/man/'));
    assert.deepEqual(
      man.map((p) => [p.kind, p.to]),
      [
        ['generated', '/usr/share/man/man1/bundler-tool.1'],
        ['generated', '/usr/share/man/man1/bundler.1'],
      ],
    );
    const [tool, bundler] = man.map((p) =>
      p.kind === 'generated' ? Buffer.from(p.data).toString('latin1') : '',
    );
    assert.equal(
      tool,
      `${readFileSync(plainPath, 'latin1').replace('.Tg tool\n.MR ls 1 ,\n', '')}.IR ls (1),\n`,
    );
    assert.equal(bundler, gzText);
  } finally {
    cleanup();
  }
});
