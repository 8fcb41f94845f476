/**
 * lintian check on real packages (check.fixture.ts): the pkgme-shaped package and its source pass with only allowed
 * warnings, in one lintian run; the broken one fails on its E: tags. The EWI parse is compared with lintian's own
 * JSON output of the same files (the oracle for the parser), and the docs table with the constant.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { repoRoot, requireTools, run } from '../../testing/env.ts';
import { compareVersions } from '../../formats/version/index.ts';
import { STANDARDS_VERSIONS } from '../plan.ts';
import { checkFixtures, FIXTURE_TOOLS } from './check.fixture.ts';
import {
  ALLOWED_LINTIAN_WARNINGS,
  lintianArgs,
  lintianPolicyVersion,
  lintianVerdict,
  parseLintianOutput,
  readSourceTarget,
  releaseAllowances,
  runLintian,
  type LintianCode,
} from './lintian.ts';

test('the good package and its source pass lintian in one run; only allowed warnings remain', async (t) => {
  if (!requireTools(t, ['lintian', ...FIXTURE_TOOLS], 'lintian dpkg-dev gcc')) return;
  const fx = checkFixtures();
  const r = await runLintian([fx.good.deb, fx.good.dsc]);
  console.log(`lintian good deb+dsc: ${r.details.seconds} s, counts ${JSON.stringify(r.details.counts)}`);
  assert.deepEqual(r.errors, []);
  assert.equal(r.ok, true);
  assert.deepEqual(r.details.unparsed, []);
  for (const w of r.warnings)
    assert.ok(Object.keys(ALLOWED_LINTIAN_WARNINGS).some((tag) => w.includes(`: ${tag}`)));
  const hints = r.details.hints as { type: string }[];
  assert.ok(
    hints.some((h) => h.type === 'source'),
    'the .dsc was checked in the same run',
  );
});

test('overridden errors are shown as O: and do not fail, although lintian then exits 2', async (t) => {
  if (!requireTools(t, ['lintian', ...FIXTURE_TOOLS], 'lintian dpkg-dev gcc')) return;
  const fx = checkFixtures();
  assert.equal(spawnSync('lintian', lintianArgs([fx.nolib.deb])).status, 2);
  const r = await runLintian([fx.nolib.deb]);
  assert.deepEqual(r.errors, []);
  assert.equal(r.ok, true);
  const o = (r.details.hints as { code: string; tag: string }[]).filter((h) => h.code === 'O');
  assert.deepEqual(
    o.map((h) => h.tag),
    ['unstripped-binary-or-object', 'unstripped-binary-or-object'],
  );
});

test('the broken package fails: E: tags and a warning outside the allowed list', async (t) => {
  if (!requireTools(t, ['lintian', ...FIXTURE_TOOLS], 'lintian dpkg-dev gcc')) return;
  const fx = checkFixtures();
  const r = await runLintian([fx.bad.deb]);
  assert.equal(r.ok, false);
  assert.ok(
    r.errors.some((e) => e.startsWith(`E: ${fx.bad.pkg}: dir-or-file-in-opt`)),
    r.errors.join('\n'),
  );
  assert.ok(r.errors.some((e) => e.includes('unstripped-binary-or-object')));
  assert.ok(
    r.errors.some(
      (e) => e.includes('desktop-entry-invalid-category') && e.includes('not in the allowed list'),
    ),
  );
  // With that warning allowed, it moves to the warnings; the E: tags still fail the check.
  const v = lintianVerdict({ hints: r.details.hints as never, unparsed: [] }, [
    ...Object.keys(ALLOWED_LINTIAN_WARNINGS),
    'desktop-entry-invalid-category',
    'desktop-entry-lacks-main-category',
  ]);
  assert.ok(v.warnings.some((w) => w.includes('desktop-entry-invalid-category')));
  assert.equal(v.ok, false);
});

/** lintian's stdout; exit 2 (error tags) is a normal outcome here. */
function lintian(args: string[]): string {
  const r = spawnSync('lintian', args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.ok(r.status === 0 || r.status === 2, r.stderr);
  return r.stdout;
}

interface JsonHint {
  tag: string;
  visibility: string;
  experimental: boolean;
  note: string;
  override?: unknown;
}
const VISIBILITY: Record<string, LintianCode> = {
  error: 'E',
  warning: 'W',
  info: 'I',
  pedantic: 'P',
  classification: 'C',
};

test('the EWI parse equals lintian --exp-output format=json on the same files', (t) => {
  if (!requireTools(t, ['lintian', ...FIXTURE_TOOLS], 'lintian dpkg-dev gcc')) return;
  const fx = checkFixtures();
  const files = [fx.good.deb, fx.good.dsc, fx.bad.deb, fx.nolib.deb];
  const ewi = parseLintianOutput(lintian(lintianArgs(files)));
  const json = JSON.parse(lintian(['--exp-output', 'format=json', ...lintianArgs(files)])) as {
    groups: { input_files: { path: string; hints: JsonHint[] }[] }[];
  };
  const fromJson: string[] = [];
  for (const g of json.groups)
    for (const f of g.input_files)
      for (const h of f.hints) {
        const code = h.override ? 'O' : h.experimental ? 'X' : VISIBILITY[h.visibility];
        const type = f.path.endsWith('.dsc') ? 'source' : 'binary';
        fromJson.push(`${code} ${type} ${h.tag} ${h.note}`);
      }
  // The EWI note adds the pointer ("[path:line]") after the JSON note.
  const fromEwi = ewi.hints.map((h) => `${h.code} ${h.type} ${h.tag} ${h.note.replace(/ ?\[[^\]]*\]$/, '')}`);
  assert.ok(fromJson.length > 15, `${fromJson.length} hints`);
  assert.deepEqual([...fromEwi].sort(), [...fromJson].sort());
  assert.deepEqual(ewi.unparsed, []);
});

test('parse: source and binary lines, O:/M: codes, notes with brackets; unknown lines are kept', () => {
  const out = parseLintianOutput(
    [
      'N: an explanation line',
      'E: foo source: tag-a some note [debian/control:12]',
      'W: foo-bin: tag-b',
      'O: foo: tag-c [usr/bin/foo]',
      'M: foo changes: tag-d',
      'running with root privileges is not recommended!',
      '',
    ].join('\n'),
  );
  assert.deepEqual(
    out.hints.map((h) => [h.code, h.package, h.type, h.tag, h.note]),
    [
      ['E', 'foo', 'source', 'tag-a', 'some note [debian/control:12]'],
      ['W', 'foo-bin', 'binary', 'tag-b', ''],
      ['O', 'foo', 'binary', 'tag-c', '[usr/bin/foo]'],
      ['M', 'foo', 'changes', 'tag-d', ''],
    ],
  );
  assert.deepEqual(out.unparsed, ['running with root privileges is not recommended!']);
  assert.equal(lintianVerdict(out).ok, false);
});

test('docs/packaging.md lists exactly the allowed warnings, with their reasons', () => {
  const doc = readFileSync(join(repoRoot, 'docs/packaging.md'), 'utf8');
  const start = doc.indexOf('\n## Checks');
  assert.ok(start >= 0, 'docs/packaging.md has a "## Checks" section');
  const next = doc.indexOf('\n## ', start + 1);
  const section = doc.slice(start, next < 0 ? undefined : next);
  const rows = new Map<string, string>();
  for (const m of section.matchAll(/^\|\s*`([a-z0-9-]+)`\s*\|\s*(.*?)\s*\|$/gm)) rows.set(m[1]!, m[2]!);
  assert.deepEqual([...rows.keys()].sort(), Object.keys(ALLOWED_LINTIAN_WARNINGS).sort());
  for (const [tag, why] of Object.entries(ALLOWED_LINTIAN_WARNINGS)) assert.equal(rows.get(tag), why, tag);
});

const tmp = mkdtempSync(join(tmpdir(), 'pkgme-lintian-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * A small source package made by dpkg-source itself: `format` 3.0 (quilt) (with an .orig tarball) or 3.0 (native),
 * its debian/changelog naming `dist`, its debian/control declaring Standards-Version `sv`.
 */
function sourcePackage(pkg: string, dist: string, sv: string, format: 'quilt' | 'native'): string {
  const version = format === 'quilt' ? '1.0-1' : '1.0';
  const top = join(tmp, pkg, `${pkg}-1.0`);
  mkdirSync(join(top, 'debian', 'source'), { recursive: true });
  writeFileSync(join(top, 'README'), 'A test program.\n');
  if (format === 'quilt')
    run('tar', ['-czf', `${pkg}_1.0.orig.tar.gz`, '--exclude=debian', `${pkg}-1.0`], { cwd: join(tmp, pkg) });
  const d = join(top, 'debian');
  writeFileSync(join(d, 'source', 'format'), `3.0 (${format})\n`);
  writeFileSync(
    join(d, 'changelog'),
    `${pkg} (${version}) ${dist}; urgency=medium\n\n  * Test.\n\n -- Jane Doe <jane@example.org>  Mon, 01 Sep 2025 12:00:00 +0000\n`,
  );
  writeFileSync(join(d, 'rules'), '#!/usr/bin/make -f\n%:\n\tdh $@\n', { mode: 0o755 });
  writeFileSync(
    join(d, 'control'),
    `Source: ${pkg}\nSection: utils\nPriority: optional\nMaintainer: Jane Doe <jane@example.org>\n` +
      `Build-Depends: debhelper-compat (= 13)\nStandards-Version: ${sv}\nRules-Requires-Root: no\n\n` +
      `Package: ${pkg}\nArchitecture: all\nDepends: \${misc:Depends}\nDescription: test program for lintian\n` +
      ' It prints nothing at all and exists for a test.\n',
  );
  writeFileSync(
    join(d, 'copyright'),
    'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\n' +
      'Copyright: 2025 Jane Doe\nLicense: MIT\n',
  );
  run('dpkg-source', ['-b', `${pkg}-1.0`], { cwd: join(tmp, pkg) });
  return join(tmp, pkg, `${pkg}_${version}.dsc`);
}

test("newer-standards-version: allowed only for a release whose Policy is newer than this lintian's", async (t) => {
  if (!requireTools(t, ['lintian', 'dpkg-source', 'tar'], 'lintian dpkg-dev tar')) return;
  const known = lintianPolicyVersion();
  assert.ok(known !== undefined, "lintian's debian-policy/releases.json is readable");
  const newer = Object.entries(STANDARDS_VERSIONS).find(([, sv]) => compareVersions(sv, known) > 0);
  if (newer === undefined) {
    // A lintian as new as pkgme's newest release: nothing to allow, and nothing is.
    for (const [rel, sv] of Object.entries(STANDARDS_VERSIONS))
      assert.deepEqual(releaseAllowances({ source: 'x', standardsVersion: sv }, rel, known), []);
    return;
  }
  const [release, sv] = newer;
  const good = sourcePackage('svgood', release, sv, 'quilt');
  const wrongRelease = sourcePackage('svwrongrel', 'bookworm', sv, 'quilt');
  const notTheReleases = sourcePackage(
    'svnotrel',
    release,
    `${sv.split('.').slice(0, 2).join('.')}.99`,
    'native',
  );
  assert.deepEqual(await readSourceTarget(good), {
    source: 'svgood',
    standardsVersion: sv,
    distribution: release,
  });
  assert.equal(
    (await readSourceTarget(notTheReleases)).distribution,
    release,
    'native: the one tarball is read',
  );

  const r = await runLintian([good, wrongRelease, notTheReleases]);
  const tagged = (list: string[], pkg: string) =>
    list.filter((l) => l.startsWith(`W: ${pkg} source: newer-standards-version `));
  // lintian itself raises the tag on all three; "current is" is the version lintianPolicyVersion read.
  const hints = (r.details.hints as Array<{ package: string; tag: string; note: string }>).filter(
    (h) => h.tag === 'newer-standards-version',
  );
  assert.deepEqual(hints.map((h) => h.package).sort(), ['svgood', 'svnotrel', 'svwrongrel']);
  for (const h of hints)
    assert.match(h.note, new RegExp(`\\(current is ${known.split('.').slice(0, 3).join('\\.')}\\)$`));
  assert.equal(tagged(r.warnings, 'svgood').length, 1, r.warnings.join('\n'));
  assert.match(tagged(r.warnings, 'svgood')[0]!, new RegExp(`allowed: the target release ${release} ships`));
  assert.equal(tagged(r.errors, 'svgood').length, 0);
  assert.equal(tagged(r.errors, 'svwrongrel').length, 1, 'a bookworm package has no newer Policy to declare');
  assert.equal(tagged(r.errors, 'svnotrel').length, 1, "not the release's own Standards-Version");

  // --release names the target when the changelog does not.
  const r2 = await runLintian([wrongRelease], { release });
  assert.equal(tagged(r2.warnings, 'svwrongrel').length, 1);
  assert.equal(tagged(r2.errors, 'svwrongrel').length, 0);
});
