/**
 * The generators' texts in real packages, judged by lintian 2.116: for a few plans that stress them (licenses given
 * by reference, in full, proprietary; odd descriptions; console and desktop), a source package made by dpkg-source
 * from the generated debian/ and a .deb whose control is made by dpkg-gencontrol from the generated control and
 * changelog, with the generated copyright, changelog.Debian.gz, man page, metainfo and lintian overrides installed.
 * One lintian run on all of them: no error, only the warnings docs/packaging.md allows, and every override used.
 * (The whole-pipeline packages, built by dh, are checked in src/packaging/build.test.ts.)
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { requireTools } from '../../testing/env.ts';
import { ALLOWED_LINTIAN_WARNINGS } from '../check/lintian.ts';
import type { PackagePlan } from '../types.ts';
import {
  changelog,
  control,
  copyright,
  launcherNames,
  lintianOverrides,
  manpage,
  metainfo,
  metainfoPath,
  rules,
  rulesLintianOverrides,
  sourceFormat,
} from './index.ts';
import { OLD_FSF_ADDRESS } from './lintian-overrides.ts';
import { samplePlan } from './sample-plan.ts';

const PLANS: PackagePlan[] = [
  samplePlan(),
  samplePlan({
    package: 'dual-tool',
    license: 'MIT OR Apache-2.0',
    licenseText: 'Permission is hereby granted, free of charge, to any person obtaining a copy…',
    desktop: null,
    icon: null,
    homepage: 'https://github.com/Some-User/dual-tool',
    summary: 'dual-tool - the fastest "dual" <licensed> tool.',
    description:
      '.NET-free helper.\n\n# Usage\n\n- run it\n- enjoy Ünïcödé & <markup>\n\nSee https://example.org/docs',
    copyright: 'Copyright (c) 2019-2024 Some User <some@user.example>',
  }),
  samplePlan({
    package: 'closed-app',
    license: 'LicenseRef-proprietary',
    licenseText: undefined,
    desktop: null,
    icon: null,
    homepage: undefined,
    summary: 'Editor',
    description: '',
    copyright: '',
    section: 'non-free/utils',
  }),
  // Licenses named without their text and not in common-licenses: the SPDX texts (a CC text shorter than lintian's
  // minimum is incomplete-creative-commons-license; AGPL has no common-licenses file).
  // The upload's own license text with the FSF's old address (neovim's COPYING quotes such a GPL notice):
  // old-fsf-address-in-copyright-file, overridden because the text is quoted verbatim.
  samplePlan({
    package: 'old-notice',
    license: 'Vim',
    licenseText:
      'VIM LICENSE\n\nThis program is distributed in the hope that it will be useful.\n\nYou should have received a copy of the GNU General Public License along with this program; if not, write to the Free Software Foundation, Inc., 59 Temple Place - Suite 330, Boston, MA 02111-1307, USA.\n',
    desktop: null,
    icon: null,
  }),
  samplePlan({
    package: 'cc-tool',
    license: 'CC-BY-SA-4.0 OR AGPL-3.0-or-later',
    licenseText: undefined,
    desktop: null,
    icon: null,
  }),
];

function put(path: string, data: string | Uint8Array, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
  chmodSync(path, mode);
}

/** An unstripped ELF executable (the developer's build: debug info kept). */
function compile(dir: string): string {
  const src = join(dir, 'main.c');
  writeFileSync(src, '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n');
  const exe = join(dir, 'a.out');
  execFileSync('gcc', [
    '-g',
    '-O2',
    '-Wl,-z,relro,-z,now',
    '-fstack-protector-strong',
    '-D_FORTIFY_SOURCE=2',
    '-o',
    exe,
    src,
  ]);
  return exe;
}

/** An executable with zlib linked in statically: lintian's embedded-library zlib (a bundled copy). */
function compileWithZlib(dir: string): Buffer {
  const src = join(dir, 'z.c');
  writeFileSync(
    src,
    '#include <zlib.h>\n#include <stdio.h>\nint main(void) { z_stream s = {0}; printf("%d\\n", deflateInit(&s, 9)); return 0; }\n',
  );
  const exe = join(dir, 'z.out');
  execFileSync('gcc', ['-O2', '-o', exe, src, '-l:libz.a']);
  return readFileSync(exe);
}

/** The bundled zlib user shipped by the plans that have one (package path below usr/lib/<package>). */
const BUNDLED = 'lib/zipper';

function sourcePackage(plan: PackagePlan, root: string, exe: Buffer, zlib: Buffer): string {
  const top = join(root, `${plan.package}-${plan.upstreamVersion}`);
  for (const e of plan.executables) put(join(top, e.split('/').slice(1).join('/')), exe, 0o755);
  put(join(top, BUNDLED), zlib, 0o755);
  execFileSync('tar', [
    '--sort=name',
    '--owner=0',
    '--group=0',
    '-czf',
    join(root, `${plan.package}_${plan.upstreamVersion}.orig.tar.gz`),
    '-C',
    root,
    `${plan.package}-${plan.upstreamVersion}`,
  ]);
  const debian = join(top, 'debian');
  put(join(debian, 'control'), control(plan));
  put(join(debian, 'changelog'), changelog(plan));
  put(join(debian, 'copyright'), copyright(plan));
  put(join(debian, 'rules'), rules(plan), 0o755);
  put(join(debian, 'source/format'), sourceFormat());
  // Generated files live in the source package under debian/pkgme/<path> (docs/packaging.md).
  put(join(debian, 'pkgme', metainfoPath(plan)), metainfo(plan));
  put(
    join(debian, 'source/lintian-overrides'),
    [
      ...rulesLintianOverrides(plan),
      ...[...plan.executables.map((e) => e.split('/').slice(1).join('/')), BUNDLED].map(
        (p) => `${plan.package} source: source-is-missing [${p}]`,
      ),
      '',
    ].join('\n'),
  );
  execFileSync('dpkg-source', ['-b', top], { cwd: root, stdio: 'pipe' });
  return top;
}

function binaryPackage(plan: PackagePlan, top: string, root: string, exe: Buffer, zlib: Buffer): string {
  const tree = join(root, `${plan.package}-tree`);
  const app = `usr/lib/${plan.package}`;
  const unstripped: string[] = [];
  for (const e of plan.executables) {
    const rel = `${app}/${e.split('/').slice(1).join('/')}`;
    put(join(tree, rel), exe, 0o755);
    unstripped.push(rel);
    const name = e.split('/').pop()!;
    mkdirSync(join(tree, 'usr/bin'), { recursive: true });
    symlinkSync(`../lib/${plan.package}/${e.split('/').slice(1).join('/')}`, join(tree, 'usr/bin', name));
    put(join(tree, `usr/share/man/man1/${name}.1.gz`), gzipSync(manpage(plan, e), { level: 9 }));
  }
  put(join(tree, app, BUNDLED), zlib, 0o755);
  const embedded = [{ path: `/${app}/${BUNDLED}`, library: 'zlib' }];
  // A vendor tree under /opt, as a re-packaged .deb keeps it (only the proprietary plan here).
  const optDirs = plan.package === 'closed-app' ? ['/opt/Vendor App'] : [];
  for (const d of optDirs) put(join(tree, d, 'data/readme.txt'), 'vendor data\n');
  assert.deepEqual(
    launcherNames(plan),
    plan.executables.map((e) => e.split('/').pop()),
  );
  const doc = join(tree, 'usr/share/doc', plan.package);
  put(join(doc, 'copyright'), copyright(plan));
  put(join(doc, 'changelog.Debian.gz'), gzipSync(changelog(plan), { level: 9 }));
  put(join(tree, metainfoPath(plan)), metainfo(plan));
  if (plan.desktop !== null) put(join(tree, `usr/share/applications/${plan.package}.desktop`), plan.desktop);
  const overrides = lintianOverrides(plan, {
    unstripped: [...unstripped, `${app}/${BUNDLED}`],
    libsWithoutNeeded: [],
    embeddedLibraries: embedded,
    optDirs,
    oldFsfAddress: OLD_FSF_ADDRESS.test(copyright(plan)),
  });
  put(join(tree, 'usr/share/lintian/overrides', plan.package), overrides);
  mkdirSync(join(tree, 'DEBIAN'));
  execFileSync('dpkg-gencontrol', [`-P${tree}`, `-p${plan.package}`, '-Vmisc:Depends='], {
    cwd: top,
    stdio: 'pipe',
  });
  const deb = join(root, `${plan.package}_${plan.version}_${plan.architecture}.deb`);
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zxz', '-b', tree, deb], { stdio: 'pipe' });
  return deb;
}

test('lintian on packages made of the generated texts: no error, only allowed warnings, overrides used', (t) => {
  if (!requireTools(t, ['lintian', 'dpkg-source', 'dpkg-gencontrol', 'gcc'], 'lintian dpkg-dev gcc')) return;
  const root = mkdtempSync(join(tmpdir(), 'pkgme-lintian-'));
  const exe = readFileSync(compile(root));
  const zlib = compileWithZlib(root);
  const files: string[] = [];
  for (const plan of PLANS) {
    const top = sourcePackage(plan, root, exe, zlib);
    files.push(join(root, `${plan.package}_${plan.version}.dsc`), binaryPackage(plan, top, root, exe, zlib));
  }
  const r = spawnSync(
    'lintian',
    ['--no-cfg', '-I', '--show-overrides', '--tag-display-limit', '0', ...files],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  const lines = r.stdout.split('\n').filter((l) => /^[EWIO]: /.test(l));
  const tag = (l: string): string => /^\w: \S+(?: source)?: (\S+)/.exec(l)?.[1] ?? l;
  const bad = lines.filter(
    (l) => l.startsWith('E: ') || (l.startsWith('W: ') && !(tag(l) in ALLOWED_LINTIAN_WARNINGS)),
  );
  assert.deepEqual(bad, [], r.stdout + r.stderr);
  const overridden = lines.filter((l) => l.startsWith('O: '));
  for (const plan of PLANS) {
    assert.ok(
      overridden.some((l) => l.startsWith(`O: ${plan.package}: unstripped-binary-or-object`)),
      `the unstripped-binary-or-object override of ${plan.package} was used:\n${r.stdout}`,
    );
    assert.ok(
      overridden.includes(`O: ${plan.package}: embedded-library zlib [usr/lib/${plan.package}/${BUNDLED}]`),
      `the embedded-library override of ${plan.package} was used:\n${r.stdout}`,
    );
  }
  assert.ok(
    overridden.includes('O: closed-app: dir-or-file-in-opt [opt/Vendor App/data/readme.txt]'),
    r.stdout,
  );
  assert.deepEqual(
    lines.filter((l) => /unused-override|mismatched-override|malformed-override/.test(l)),
    [],
  );
});
