/**
 * packageUpload's own contract, on the shared gcc fixtures (src/packaging/testing.ts), without a database (Depends
 * given with --set, as a user without an imported release would): every stage reported in order, exactly the
 * outputs in --out and nothing else (no private directory left), a directory upload packaged from its tree, and a
 * run that cannot finish leaving --out as it was. dpkg-source verifies the .dsc it lists.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, test } from 'node:test';
import { PkgmeError } from '../errors.ts';
import { requireTools, run } from '../testing/env.ts';
import { checkAppstream, isAppstreamTreeFile, isMetainfo } from './check/appstream.ts';
import { readDebContents } from './check/contents.ts';
import { formatHint, runLintian, type LintianHint } from './check/lintian.ts';
import { packageUpload, STAGES, type Stage } from './pipeline.ts';
import { fixturePath } from './testing.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pkgme-pipeline-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const DEPENDS = 'libc6 (>= 2.34), zlib1g (>= 1:1.1.4)';

test('cli fixture: stages in order, the five outputs and nothing else, the report lists them', async (t) => {
  if (!requireTools(t, ['gcc', 'tar', 'dpkg-source'], 'gcc tar dpkg-dev zlib1g-dev')) return;
  const out = join(tmp, 'cli');
  const stages: Stage[] = [];
  const r = await packageUpload(fixturePath('cli'), {
    out,
    build: true,
    overrides: { depends: DEPENDS },
    onProgress: (s) => stages.push(s),
  });
  assert.deepEqual(stages, STAGES);
  assert.deepEqual(readdirSync(out).sort(), r.files.map((f) => basename(f.path)).sort());
  assert.deepEqual(r.files.map((f) => f.kind).sort(), ['deb', 'debian', 'dsc', 'orig', 'report']);
  assert.equal(r.plan.depends, DEPENDS);
  assert.equal(r.report.release.dependsSource, 'user');
  assert.deepEqual(
    r.report.files.map((f) => f.name),
    r.files.filter((f) => f.kind !== 'report').map((f) => basename(f.path)),
  );
  const dsc = r.files.find((f) => f.kind === 'dsc')!.path;
  // dpkg-source checks every checksum the .dsc lists against the files beside it.
  run('dpkg-source', ['-x', dsc, join(tmp, 'cli-x')]);
  const report = JSON.parse(readFileSync(r.files.find((f) => f.kind === 'report')!.path, 'utf8')) as {
    upload: { name: string; sha256: string | null };
  };
  assert.equal(report.upload.name, 'clitool-1.2.tar.gz');
  assert.match(report.upload.sha256 ?? '', /^[0-9a-f]{64}$/);
});

test('a directory upload: its tree becomes the .orig tarball; without --build no .deb', async (t) => {
  if (!requireTools(t, ['gcc', 'dpkg-source'], 'gcc dpkg-dev')) return;
  const out = join(tmp, 'data');
  const r = await packageUpload(fixturePath('data'), { out, overrides: { depends: 'libc6 (>= 2.34)' } });
  assert.deepEqual(r.files.map((f) => f.kind).sort(), ['debian', 'dsc', 'orig', 'report']);
  assert.match(basename(r.files.find((f) => f.kind === 'orig')!.path), /\.orig\.tar\.xz$/);
  assert.equal(r.report.upload.sha256, null);
  run('dpkg-source', ['-x', r.files.find((f) => f.kind === 'dsc')!.path, join(tmp, 'data-x')]);
});

test('a run that cannot finish leaves --out as it was', async (t) => {
  if (!requireTools(t, ['gcc', 'tar'], 'gcc tar zlib1g-dev')) return;
  const out = join(tmp, 'blocked');
  mkdirSync(out);
  writeFileSync(join(out, 'keep.txt'), 'mine\n');
  // A directory where the .dsc goes: the outputs cannot all be moved in, so none is.
  mkdirSync(join(out, 'clitool_1.2-1.dsc'));
  await assert.rejects(
    packageUpload(fixturePath('cli'), { out, build: true, overrides: { depends: DEPENDS } }),
    (err: unknown) =>
      err instanceof PkgmeError && err.code === 'OUTPUT_BLOCKED' && /clitool_1\.2-1\.dsc/.test(err.message),
  );
  assert.deepEqual(readdirSync(out).sort(), ['clitool_1.2-1.dsc', 'keep.txt']);
  assert.deepEqual(readdirSync(join(out, 'clitool_1.2-1.dsc')), []);

  // Without dependency data and without --set depends, planning stops before anything is written.
  const out2 = join(tmp, 'nodeps');
  await assert.rejects(packageUpload(fixturePath('cli'), { out: out2 }), (err: unknown) => {
    assert.ok(err instanceof PkgmeError);
    assert.equal(err.code, 'DEPENDS_UNKNOWN');
    return true;
  });
  assert.deepEqual(
    readdirSync(tmp).filter((f) => f === 'nodeps'),
    [],
  );

  // An --out inside a directory upload would be packaged into its own .orig tarball.
  const data = fixturePath('data');
  await assert.rejects(
    packageUpload(data, { out: join(data, 'out'), overrides: { depends: 'libc6' } }),
    (err: unknown) => err instanceof PkgmeError && err.code === 'OUTPUT_INSIDE_UPLOAD',
  );
  assert.ok(!readdirSync(data).includes('out'));
});

test('a library/addon-only upload (an npm .node module): no AppStream metainfo, appstreamcli has nothing to reject', async (t) => {
  if (!requireTools(t, ['gcc', 'dpkg-deb', 'appstreamcli'], 'gcc dpkg-dev appstream')) return;
  const up = join(tmp, 'addon-up', 'addon-1.0');
  mkdirSync(join(up, 'build', 'Release'), { recursive: true });
  writeFileSync(join(tmp, 'addon.c'), 'int addon_init(void) { return 42; }\n');
  run('gcc', ['-shared', '-fPIC', '-o', join(up, 'build', 'Release', 'addon.node'), join(tmp, 'addon.c')]);
  writeFileSync(join(up, 'README'), 'An addon for Node.js that answers 42.\n');
  const r = await packageUpload(up, {
    out: join(tmp, 'addon-out'),
    build: true,
    overrides: { depends: 'libc6 (>= 2.34)', license: 'MIT' },
  });
  const warning = r.plan.problems.find((p) => p.code === 'NO_EXECUTABLES');
  assert.equal(warning?.severity, 'warning');
  assert.match(warning!.message, /library\/addon without launchers or AppStream metainfo/);
  const deb = r.files.find((f) => f.kind === 'deb')!.path;
  const contents = await readDebContents(deb, (p) => isAppstreamTreeFile(p));
  assert.deepEqual([...contents.files.keys()].filter(isMetainfo), []);
  // The oracle: before, the generated console-application failed validate with console-app-no-binary.
  const check = await checkAppstream(contents);
  assert.equal(check.ok, true, check.errors.join('\n'));
});

test('two executables with one base name (git: bin/git and lib/git-core/git): one launcher, the shallower', async (t) => {
  if (!requireTools(t, ['gcc', 'dpkg-deb'], 'gcc dpkg-dev')) return;
  const up = join(tmp, 'git-up', 'git-2.39');
  mkdirSync(join(up, 'bin'), { recursive: true });
  mkdirSync(join(up, 'lib', 'git-core'), { recursive: true });
  writeFileSync(join(tmp, 'git.c'), 'int main(void) { return 0; }\n');
  run('gcc', ['-o', join(up, 'bin', 'git'), join(tmp, 'git.c')]);
  run('gcc', ['-o', join(up, 'lib', 'git-core', 'git'), join(tmp, 'git.c')]);
  run('gcc', ['-o', join(up, 'lib', 'git-core', 'git-shell'), join(tmp, 'git.c')]);
  const r = await packageUpload(up, {
    out: join(tmp, 'git-out'),
    build: true,
    overrides: { depends: 'libc6 (>= 2.34)', license: 'MIT' },
  });
  assert.deepEqual(r.plan.executables, ['bin/git', 'lib/git-core/git-shell']);
  const deb = r.files.find((f) => f.kind === 'deb')!.path;
  // dpkg-deb -c lines end with `./usr/bin/git -> /usr/lib/git/bin/git` for a launcher symlink.
  const launchers = run('dpkg-deb', ['-c', deb])
    .split('\n')
    .map((l) => /\s(\.\/usr\/bin\/\S+)/.exec(l)?.[1])
    .filter((p) => p !== undefined && p !== './usr/bin/');
  assert.deepEqual(launchers.sort(), ['./usr/bin/git', './usr/bin/git-shell']);
});

/**
 * The corpus' failure classes in one game upload, judged by lintian on the pipeline's .deb and .dsc: a non-PIE
 * game (Free Pascal's hedgewars), a static helper (Go), a library with a bundled zlib copy, a script calling
 * sensible-editor, the upload's own AppStream file under metadata_license FSFAP, a desktop entry of category Game
 * (section games) and a README whose wrapped description puts dot words at line starts.
 */
test('lintian on a game upload: every corpus class fixed (no-pie, static, embedded, games, metainfo license; sensible-utils warned)', async (t) => {
  if (!requireTools(t, ['gcc', 'dpkg-deb', 'dpkg-source', 'lintian'], 'gcc libc6-dev dpkg-dev lintian'))
    return;
  const up = join(tmp, 'game-up', 'hedgewars-1.0');
  for (const d of ['bin', 'lib', 'share/metainfo']) mkdirSync(join(up, d), { recursive: true });
  writeFileSync(join(tmp, 'game.c'), '#include <stdio.h>\nint main(void) { puts("play"); return 0; }\n');
  writeFileSync(
    join(tmp, 'bundled.c'),
    '__attribute__((used)) const char z_copyright[] = " inflate 1.2.13 Copyright 1995-2022 Mark Adler ";\n',
  );
  run('gcc', ['-O2', '-no-pie', '-o', join(up, 'bin', 'hedgewars'), join(tmp, 'game.c')]);
  run('gcc', ['-O2', '-static', '-o', join(up, 'bin', 'hwengine'), join(tmp, 'game.c')]);
  run('gcc', ['-shared', '-fPIC', '-o', join(up, 'lib', 'libbundled.so'), join(tmp, 'bundled.c')]);
  writeFileSync(join(up, 'bin', 'hw-notes'), '#!/bin/sh\nexec sensible-editor "$HOME/.hedgewars/notes"\n', {
    mode: 0o755,
  });
  writeFileSync(
    join(up, 'share/metainfo/org.hedgewars.Hedgewars.appdata.xml'),
    '<?xml version="1.0" encoding="UTF-8"?>\n<component type="desktop-application">\n  <id>org.hedgewars.Hedgewars</id>\n' +
      '  <metadata_license>FSFAP</metadata_license>\n  <project_license>MIT</project_license>\n  <name>Hedgewars</name>\n' +
      '  <summary>Turn-based artillery game</summary>\n</component>\n',
  );
  writeFileSync(
    join(up, 'hedgewars.desktop'),
    '[Desktop Entry]\nType=Application\nName=Hedgewars\nComment=Turn-based artillery game\nExec=hedgewars\nIcon=hedgewars\nCategories=Game;StrategyGame;\n',
  );
  writeFileSync(
    join(up, 'README'),
    'Hedgewars is a turn-based artillery game in which teams of hedgehogs fight each other with silly weapons ' +
      'across destructible maps, loading and saving .hwp, .hwt, .hwr and .hws files. Play it online or locally.\n',
  );
  const r = await packageUpload(up, {
    out: join(tmp, 'game-out'),
    build: true,
    overrides: { depends: 'libc6 (>= 2.34)', license: 'MIT' },
  });
  assert.equal(r.plan.section, 'games');
  const deb = r.files.find((f) => f.kind === 'deb')!.path;
  const dsc = r.files.find((f) => f.kind === 'dsc')!.path;
  const lintian = await runLintian([deb, dsc]);
  const hints = (lintian.details as { hints: LintianHint[] }).hints;
  const classes = [
    'hardening-no-pie',
    'statically-linked-binary',
    'embedded-library',
    'package-section-games-but-contains-no-game',
    'inconsistent-appstream-metadata-license',
    'description-contains-invalid-control-statement',
  ];
  assert.deepEqual(hints.filter((h) => classes.includes(h.tag) && h.code !== 'O').map(formatHint), []);
  // Each class was there to fix: the binary ones are overridden (O:), the others are gone by construction.
  assert.deepEqual(
    [...new Set(hints.filter((h) => h.code === 'O' && classes.includes(h.tag)).map((h) => h.tag))].sort(),
    ['embedded-library', 'hardening-no-pie', 'statically-linked-binary'],
  );
  // Nothing else fails lintian but the Depends the user chose to give.
  assert.deepEqual(
    lintian.errors.filter((e) => !/missing-depends-on-sensible-utils/.test(e)),
    [],
  );
  // A user's --set depends is not changed, only warned about; lintian flags the very file pkgme names.
  const warned = r.plan.problems.find((p) => p.code === 'DEPENDS_SENSIBLE_UTILS_MISSING');
  assert.match(warned?.message ?? '', /^bin\/hw-notes runs sensible-editor/);
  assert.deepEqual(
    hints.filter((h) => h.tag === 'missing-depends-on-sensible-utils').map((h) => h.note),
    ['sensible-editor [usr/lib/hedgewars/bin/hw-notes]'],
  );
  const listing = run('dpkg-deb', ['-c', deb]);
  assert.match(listing, /\.\/usr\/games\/hedgewars/);
  assert.doesNotMatch(listing, /\.\/usr\/bin\/hedgewars/);
  assert.match(r.plan.desktop ?? '', /^Exec=\/usr\/games\/hedgewars$/m);
});
