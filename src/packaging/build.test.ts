/**
 * The equivalence check of issue 4: for each fixture upload (src/packaging/testing.ts) pkgme writes the source
 * package and builds the .deb in-process; then the real tools take over — `dpkg-source -x` on the .dsc (no warning
 * but the unsigned one; the tree equals the upload's application tree plus debian/) and `dpkg-buildpackage -us -uc
 * -b` in it. The two .debs must have equal control fields (Installed-Size included; nothing is build-specific for
 * an arch-specific package with R-R-R: no, see the docs), the same data entries with the same modes, owners, sizes
 * and link targets, and the same md5sums and conffiles. The in-process .deb must also be byte-identical when built
 * twice. lintian runs on both .debs and the .dsc; no error tag is allowed, and the tags are printed.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseDeb822 } from '../formats/deb822/index.ts';
import { requireTools, run } from '../testing/env.ts';
import type { Problem, Upload } from '../backends/types.ts';
import { openDebUpload } from '../backends/deb-unpack.ts';
import { debBackend } from '../backends/deb.ts';
import { debPlanParts } from '../backends/deb-plan.ts';
import { realDebs } from '../formats/deb/fixtures.ts';
import { buildDeb, type DebianTexts } from './build.ts';
import { debianTexts } from './debian-dir.ts';
import { appRootOf, planLayout, type LayoutExtras } from './layout.ts';
import type { Layout, PackagePlan } from './types.ts';
import { writeSource } from './source.ts';
import {
  debListing,
  FIXTURE_NAMES,
  fixtureExtras,
  fixturePlan,
  openFixture,
  type FixtureName,
} from './testing.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pkgme-build-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function controlFields(deb: string): Record<string, string> {
  return parseDeb822(run('dpkg-deb', ['-f', deb]))[0]!.toJSON();
}

function controlFile(deb: string, name: string): string {
  const r = spawnSync('dpkg-deb', ['-I', deb, name], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout : '';
}

/** Files and link targets of a tree as sorted "type path[ -> target]" lines, via find (the oracle's own view). */
function treeList(dir: string): string[] {
  const prune = ['(', '-path', './debian', '-o', '-path', './.pc', ')', '-prune', '-o'];
  return run('find', ['.', ...prune, '-printf', '%y %P %l\\n'], { cwd: dir })
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('d  '))
    .map((l) => l.trimEnd())
    .sort();
}

function lintianTags(files: string[]): string[] {
  const r = spawnSync('lintian', ['--no-cfg', '-I', '--tag-display-limit', '0', ...files], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  return r.stdout.split('\n').filter((l) => /^[EWI]: /.test(l));
}

interface Variant {
  label: string;
  plan?: (p: PackagePlan) => PackagePlan;
  extras?: LayoutExtras;
  /** Extra lines for the binary paragraph of debian/control. */
  binaryFields?: string;
}

async function equivalence(name: FixtureName, variant?: Variant): Promise<void> {
  const { upload, cleanup } = await openFixture(name);
  try {
    const plan = variant?.plan ? variant.plan(fixturePlan(name)) : fixturePlan(name);
    const layout = planLayout(plan, upload, variant?.extras ?? fixtureExtras(name));
    const texts = debianTexts(plan, upload, layout);
    if (variant?.binaryFields !== undefined)
      texts.control = texts.control.trimEnd() + '\n' + variant.binaryFields;
    const label = variant ? `${name}-${variant.label}` : name;
    const r = await compareBuilds(label, upload, plan, layout, texts);
    if (variant !== undefined) {
      console.log(`${label}: ${r.entries} entries, control equal:\n${r.control}`);
      return;
    }
    built.push(r);
    console.log(
      `${name}: ${r.entries} entries, sha256 ${r.sha256.slice(0, 12)}… twice; equal to dpkg-buildpackage's`,
    );
  } finally {
    cleanup();
  }
}

/** The fixtures' builds, for one lintian run over all of them (lintian's start-up dominates a run). */
const built: Compared[] = [];

interface Compared {
  ours: string;
  theirs: string;
  dsc: string;
  sha256: string;
  entries: number;
  control: string;
  warnings: Problem[];
}

/**
 * Writes the source package and the in-process .deb (twice: byte-identical), unpacks and builds the source with the
 * Debian tools, and compares. Neither .deb may carry a maintainer script (pkgme packages have none).
 */
async function compareBuilds(
  name: string,
  upload: Upload,
  plan: PackagePlan,
  layout: Layout,
  texts: DebianTexts,
): Promise<Compared> {
  {
    const out = join(tmp, name);
    const ours = join(out, 'ours');
    const ours2 = join(out, 'ours2');
    mkdirSync(ours, { recursive: true });
    mkdirSync(ours2, { recursive: true });
    const source = await writeSource(plan, upload, layout, out, texts);
    const deb = await buildDeb(plan, upload, layout, ours, texts);
    const again = await buildDeb(plan, upload, layout, ours2, texts);
    assert.equal(again.sha256, deb.sha256, 'same inputs give a byte-identical .deb');

    const srcDir = join(out, 'src');
    const x = spawnSync('dpkg-source', ['-x', source.dsc, srcDir], { encoding: 'utf8' });
    assert.equal(x.status, 0, x.stderr);
    const warnings = x.stderr
      .split('\n')
      .filter(
        (l) =>
          /warning/.test(l) && !/unsigned|no OpenPGP signature/i.test(l) && !/extracting unsigned/.test(l),
      );
    assert.deepEqual(warnings, [], `dpkg-source -x warnings for ${name}`);
    const upstreamRoot = join(upload.root!, appRootOf(upload));
    assert.deepEqual(treeList(srcDir), treeList(upstreamRoot), 'extracted tree = upload');

    const b = spawnSync('dpkg-buildpackage', ['-us', '-uc', '-b'], {
      cwd: srcDir,
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    assert.equal(b.status, 0, `dpkg-buildpackage failed for ${name}:\n${b.stdout}\n${b.stderr}`);
    const theirName = readdirSync(out).find((f) => f.endsWith('.deb'));
    assert.ok(theirName, 'dpkg-buildpackage wrote a .deb');
    const theirs = join(out, theirName);
    assert.equal(theirName, deb.path.split('/').pop(), 'same file name');

    assert.deepEqual(controlFields(deb.path), controlFields(theirs), `control fields of ${name}`);
    const order = (p: string) => Object.keys(controlFields(p)).join(' ');
    assert.equal(order(deb.path), order(theirs), `control field order of ${name}`);
    const l1 = debListing(deb.path);
    assert.deepEqual(l1, debListing(theirs), `data entries of ${name}`);
    assert.equal(controlFile(deb.path, 'md5sums'), controlFile(theirs, 'md5sums'), `md5sums of ${name}`);
    assert.equal(
      controlFile(deb.path, 'conffiles'),
      controlFile(theirs, 'conffiles'),
      `conffiles of ${name}`,
    );
    const members = (p: string) =>
      execFileSync('dpkg-deb', ['-I', p], { encoding: 'utf8' })
        .split('\n')
        .map((l) => /^\s+\d+ bytes,\s+\d+ lines\s+(?:\*\s+)?(\S+)/.exec(l)?.[1])
        .filter((m) => m !== undefined)
        .sort();
    assert.deepEqual(members(deb.path), members(theirs), `control members of ${name}`);
    const scripts = ['preinst', 'postinst', 'prerm', 'postrm', 'triggers'];
    assert.deepEqual(
      members(theirs).filter((m) => scripts.includes(m!)),
      [],
      `dpkg-buildpackage wrote no maintainer scripts for ${name}`,
    );

    return {
      ours: deb.path,
      theirs,
      dsc: source.dsc,
      sha256: deb.sha256,
      entries: l1.length,
      control: deb.control,
      warnings: deb.warnings,
    };
  }
}

for (const name of FIXTURE_NAMES) {
  test(`in-process .deb equals dpkg-buildpackage's on the generated source package: ${name}`, async (t) => {
    if (!requireTools(t, ['gcc', 'dpkg-source', 'dpkg-buildpackage', 'dh'], 'gcc dpkg-dev debhelper')) return;
    await equivalence(name);
  });
}

test('lintian: 0 errors on the in-process .debs and .dscs; tags of both builds recorded', (t) => {
  if (!requireTools(t, ['lintian'], 'lintian')) return;
  assert.equal(built.length, FIXTURE_NAMES.length, 'every fixture was built');
  const ours = lintianTags(built.flatMap((r) => [r.ours, r.dsc]));
  const theirs = lintianTags(built.map((r) => r.theirs));
  console.log(`lintian, pkgme's .debs + .dscs:\n  ${ours.join('\n  ')}`);
  console.log(`lintian, dpkg-buildpackage's .debs:\n  ${theirs.join('\n  ')}`);
  assert.deepEqual(
    ours.filter((l) => l.startsWith('E: ')),
    [],
  );
  // debian/copyright names only generated files that exist (the cli fixture has no metainfo, the gui one has).
  assert.deepEqual(
    ours.filter((l) => / superfluous-file-pattern /.test(l)),
    [],
  );
  // The nopath fixture's launchers get the upload's own man pages (lintian reads them from the .deb).
  assert.deepEqual(
    ours.filter((l) => /^W: bundler: no-manual-page /.test(l)),
    [],
  );
  const binary = (tags: string[]) => tags.filter((l) => !/ source: /.test(l)).sort();
  assert.deepEqual(binary(ours), binary(theirs), 'the same binary-package tags for both builds');
});

/**
 * Plans the fixtures alone do not reach: relation fields, extra conffiles, a per-architecture subtree, and an epoch
 * (a name that clashes with an epoch'd Debian package takes its epoch: both builds keep it out of the file names,
 * which compareBuilds checks, and in the Version field).
 */
const VARIANTS: Array<[FixtureName, Variant]> = [
  [
    'cli',
    {
      label: 'epoch',
      plan: (p) => ({ ...p, version: `3:${p.upstreamVersion}-${p.revision}` }),
    },
  ],
  [
    'data',
    {
      label: 'relations',
      plan: (p) => ({ ...p, conffiles: ['/usr/lib/datapp/share/readonly.txt'] }),
      binaryFields:
        'Pre-Depends: libc6 (>= 2.36)\nRecommends: libc6 (>= 2.30), zlib1g, ${misc:Depends}\nSuggests: zlib1g (>= 1:1.2)\n' +
        'Conflicts: zzz, aaa (<< 1), zzz\nProvides: datapp-data, a-virtual (= 1.0)\nMulti-Arch: foreign\n',
    },
  ],
  [
    'gui',
    {
      label: 'subtree',
      plan: (p) => ({ ...p, appRoot: 'viewer-2.0/share', executables: [], desktop: null, icon: null }),
      extras: { icons: [] },
    },
  ],
];

for (const [name, variant] of VARIANTS) {
  test(`in-process .deb equals dpkg-buildpackage's: ${name} with ${variant.label}`, async (t) => {
    if (!requireTools(t, ['gcc', 'dpkg-source', 'dpkg-buildpackage', 'dh'], 'gcc dpkg-dev debhelper')) return;
    await equivalence(name, variant);
  });
}

/**
 * Real Debian .debs re-packaged through the deb backend (fixed placements: the tree kept as it is, the .deb's
 * conffiles and relations): docs, fonts, python modules, a library, and cron, whose systemd unit would make
 * dh_installsystemd write maintainer scripts — debian/rules overrides it, so both builds ship the unit as a file
 * and no scripts, and the layout says the unit is not enabled at install.
 */
test('re-packaged real .debs: in-process .deb equals dpkg-buildpackage (cron too: no dh_installsystemd scripts)', async (t) => {
  if (!requireTools(t, ['dpkg-source', 'dpkg-buildpackage', 'dh', 'apt-get'], 'dpkg-dev debhelper apt'))
    return;
  const wanted = ['hello', 'bash-doc', 'fonts-dejavu-core', 'python3-six', 'libpng16-16', 'cron'];
  const debs = realDebs().filter((p) => wanted.some((w) => p.split('/').pop()!.startsWith(`${w}_`)));
  assert.equal(debs.length, wanted.length);
  const summary: string[] = [];
  for (const path of debs) {
    const { upload, cleanup } = await openDebUpload(path);
    try {
      const info = await debBackend.info(upload);
      const pkg = String(info.fields.name?.value);
      const parts = debPlanParts(upload, info, { package: pkg, release: 'bookworm' });
      const plan: PackagePlan = {
        ...fixturePlan('data'),
        package: pkg,
        executables: [],
        fixedPlacements: parts.fixedPlacements,
        relations: parts.relations,
        ...(parts.conffiles ? { conffiles: parts.conffiles } : {}),
      };
      const layout = planLayout(plan, upload, { icons: [] });
      const texts = debianTexts(plan, upload, layout);
      const r = await compareBuilds(`deb-${pkg}`, upload, plan, layout, texts);
      assert.deepEqual(r.warnings, [], `${pkg}: debian/rules leaves no script-writing dh step running`);
      const noScripts = layout.warnings.filter((w) => w.code === 'LAYOUT_NO_MAINTAINER_SCRIPTS');
      assert.deepEqual(
        noScripts.map((w) => w.message.split(' ')[0]),
        pkg === 'cron' ? ['/lib/systemd/system/cron.service'] : [],
        `${pkg}: what the missing scripts would have done is reported`,
      );
      summary.push(`${pkg} ${r.entries}`);
    } finally {
      cleanup();
    }
  }
  console.log(`re-packaged .debs equal to dpkg-buildpackage (name, data entries): ${summary.join(', ')}`);
});
