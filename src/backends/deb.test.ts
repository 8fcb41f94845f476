/**
 * The deb backend on real Debian packages (apt-get download, cached): detection; the control fields compared with
 * `dpkg-deb -f`; the dropped control files with `dpkg-deb --ctrl-tarfile | tar -t`; the re-packaged tree
 * (debPlanParts' fixed placements) with `dpkg-deb -c` (same paths, modes and link targets, minus what pkgme
 * regenerates); unpacked trees (dpkg-deb -R) chosen over the binary backend; a truncated .deb and a non-ar file not
 * eligible.
 */
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, test } from 'node:test';
import { realDebs } from '../formats/deb/fixtures.ts';
import { formatRelations, parseRelations } from '../formats/relation/index.ts';
import { requireTools, run } from '../testing/env.ts';
import { inventoryTree } from '../inspect/inventory.ts';
import { inspectUpload } from '../inspect/inspect.ts';
import { debBackend } from './deb.ts';
import { debPlanParts } from './deb-plan.ts';
import { openDebUpload } from './deb-unpack.ts';
import { chooseBackend, detectAll } from './registry.ts';
import type { BackendInfo, Upload } from './types.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pkgme-debbackend-'));
const unpacked = new Map<string, { upload: Upload; cleanup: () => void }>();
after(() => {
  for (const u of unpacked.values()) u.cleanup();
  rmSync(tmp, { recursive: true, force: true });
});

/** Each real .deb is unpacked once for all the tests of this file. */
async function opened(deb: string): Promise<Upload> {
  let u = unpacked.get(deb);
  if (u === undefined) unpacked.set(deb, (u = await openDebUpload(deb)));
  return u.upload;
}

const empty = { root: '', entries: [], architectures: [], providedSonames: {}, externalSonames: {} };
const packed = (path: string): Upload => ({
  path,
  name: basename(path),
  isFile: true,
  root: null,
  inventory: empty,
});

const field = (deb: string, key: string) => run('dpkg-deb', ['-f', deb, key]).replace(/\n$/, '');
const value = (info: BackendInfo, name: string) => String(info.fields[name]?.value ?? '');
/** version + revision back into one Debian version ("1" is the default revision of a native version). */
const fullVersion = (info: BackendInfo) =>
  info.fields.revision?.source === 'default'
    ? value(info, 'version')
    : `${value(info, 'version')}-${value(info, 'revision')}`;

/** The fields dpkg-deb -f gives that info() keeps verbatim. */
const VERBATIM: Array<[string, string]> = [
  ['name', 'Package'],
  ['architecture', 'Architecture'],
  ['maintainer', 'Maintainer'],
  ['section', 'Section'],
  ['homepage', 'Homepage'],
  ['controlDepends', 'Depends'],
  ['controlPreDepends', 'Pre-Depends'],
];

test('real .debs: detected; fields equal dpkg-deb -f; dropped control files equal the control member', async (t) => {
  if (!requireTools(t, ['dpkg-deb', 'apt-get', 'tar'], 'dpkg apt tar')) return;
  let compared = 0;
  let scripts = 0;
  let relations = 0;
  let programs = 0;
  const debs = realDebs();
  for (const deb of debs) {
    assert.equal((await debBackend.detect(packed(deb))).score, 100, deb);
    const upload = await opened(deb);
    assert.equal((await debBackend.detect(upload)).score, 100);
    const info = await debBackend.info(upload);
    for (const [name, key] of VERBATIM) {
      assert.equal(value(info, name), field(deb, key), `${basename(deb)} ${key}`);
      compared++;
    }
    assert.equal(fullVersion(info), field(deb, 'Version'), basename(deb));
    assert.equal(value(info, 'summary'), field(deb, 'Description').split('\n')[0], basename(deb));
    compared += 2;
    // The packed reader (control member only) gives the same fields.
    // (conffiles, executables, license and copyright aside: they need the unpacked tree).
    const { conffiles: _c, executables: _e, license: _l, copyright: _h, ...unpackedFields } = info.fields;
    assert.deepEqual((await debBackend.info(packed(deb))).fields, unpackedFields, basename(deb));
    // executables: the programs on PATH, as dpkg-deb -c lists them (regular files with an x bit).
    const onPath = [...listing(deb)]
      .filter(([p, m]) => /^(usr\/)?(s?bin|games)\/[^/]+$/.test(p) && /^-..x/.test(m))
      .map(([p]) => p);
    assert.deepEqual(info.fields.executables?.value, onPath, basename(deb));
    programs += onPath.length;
    // The other relation fields go to PackagePlan.relations, canonical as dpkg writes them.
    const parts = debPlanParts(upload, info, { package: value(info, 'name') });
    for (const key of ['Suggests', 'Enhances', 'Conflicts', 'Breaks', 'Replaces', 'Provides'] as const) {
      const raw = field(deb, key);
      assert.equal(
        parts.relations[key] ?? '',
        raw && formatRelations(parseRelations(raw)),
        `${basename(deb)} ${key}`,
      );
      if (raw) relations++;
    }
    const members = run('sh', ['-c', `dpkg-deb --ctrl-tarfile "$1" | tar -t`, 'sh', deb])
      .split('\n')
      .map((l) => l.replace(/^\.\//, ''))
      .filter((l) => /^(preinst|postinst|prerm|postrm|config|triggers|templates)$/.test(l))
      .sort();
    const warned = info.problems.find((p) => p.code === 'DEB_MAINTAINER_SCRIPTS_DROPPED');
    if (members.length === 0) assert.equal(warned, undefined, basename(deb));
    else
      assert.match(
        warned?.message ?? '',
        new RegExp(`’s ${members.join(', ')} (is|are) not kept`),
        basename(deb),
      );
    scripts += members.length;
  }
  console.log(
    `deb backend: ${debs.length} real .debs, ${compared} fields equal to dpkg-deb -f, ${relations} relation fields kept, ${programs} programs on PATH, ${scripts} dropped scripts named`,
  );

  const cut = join(tmp, 'cut.deb');
  writeFileSync(cut, readFileSync(debs[0]!).subarray(0, 200));
  const c = await debBackend.detect(packed(cut));
  assert.equal(c.score, 0);
  assert.match(c.reason, /^not a valid \.deb: /);
  const text = join(tmp, 'notes.txt');
  writeFileSync(text, 'hello\n');
  assert.deepEqual(await debBackend.detect(packed(text)), { score: 0, reason: 'not a .deb' });
});

/** `dpkg-deb -c` as path → "mode link-target" for files and symlinks (directories are implied by them). */
function listing(deb: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of run('dpkg-deb', ['-c', deb]).split('\n')) {
    const m = /^([-dlhcbp])(\S{9})\s+\S+\s+\d+ \S+ \S+ \.\/(\S.*?)(?: -> (.*))?$/.exec(line);
    if (!m || m[1] === 'd') continue;
    out.set(
      m[3]!,
      m[1] === 'l'
        ? `l ${m[4]}`
        : `${m[1]}${m[2]!.replace(/[sS]/g, (s) => (s === 's' ? 'x' : '-')).replace(/[tT]$/, (s) => (s === 't' ? 'x' : '-'))}`,
    );
  }
  return out;
}

function modeString(mode: number): string {
  return [...'rwxrwxrwx'].map((c, i) => (mode & (1 << (8 - i)) ? c : '-')).join('');
}

test('re-packaging: the fixed placements are dpkg-deb -c minus what pkgme regenerates', async (t) => {
  if (!requireTools(t, ['dpkg-deb', 'apt-get'], 'dpkg apt')) return;
  let placements = 0;
  for (const deb of realDebs()) {
    const upload = await opened(deb);
    const info = await debBackend.info(upload);
    const pkg = value(info, 'name');
    const parts = debPlanParts(upload, info, { package: pkg });
    const expected = listing(deb);
    for (const p of [`usr/share/doc/${pkg}/copyright`, `usr/share/doc/${pkg}/changelog.Debian.gz`])
      expected.delete(p);
    for (const p of [...expected.keys()])
      if (p.startsWith('usr/share/lintian/overrides/')) expected.delete(p);
    const got = new Map<string, string>();
    for (const p of parts.fixedPlacements) {
      const path = p.to.slice(1);
      if (p.kind === 'symlink') got.set(path, `l ${p.target}`);
      else if (p.kind === 'upload') {
        assert.equal(p.from, path, 'a packed .deb is unpacked at the job root');
        const st = lstatSync(join(upload.root!, p.from));
        if (st.isDirectory()) continue;
        got.set(
          path,
          st.isSymbolicLink()
            ? `l ${run('readlink', [join(upload.root!, p.from)]).trim()}`
            : `-${modeString(st.mode)}`,
        );
      }
    }
    // Hard links: dpkg-deb -c shows them as 'h'; unpacked, they are plain files with the same mode.
    for (const [k, v] of expected) if (v.startsWith('h')) expected.set(k, `-${v.slice(1)}`);
    assert.deepEqual(got, expected, basename(deb));
    placements += got.size;
  }
  console.log(`deb backend: ${placements} placements equal to dpkg-deb -c (paths, modes, link targets)`);
});

test('a renamed vendor package: old doc dir dropped; /opt kept with a warning; its program found through /usr/bin', async (t) => {
  if (!requireTools(t, ['dpkg-deb'], 'dpkg')) return;
  const root = join(tmp, 'vendor');
  run('mkdir', [
    '-p',
    join(root, 'DEBIAN'),
    join(root, 'opt/Vendor App'),
    join(root, 'usr/share/doc/Vendor_App'),
    join(root, 'usr/bin'),
  ]);
  run('cp', ['/bin/true', join(root, 'opt/Vendor App/app')]);
  run('ln', ['-s', '/opt/Vendor App/app', join(root, 'usr/bin/vendor-app')]);
  run('ln', ['-s', '../../opt/Vendor App/app', join(root, 'usr/bin/vendor-app-rel')]);
  writeFileSync(join(root, 'usr/share/doc/Vendor_App/README'), 'x\n');
  writeFileSync(
    join(root, 'DEBIAN/control'),
    'Package: Vendor_App\nVersion: 3.1\nArchitecture: amd64\nMaintainer: V <v@example.org>\nDepends: libc6 (>= 2.2.5), python3\nDescription: an app\n',
  );
  const deb = join(tmp, 'vendor.deb');
  // dpkg-deb refuses the name; build it with --nocheck, as a careless vendor might.
  run('dpkg-deb', ['--nocheck', '--root-owner-group', '-b', root, deb]);
  const { upload, cleanup } = await openDebUpload(deb);
  try {
    const info = await debBackend.info(upload);
    assert.equal(value(info, 'name'), 'vendor-app');
    assert.equal(info.fields.name?.confidence, 0.7);
    assert.ok(info.problems.some((p) => p.code === 'DEB_NAME_RESHAPED'));
    assert.equal(value(info, 'depends'), 'python3', 'the library relation is left to the resolver');
    const parts = debPlanParts(upload, info, { package: 'vendor-app' });
    assert.deepEqual(
      parts.fixedPlacements.map((p) => (p.kind === 'symlink' ? `${p.to} -> ${p.target}` : p.to)),
      ['/opt/Vendor App/app', '/usr/bin/vendor-app-rel', '/usr/bin/vendor-app -> /opt/Vendor App/app'],
    );
    assert.deepEqual(info.fields.executables?.value, ['opt/Vendor App/app']);
    assert.deepEqual(
      parts.problems.map((p) => p.code),
      ['DEB_FILES_IN_OPT', 'DEPENDS_NOT_RECHECKED'],
    );
    assert.deepEqual(parts.optDirs, ['/opt/Vendor App']);
  } finally {
    cleanup();
  }
});

test('an architecture that disagrees with the ELF files is an error', async (t) => {
  if (!requireTools(t, ['dpkg-deb', 'dpkg'], 'dpkg')) return;
  const native = run('dpkg', ['--print-architecture']).trim();
  for (const arch of ['all', native === 'arm64' ? 'amd64' : 'arm64']) {
    const root = join(tmp, `arch-${arch}`);
    run('mkdir', ['-p', join(root, 'DEBIAN'), join(root, 'usr/bin')]);
    run('cp', ['/bin/true', join(root, 'usr/bin/t')]);
    writeFileSync(
      join(root, 'DEBIAN/control'),
      `Package: t\nVersion: 1\nArchitecture: ${arch}\nMaintainer: V <v@example.org>\nDescription: t\n`,
    );
    const upload: Upload = { path: root, name: 't', isFile: false, root, inventory: inventoryTree(root) };
    const info = await debBackend.info(upload);
    const p = info.problems.find((x) => x.code === 'DEB_ARCH_MISMATCH');
    assert.equal(p?.severity, 'error', arch);
    assert.match(p.message, new RegExp(`Architecture: ${arch}, but its ELF files are ${native}`));
  }
});

test('unpacked .debs (dpkg-deb -R) are taken by the deb backend over binary; fields equal dpkg-deb -f', async (t) => {
  if (!requireTools(t, ['dpkg-deb', 'apt-get'], 'dpkg apt')) return;
  let compared = 0;
  const debs = realDebs().filter((d) => /\/(hello|zlib1g|cron|libzstd1)_/.test(d));
  assert.equal(debs.length, 4);
  for (const deb of debs) {
    const dir = join(tmp, basename(deb, '.deb'));
    run('dpkg-deb', ['-R', deb, dir]);
    const upload: Upload = {
      path: dir,
      name: basename(dir),
      isFile: false,
      root: dir,
      inventory: inventoryTree(dir),
    };
    const ranked = await detectAll(upload);
    assert.equal(chooseBackend(upload, ranked).name, 'deb', JSON.stringify(ranked));
    // hello and cron ship programs: there binary is eligible too and must still lose.
    if (/\/(hello|cron)_/.test(deb)) assert.ok(ranked.find((r) => r.name === 'binary')!.score > 0, deb);
    const info = await debBackend.info(upload);
    for (const [name, key] of VERBATIM) {
      assert.equal(value(info, name), field(deb, key), key);
      compared++;
    }
    assert.equal(fullVersion(info), field(deb, 'Version'));
  }
  console.log(
    `deb backend: ${debs.length} unpacked .debs chosen over binary, ${compared} fields equal to dpkg-deb -f`,
  );
});

test('a tarball of an unpacked .deb: the deb backend at 95, reason naming the control file', async (t) => {
  if (!requireTools(t, ['dpkg-deb', 'apt-get', 'tar'], 'dpkg apt tar')) return;
  const deb = realDebs().find((d) => /\/hello_/.test(d))!;
  const dir = join(tmp, 'tarred', 'hello-2.10');
  run('mkdir', ['-p', join(tmp, 'tarred')]);
  run('dpkg-deb', ['-R', deb, dir]);
  const tarball = join(tmp, 'hello-2.10.tar.gz');
  run('tar', ['-C', join(tmp, 'tarred'), '-czf', tarball, 'hello-2.10']);
  const r = await inspectUpload(tarball, { whichBackends: true });
  assert.deepEqual(
    r.backends.find((b) => b.name === 'deb'),
    { name: 'deb', score: 95, reason: 'an unpacked .deb (hello-2.10/DEBIAN/control)' },
  );
});
