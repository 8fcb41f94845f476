/**
 * planPackage on uploads compiled here with gcc (and aarch64-linux-gnu-gcc), through the real binary backend and the
 * resolver over the machine's dpkg database: the oracles are dpkg --print-architecture, /etc/os-release, lintian's
 * policy data (Standards-Version), stat (the date), and lintian itself on .debs carrying the plan's Maintainer and
 * Description (the default maintainer and the synopsis/description clean-up must raise none of its tags).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { binaryBackend } from '../backends/binary.ts';
import { debBackend } from '../backends/deb.ts';
import { openDebUpload } from '../backends/deb-unpack.ts';
import type { Upload } from '../backends/types.ts';
import { resolveFiles } from '../depdb/resolve/index.ts';
import { localReader } from '../depdb/resolve/testing/memory-reader.ts';
import { PkgmeError } from '../errors.ts';
import { realDebs } from '../formats/deb/fixtures.ts';
import { inventoryTree } from '../inspect/inventory.ts';
import { cachedFixture, requireTools, run, unavailable } from '../testing/env.ts';
import { parseSetArgs } from './overrides.ts';
import {
  DEFAULT_MAINTAINER,
  machineRelease,
  planPackage,
  STANDARDS_VERSIONS,
  type PlanOptions,
} from './plan.ts';
import type { PackagePlan } from './types.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pkgme-plan-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const MAIN_C = '#include <zlib.h>\n#include <stdio.h>\nint main(void) { puts(zlibVersion()); return 0; }\n';
const LIB_C = 'int foo_answer(void) { return 42; }\n';
const USE_LIB_C = 'int foo_answer(void);\nint main(void) { return foo_answer() == 42 ? 0 : 1; }\n';

function src(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

function gcc(out: string, args: string[], cc = 'gcc'): void {
  mkdirSync(join(out, '..'), { recursive: true });
  run(cc, ['-O1', '-o', out, ...args]);
}

function upload(dir: string, name = dir.split('/').pop()!): Upload {
  return { path: dir, name, isFile: false, root: dir, inventory: inventoryTree(dir) };
}

/** The machine's dpkg database as the resolver reads it: loaded once for all the tests here. */
let reader: ReturnType<typeof localReader> | undefined;

/** Inspect as the pipeline does: the binary backend's fields, the resolver over the machine's dpkg database. */
async function plan(dir: string, opts: PlanOptions = {}, name?: string): Promise<PackagePlan> {
  const u = upload(dir, name);
  const info = await binaryBackend.info(u);
  const releases = (await resolveFiles((reader ??= localReader()), [dir])).releases;
  return planPackage(
    { fields: info.fields, problems: info.problems, releases, upload: u },
    { env: {}, ...opts },
  );
}

const codes = (p: PackagePlan, severity?: 'error' | 'warning') =>
  p.problems.filter((x) => severity === undefined || x.severity === severity).map((x) => x.code);

let appDir: string | undefined;
function app(t: Parameters<typeof requireTools>[0]): string | undefined {
  if (!requireTools(t, ['gcc'], 'gcc zlib1g-dev')) return undefined;
  if (appDir !== undefined) return appDir;
  const dir = join(tmp, 'zapp-1.4.2');
  gcc(join(dir, 'bin', 'zapp'), [src('zapp.c', MAIN_C), '-lz']);
  writeFileSync(join(dir, 'README.md'), '# zapp\n\nzapp prints the zlib version.\n');
  // A known newest mtime: the plan's date must be it, whatever the clock says.
  utimesSync(join(dir, 'README.md'), 1_700_000_000, 1_700_000_000);
  utimesSync(join(dir, 'bin', 'zapp'), 1_600_000_000, 1_600_000_000);
  utimesSync(join(dir, 'bin'), 1_600_000_000, 1_600_000_000);
  utimesSync(dir, 1_600_000_000, 1_600_000_000);
  return (appDir = dir);
}

test('a gcc-built app: architecture, release, Depends, Standards-Version, date, defaults', async (t) => {
  const dir = app(t);
  if (dir === undefined || !requireTools(t, ['dpkg', 'stat'], 'dpkg coreutils')) return;
  const p = await plan(dir);
  assert.equal(p.package, 'zapp');
  assert.equal(p.upstreamVersion, '1.4.2');
  assert.equal(p.version, '1.4.2-1');
  assert.equal(p.architecture, run('dpkg', ['--print-architecture']).trim());
  const codename = /^VERSION_CODENAME=(.*)$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
  assert.equal(p.release, codename);
  assert.equal(machineRelease(), codename);
  assert.match(p.depends, /(^|, )libc6 \(>= [^)]+\)/);
  assert.match(p.depends, /(^|, )zlib1g \(>= [^)]+\)/);
  assert.equal(p.verdict?.depends, p.depends);
  assert.deepEqual(p.executables, ['bin/zapp']);
  const newest = Math.max(
    ...run('find', [dir, '-mindepth', '1', '-printf', '%T@\n'])
      .trim()
      .split('\n')
      .map((s) => Math.floor(Number(s))),
  );
  assert.equal(p.date, newest);
  assert.equal(p.date, 1_700_000_000);
  assert.equal(p.maintainer, DEFAULT_MAINTAINER);
  assert.equal(p.license, 'proprietary');
  assert.ok(codes(p, 'warning').includes('MAINTAINER_DEFAULT'));
  assert.ok(codes(p, 'warning').includes('LICENSE_UNKNOWN'));
  assert.deepEqual(codes(p, 'error'), []);
  assert.ok(p.summary.length > 0 && p.summary.length <= 80 && !p.summary.endsWith('.'));
  assert.ok(p.description.length > 0);
  assert.equal(p.fields.architecture?.source, 'elf:e_machine');
  assert.equal(p.fields.revision?.source, 'default');
  console.log(
    `plan: ${p.package} ${p.version} ${p.architecture} ${p.release}; Depends: ${p.depends}; summary "${p.summary}"`,
  );
});

test("Standards-Version for the machine's release is what its lintian knows", (t) => {
  const release = machineRelease();
  let data: string;
  try {
    data = readFileSync('/usr/share/lintian/data/debian-policy/releases.json', 'utf8');
  } catch {
    if (!requireTools(t, ['lintian'], 'lintian')) return;
    throw new Error('lintian without its policy releases data');
  }
  if (release === undefined || STANDARDS_VERSIONS[release] === undefined) {
    unavailable(t, `no Standards-Version entry for this machine's release ${release}`);
    return;
  }
  const doc = JSON.parse(data) as { releases: Array<{ version: string }> };
  const newest = doc.releases[0]!.version.split('.').slice(0, 3).join('.');
  console.log(
    `lintian on ${release} knows Policy ${doc.releases[0]!.version}; plan uses ${STANDARDS_VERSIONS[release]}`,
  );
  assert.equal(STANDARDS_VERSIONS[release], newest);
});

/**
 * debian-policy's version in each release's Packages index, through a private apt state on the machine's first
 * apt source (the system's lists are left alone), cached: `release version` lines. Releases the mirror no longer
 * serves are left out.
 */
function policyVersions(): Map<string, string> {
  const dir = cachedFixture(
    'policy-versions',
    (out) => {
      const first = readFileSync('/etc/apt/sources.list.d/debian.sources', 'utf8').split(/\n\s*\n/)[0]!;
      const lines: string[] = [];
      for (const release of Object.keys(STANDARDS_VERSIONS)) {
        const state = join(out, release);
        mkdirSync(join(state, 'lists', 'partial'), { recursive: true });
        writeFileSync(join(state, 'debian.sources'), first.replace(/^Suites: .*$/m, `Suites: ${release}`));
        const opts = [
          '-qq',
          `-o=Dir::Etc::sourcelist=${join(state, 'debian.sources')}`,
          '-o=Dir::Etc::sourceparts=-',
          `-o=Dir::State::Lists=${join(state, 'lists')}`,
        ];
        try {
          run('apt-get', ['update', ...opts]);
          const show = run('apt-cache', [...opts, 'show', '--no-all-versions', 'debian-policy']);
          const v = /^Version: (.*)$/m.exec(show)?.[1];
          if (v !== undefined) lines.push(`${release} ${v}`);
        } catch (err) {
          console.log(`${release}: no index (${(err as Error).message.split('\n')[0]})`);
        }
        rmSync(join(state, 'lists'), { recursive: true, force: true });
      }
      writeFileSync(join(out, 'versions'), lines.join('\n'));
    },
    { version: Object.keys(STANDARDS_VERSIONS).join(',') },
  );
  return new Map(
    readFileSync(join(dir, 'versions'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split(' ') as [string, string]),
  );
}

test("Standards-Version per release is the debian-policy version of that release's archive", (t) => {
  if (!requireTools(t, ['apt-get', 'apt-cache'], 'apt')) return;
  const versions = policyVersions();
  const compared: string[] = [];
  for (const [release, v] of versions) {
    assert.equal(STANDARDS_VERSIONS[release], v.split('.').slice(0, 3).join('.'), release);
    compared.push(`${release} ${v}`);
  }
  console.log(`debian-policy per release: ${compared.join(', ')}`);
  assert.ok(
    versions.has('bookworm') && versions.has('trixie'),
    `fetched only ${[...versions.keys()].join(', ')}`,
  );
});

test('overrides win and are recorded as user; DEBEMAIL beats the default', async (t) => {
  const dir = app(t);
  if (dir === undefined) return;
  const overrides = parseSetArgs([
    'name=zapp-tool',
    'version=2:1.5',
    'revision=3',
    'maintainer=Jane Doe <jane@example.org>',
    'depends=libc6 (>= 2.36)',
    'date=2024-01-02T03:04:05Z',
    'summary=Prints the zlib version',
    'section=utils',
  ]);
  const p = await plan(dir, { overrides });
  assert.equal(p.package, 'zapp-tool');
  assert.equal(p.version, '2:1.5-3');
  assert.equal(p.upstreamVersion, '1.5');
  assert.equal(p.maintainer, 'Jane Doe <jane@example.org>');
  assert.equal(p.depends, 'libc6 (>= 2.36)');
  assert.equal(p.date, Date.UTC(2024, 0, 2, 3, 4, 5) / 1000);
  assert.equal(p.summary, 'Prints the zlib version');
  assert.equal(p.section, 'utils');
  for (const f of ['name', 'version', 'revision', 'maintainer', 'depends', 'date', 'summary', 'section'])
    assert.deepEqual([p.fields[f]?.source, p.fields[f]?.confidence], ['user', 1], f);
  const env = await plan(dir, { env: { DEBFULLNAME: 'Max Mustermann', DEBEMAIL: 'max@example.com' } });
  assert.equal(env.maintainer, 'Max Mustermann <max@example.com>');
  assert.ok(!codes(env).includes('MAINTAINER_DEFAULT'));
});

test('no name or no version: a typed input error saying which --set to add', async (t) => {
  if (!requireTools(t, ['gcc'], 'gcc')) return;
  const dir = join(tmp, 'noversion', 'tool');
  gcc(join(dir, 'tool'), [src('t.c', 'int main(void){return 0;}\n')]);
  await assert.rejects(
    plan(dir),
    (e: unknown) =>
      e instanceof PkgmeError &&
      e.code === 'VERSION_UNKNOWN' &&
      e.kind === 'input' &&
      e.hint === 'Add --set version=1.2.3.',
  );
  const p = await plan(dir, { overrides: parseSetArgs(['version=0.9']) });
  assert.equal(p.version, '0.9-1');
  assert.ok(!codes(p).includes('VERSION_UNKNOWN'), 'the inherited problem is settled by the override');
  const u = upload(dir);
  assert.throws(
    () => planPackage({ fields: {}, problems: [], releases: {}, upload: u }, { release: 'bookworm' }),
    (e: unknown) => e instanceof PkgmeError && e.code === 'NAME_UNKNOWN' && /--set name=/.test(e.hint ?? ''),
  );
});

test('bad input: bundled glibc, unresolved library, broken ELF, no executables', async (t) => {
  if (!requireTools(t, ['gcc'], 'gcc')) return;
  // Bundled glibc: the machine's own libc.so.6 and dynamic loader copied into the upload.
  const g = join(tmp, 'glibcapp-1.0');
  gcc(join(g, 'glibcapp'), [src('g.c', 'int main(void){return 0;}\n')]);
  mkdirSync(join(g, 'lib'));
  copyFileSync(realpathSync('/lib/x86_64-linux-gnu/libc.so.6'), join(g, 'lib', 'libc.so.6'));
  copyFileSync(realpathSync('/lib64/ld-linux-x86-64.so.2'), join(g, 'lib', 'ld-linux-x86-64.so.2'));
  const pg = await plan(g);
  const glibc = pg.problems.find((x) => x.code === 'BUNDLED_GLIBC');
  assert.equal(glibc?.severity, 'error');
  assert.match(glibc.message, /glibcapp-1\.0\/lib\/libc\.so\.6|lib\/libc\.so\.6/);
  assert.match(glibc.message, /ld-linux-x86-64\.so\.2/);
  assert.match(glibc.hint!, /libc6/);

  // Unresolved: linked against a library the upload does not ship and no package provides.
  const u = join(tmp, 'needfoo-1.0');
  const libdir = join(tmp, 'libfoo-build');
  mkdirSync(libdir, { recursive: true });
  run('gcc', [
    '-shared',
    '-fPIC',
    '-Wl,-soname,libpkgmefoo.so.1',
    '-o',
    join(libdir, 'libpkgmefoo.so.1'),
    src('foo.c', LIB_C),
  ]);
  writeFileSync(join(libdir, 'libpkgmefoo.so'), readFileSync(join(libdir, 'libpkgmefoo.so.1')));
  gcc(join(u, 'bin', 'needfoo'), [src('usefoo.c', USE_LIB_C), `-L${libdir}`, '-lpkgmefoo']);
  const pu = await plan(u);
  const unres = pu.problems.find((x) => x.code === 'UNRESOLVED_LIBRARIES');
  assert.equal(unres?.severity, 'error');
  assert.match(unres.message, /libpkgmefoo\.so\.1 \(needed by bin\/needfoo\)/);
  const withDeps = await plan(u, { overrides: parseSetArgs(['depends=libc6']) });
  assert.equal(withDeps.problems.find((x) => x.code === 'UNRESOLVED_LIBRARIES')?.severity, 'warning');
  // Shipping the library beside the binary resolves it (the resolver finds it bundled).
  copyFileSync(join(libdir, 'libpkgmefoo.so.1'), join(u, 'bin', 'libpkgmefoo.so.1'));
  assert.ok(!codes(await plan(u)).includes('UNRESOLVED_LIBRARIES'));

  // Broken ELF: a truncated copy is a warning; named as the executable, an error.
  const b = join(tmp, 'broken-1.0');
  gcc(join(b, 'broken'), [src('b.c', 'int main(void){return 0;}\n')]);
  writeFileSync(join(b, 'helper'), readFileSync(join(b, 'broken')).subarray(0, 100));
  const pb = await plan(b);
  const w = pb.problems.find((x) => x.code === 'BROKEN_ELF');
  assert.equal(w?.severity, 'warning');
  assert.match(w.message, /^helper: /);
  const pb2 = await plan(b, { overrides: parseSetArgs(['executables=helper']) });
  assert.equal(pb2.problems.find((x) => x.code === 'BROKEN_ELF')?.severity, 'error');

  // No executables: only a shared library (an addon) is a warning; no ELF at all is an error.
  const l = join(tmp, 'addon-1.0');
  mkdirSync(l, { recursive: true });
  copyFileSync(join(libdir, 'libpkgmefoo.so.1'), join(l, 'addon.node'));
  const pl = await plan(l);
  assert.equal(pl.problems.find((x) => x.code === 'NO_EXECUTABLES')?.severity, 'warning');
  assert.equal(pl.desktop, null);
  const d = join(tmp, 'data-1.0');
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'notes.txt'), 'hello\n');
  const u2 = upload(d);
  const pd = planPackage(
    {
      fields: {
        name: { value: 'data', source: 'user', confidence: 1 },
        version: { value: '1.0', source: 'user', confidence: 1 },
      },
      problems: [],
      releases: {},
      upload: u2,
    },
    { release: 'bookworm', env: {} },
  );
  const ne = pd.problems.find((x) => x.code === 'NO_EXECUTABLES');
  assert.equal(ne?.severity, 'error');
  assert.match(ne.message, /no ELF files/);
  // An executable named by the user must exist.
  const pm = await plan(b, { overrides: parseSetArgs(['executables=bin/nope']) });
  assert.ok(codes(pm, 'error').includes('EXECUTABLE_NOT_FOUND'));
});

test('one tree per architecture: the machine arch (or --set architecture) is packaged; a real mix is an error', async (t) => {
  if (!requireTools(t, ['gcc', 'aarch64-linux-gnu-gcc'], 'gcc gcc-aarch64-linux-gnu')) return;
  const dir = join(tmp, 'multi-2.0');
  const c = src('m.c', 'int main(void){return 0;}\n');
  // No arm64 libc is needed (libc6-dev-arm64-cross may be absent): a static executable with its own _start.
  const armArgs = [src('start.c', 'void _start(void) { for (;;) {} }\n'), '-nostdlib', '-static'];
  gcc(join(dir, 'x86_64', 'multi'), [c]);
  gcc(join(dir, 'aarch64', 'multi'), armArgs, 'aarch64-linux-gnu-gcc');
  const p = await plan(dir);
  assert.equal(p.architecture, 'amd64');
  assert.equal(p.appRoot, 'x86_64');
  assert.deepEqual(p.executables, ['x86_64/multi']);
  assert.ok(!codes(p, 'error').includes('MIXED_ARCHITECTURES'), JSON.stringify(p.problems));
  const w = p.problems.find((x) => x.code === 'ARCHITECTURE_TREES');
  assert.match(w!.message, /aarch64\/ \(arm64\)/);
  const arm = await plan(dir, { overrides: parseSetArgs(['architecture=arm64']) });
  assert.equal(arm.architecture, 'arm64');
  assert.equal(arm.appRoot, 'aarch64');
  assert.deepEqual(arm.executables, ['aarch64/multi']);

  // A shared directory beside the trees would be lost by packaging one tree: not a per-architecture upload.
  mkdirSync(join(dir, 'share'));
  writeFileSync(join(dir, 'share', 'data.txt'), 'shared\n');
  const shared = await plan(dir);
  assert.equal(shared.problems.find((x) => x.code === 'MIXED_ARCHITECTURES')?.severity, 'error');
  assert.equal(shared.appRoot, undefined);

  const mixed = join(tmp, 'mixed-2.0');
  gcc(join(mixed, 'bin', 'mixed'), [c]);
  gcc(join(mixed, 'bin', 'mixed-arm'), armArgs, 'aarch64-linux-gnu-gcc');
  const pm = await plan(mixed);
  const e = pm.problems.find((x) => x.code === 'MIXED_ARCHITECTURES');
  assert.equal(e?.severity, 'error');
  assert.match(e.message, /amd64, arm64/);
});

/** A minimal binary .deb with the given control fields, for lintian. */
function deb(name: string, control: Record<string, string>): string {
  const root = join(tmp, 'debs', name);
  mkdirSync(join(root, 'DEBIAN'), { recursive: true });
  const text = Object.entries(control)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
  writeFileSync(join(root, 'DEBIAN', 'control'), `${text}\n`);
  const out = join(tmp, 'debs', `${name}.deb`);
  run('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', root, out]);
  return out;
}

function extended(description: string): string {
  return description
    .split('\n\n')
    .map((para) => {
      const words = para.split(' ');
      const lines: string[] = [];
      let line = '';
      for (const w of words) {
        if (line !== '' && line.length + w.length + 1 > 78) {
          lines.push(` ${line}`);
          line = w;
        } else line = line === '' ? w : `${line} ${w}`;
      }
      lines.push(` ${line}`);
      return lines.join('\n');
    })
    .join('\n .\n');
}

test('lintian accepts the default maintainer and the cleaned-up synopsis and description', async (t) => {
  const dir = app(t);
  if (dir === undefined || !requireTools(t, ['lintian', 'dpkg-deb'], 'lintian dpkg')) return;
  const cases: Array<[string, string | undefined, string | undefined]> = [
    ['zapp', undefined, undefined],
    [
      'zapp',
      'zapp - a tool to print the zlib version.',
      'zapp - a tool to print the zlib version.\n\nIt prints it.',
    ],
    ['zapp', 'ZAPP: The zlib version printer. It is great. Really.', undefined],
    ['zapp', undefined, 'Zapp'],
    [
      'zapp',
      undefined,
      'Zapp greets you from a bundled library, and prints the versions of zlib and libpng it runs with.',
    ],
    ['zapp', undefined, `${'very long synopsis '.repeat(8)}end.\n\nMore text.`],
  ];
  // Without a README, so the summary comes from the description or the fallback.
  const bare = join(tmp, 'bare', 'zapp-1.4.2');
  mkdirSync(join(bare, 'bin'), { recursive: true });
  copyFileSync(join(dir, 'bin', 'zapp'), join(bare, 'bin', 'zapp'));
  const debs: string[] = [];
  for (const [i, [name, summary, description]] of cases.entries()) {
    const set = [
      ...(summary ? [`summary=${summary}`] : []),
      ...(description ? [`description=${description}`] : []),
    ];
    const p = await plan(bare, { overrides: parseSetArgs(set), release: 'bookworm' });
    assert.equal(p.package, name);
    debs.push(
      deb(`case${i}`, {
        Package: p.package,
        Version: p.version,
        Architecture: p.architecture,
        Maintainer: p.maintainer,
        'Installed-Size': '1',
        Section: p.section,
        Priority: 'optional',
        Description: `${p.summary}\n${extended(p.description)}`,
      }),
    );
    assert.deepEqual(codes(p, 'error'), []);
    console.log(`case ${i}: "${p.summary}" / "${p.description.slice(0, 60)}"`);
  }
  const out = run('sh', ['-c', `lintian --no-tag-display-limit ${debs.join(' ')} 2>&1; true`]);
  const bad = out
    .split('\n')
    .filter((l) => /^[EW]: /.test(l))
    .filter((l) => /description|synopsis|contact|mail|maintainer|phrase/.test(l));
  console.log(`lintian on ${debs.length} .debs: ${bad.length} description/maintainer tags`);
  assert.deepEqual(bad, []);
});

test("no dependency data for the release: DEPENDS_UNKNOWN, unless a backend's own Depends stands in", async (t) => {
  const dir = app(t);
  if (dir === undefined) return;
  const u = upload(dir);
  const info = await binaryBackend.info(u);
  const none = planPackage(
    { fields: info.fields, problems: info.problems, releases: {}, upload: u },
    { release: 'trixie', env: {} },
  );
  const e = none.problems.find((x) => x.code === 'DEPENDS_UNKNOWN');
  assert.equal(e?.severity, 'error');
  assert.match(e.hint!, /pkgme depdb import --source --release trixie/);
  assert.equal(none.standardsVersion, '4.7.2');
  const own = planPackage(
    {
      fields: {
        ...info.fields,
        depends: { value: 'libc6 (>= 2.36), zlib1g', source: 'control:DEBIAN/control', confidence: 1 },
      },
      problems: info.problems,
      releases: {},
      upload: u,
    },
    { release: 'trixie', env: {} },
  );
  assert.equal(own.depends, 'libc6 (>= 2.36), zlib1g');
  assert.ok(!codes(own).includes('DEPENDS_UNKNOWN'));
});

test('corrections reach the desktop entry (Exec, Categories, Comment) and the section; desktop-file-validate accepts it', async (t) => {
  const dir = app(t);
  if (dir === undefined || !requireTools(t, ['desktop-file-validate'], 'desktop-file-utils')) return;
  const d = join(tmp, 'desk', 'zapp-1.4.2');
  mkdirSync(join(d, 'bin'), { recursive: true });
  mkdirSync(join(d, 'share'), { recursive: true });
  copyFileSync(join(dir, 'bin', 'zapp'), join(d, 'bin', 'zapp'));
  copyFileSync(join(dir, 'bin', 'zapp'), join(d, 'bin', 'zapp-gui'));
  writeFileSync(
    join(d, 'share', 'zapp.desktop'),
    '[Desktop Entry]\nType=Application\nName=Zapp\nComment=Old comment\nComment[de]=Alt\nExec=zapp %F\nIcon=zapp\nCategories=Utility;\n',
  );
  const before = await plan(d);
  assert.equal(before.section, 'utils');
  // No metadata, metainfo or README: the entry's Comment is the summary.
  assert.equal(before.summary, 'Old comment');
  assert.equal(before.fields.summary?.source, 'file:share/zapp.desktop');
  assert.match(before.desktop!, /^Exec=\/usr\/bin\/zapp %F$/m);
  const p = await plan(d, {
    overrides: parseSetArgs([
      'executables=bin/zapp-gui',
      'categories=Game,ArcadeGame',
      'summary=Arcade game of zlib versions',
    ]),
  });
  assert.deepEqual(codes(p, 'error'), []);
  const desktop = p.desktop!;
  // Categories Game make the section games, whose launchers live in /usr/games (plan-launcher.ts).
  assert.equal(p.section, 'games');
  assert.match(desktop, /^Exec=\/usr\/games\/zapp-gui %F$/m);
  assert.match(desktop, /^Categories=Game;ArcadeGame;$/m);
  assert.match(desktop, /^Comment=Arcade game of zlib versions$/m);
  assert.doesNotMatch(desktop, /Comment\[de\]/);
  assert.equal(p.section, 'games');
  const file = join(tmp, 'desk', 'zapp.desktop');
  writeFileSync(file, desktop);
  const r = spawnSync('desktop-file-validate', [file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(r.stdout.trim(), '', r.stdout);
});

/** The plan of a real .deb as `pkgme package` makes it: unpacked, inspected by the deb backend. */
async function debPlan(deb: string, backend?: string): Promise<PackagePlan> {
  const { upload: u, cleanup } = await openDebUpload(deb);
  try {
    const info = await debBackend.info(u);
    return planPackage(
      {
        fields: info.fields,
        problems: info.problems,
        releases: {},
        upload: u,
        ...(backend ? { backend } : {}),
      },
      { release: 'bookworm', env: {} },
    );
  } finally {
    cleanup();
  }
}

test('re-packaged data .debs (fonts, Python modules) warn of no executables; libc6 is refused as the C library', async (t) => {
  if (!requireTools(t, ['apt-get', 'dpkg-deb'], 'apt dpkg')) return;
  const debs = realDebs();
  const find = (p: string) => debs.find((d) => d.split('/').pop()!.startsWith(`${p}_`))!;
  for (const pkg of ['fonts-dejavu-core', 'python3-six'])
    for (const backend of [undefined, 'deb']) {
      const p = await debPlan(find(pkg), backend);
      const ne = p.problems.find((x) => x.code === 'NO_EXECUTABLES');
      assert.equal(ne?.severity, 'warning', `${pkg} (backend ${backend ?? 'from the fields'})`);
      assert.match(ne.message, /a \.deb of \d+ data files/);
      assert.deepEqual(codes(p, 'error'), [], pkg);
      assert.equal(p.desktop, null);
    }
  const libc = await debPlan(find('libc6'));
  const g = libc.problems.find((x) => x.code === 'BUNDLED_GLIBC');
  assert.equal(g?.severity, 'error');
  assert.match(g.message, /re-packaging the C library is not supported/);
  assert.match(g.message, /libc\.so\.6/);
  // The same files in a binary upload (backend given): the bundling message and its removal hint.
  const asBinary = await debPlan(find('libc6'), 'binary');
  assert.match(asBinary.problems.find((x) => x.code === 'BUNDLED_GLIBC')!.hint!, /^Remove them/);
});

test('one license file per alternative: each text is kept under the SPDX id the file holds', async (t) => {
  const base = app(t);
  if (base === undefined) return;
  if (!requireTools(t, ['cp'], 'coreutils')) return;
  const dir = join(tmp, 'dual-2.0');
  rmSync(dir, { recursive: true, force: true });
  run('cp', ['-a', base, dir]);
  // The GPL text from the machine (recognised by its text); a custom MIT wording (recognised by its markers or,
  // failing that, by the file name).
  copyFileSync('/usr/share/common-licenses/GPL-3', join(dir, 'LICENSE-GPL-3'));
  const mit =
    'Copyright (c) 2024 Dual Authors\n\nPermission is hereby granted, free of charge, to any person obtaining a copy of this software, to deal in the Software without restriction.\n\nTHE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND.\n';
  writeFileSync(join(dir, 'LICENSE-MIT'), mit);
  const p = await plan(dir);
  assert.match(p.license, /^(GPL-3\.0-only OR MIT|MIT OR GPL-3\.0-only)$/);
  assert.equal(p.licenseText, undefined);
  assert.deepEqual(Object.keys(p.licenseTexts ?? {}).sort(), ['GPL-3.0-only', 'MIT']);
  assert.equal(p.licenseTexts?.MIT, mit);
});
