/**
 * The Depends re-check on real Debian application packages (apt-get download, cached), resolved against this
 * machine's dpkg database (the local importer's records: `pkgme depdb import --local`). Debian built these packages'
 * Depends with dpkg-shlibdeps, so for libraries with symbols files the resolver must name the same packages with the
 * same minimum versions: the agreement is measured and printed, and must stay high. The merged Depends must keep
 * every non-library relation Debian wrote, and a hand-made .deb with wrong Depends gets each finding.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, test } from 'node:test';
import { resolveFiles } from '../depdb/resolve/index.ts';
import { localReader } from '../depdb/resolve/testing/memory-reader.ts';
import { parseRelations, type PackageAtom } from '../formats/relation/index.ts';
import { realDebs } from '../formats/deb/fixtures.ts';
import { inspectUpload } from '../inspect/inspect.ts';
import { requireTools, run, unavailable } from '../testing/env.ts';
import { APPS, appDebs } from './deb-apps.fixture.ts';
import { isLibraryGroup } from './deb-control.ts';
import type { DependsCheck } from './deb-depends.ts';
import { debPlanParts } from './deb-plan.ts';
import { openDebUpload } from './deb-unpack.ts';
import { debBackend } from './deb.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pkgme-debdepends-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const atomsOf = (text: string) =>
  parseRelations(text)
    .flat()
    .filter((a): a is PackageAtom => a.type === 'package');

test('real application .debs: the resolver agrees with Debian’s Depends; non-library relations kept', async (t) => {
  if (!requireTools(t, ['dpkg-deb', 'apt-get', 'dpkg-query'], 'dpkg apt')) return;
  const missingApps = APPS.filter((p) => spawnSync('dpkg-query', ['-W', p]).status !== 0);
  if (missingApps.length) return unavailable(t, `not installed here: ${missingApps.join(', ')}`);
  const reader = localReader();
  const release = (await reader.releases())[0]!.release;
  const debs = [...realDebs().filter((d) => /\/(hello|cron)_/.test(d)), ...appDebs()];
  let symbolDeps = 0;
  let exact = 0;
  let keptRelations = 0;
  const stricter: string[] = [];
  const unneeded: string[] = [];
  const differences: string[] = [];
  for (const deb of debs) {
    const { upload, cleanup } = await openDebUpload(deb);
    try {
      const info = await debBackend.info(upload);
      const verdict = (await resolveFiles(reader, [upload.root!], { releases: [release] })).releases[
        release
      ]!;
      const parts = debPlanParts(upload, info, {
        package: String(info.fields.name?.value),
        verdict,
        release,
      });
      const check = parts.fields.dependsCheck?.value as DependsCheck;
      const debian = [run('dpkg-deb', ['-f', deb, 'Pre-Depends']), run('dpkg-deb', ['-f', deb, 'Depends'])]
        .map((s) => s.trim())
        .filter((s) => s !== '')
        .join(', ');
      assert.equal(check.original, parseRelations(debian).length ? check.original : '', deb);
      const declared = atomsOf(debian);
      for (const d of verdict.dependencies) {
        if (!d.reasons.every((r) => r.source === 'symbols')) continue;
        symbolDeps++;
        const want = atomsOf(d.relation).find((a) => a.name === d.package)!;
        const have = declared.find((a) => a.name === d.package);
        if (have && have.constraint?.version === want.constraint?.version) exact++;
        else if (check.stricter.some((x) => x.package === d.package))
          stricter.push(`${basename(deb)}: ${d.package}`);
        else
          differences.push(
            `${basename(deb)}: Debian ${have ? JSON.stringify(have.constraint) : 'none'} vs ${d.relation}`,
          );
      }
      // Every non-library relation of Debian's Depends is in the merged Depends.
      const merged = atomsOf(check.final).map((a) => a.name);
      for (const g of parseRelations(run('dpkg-deb', ['-f', deb, 'Depends']).trim() || 'x-none'))
        if (!isLibraryGroup(g) && g[0]!.type === 'package' && g[0]!.name !== 'x-none') {
          assert.ok(merged.includes(g[0]!.name), `${basename(deb)}: ${g[0]!.name} kept in ${check.final}`);
          keptRelations++;
        }
      unneeded.push(...check.unneeded.map((u) => `${basename(deb)}: ${u}`));
      assert.equal(check.missing.length, 0, `${basename(deb)}: ${JSON.stringify(check.missing)}`);
    } finally {
      cleanup();
    }
  }
  const rate = exact / symbolDeps;
  console.log(
    `deb depends: ${debs.length} real .debs, ${symbolDeps} symbols-based library dependencies, ${exact} equal to Debian's (${(100 * rate).toFixed(1)} %); Debian's hand-written relation is stricter for ${stricter.length} (${stricter.join(', ')}), ${differences.length} other differences; ${keptRelations} non-library relations kept; unneeded: ${unneeded.join(', ') || 'none'}`,
  );
  for (const d of differences) console.log(`  differs: ${d}`);
  assert.ok(debs.length >= 10);
  assert.ok(rate >= 0.85, `agreement ${rate}`);
  assert.deepEqual(differences, [], 'every difference is a stricter hand-written relation');
});

test('a .deb with wrong Depends: missing, too low and unneeded, each with its fix; the merge', async (t) => {
  if (!requireTools(t, ['dpkg-deb', 'dpkg-query'], 'dpkg')) return;
  const reader = localReader();
  const release = (await reader.releases())[0]!.release;
  const root = join(tmp, 'wrong');
  mkdirSync(join(root, 'DEBIAN'), { recursive: true });
  mkdirSync(join(root, 'usr/bin'), { recursive: true });
  // gzip's program needs only libc6; the control says an old libc6, a library nobody needs, and python3.
  run('cp', [run('sh', ['-c', 'command -v gzip']).trim(), join(root, 'usr/bin/gz')]);
  writeFileSync(
    join(root, 'DEBIAN/control'),
    'Package: wrong\nVersion: 1.0-1\nArchitecture: ' +
      run('dpkg', ['--print-architecture']).trim() +
      '\nMaintainer: A <a@example.org>\nDepends: libc6 (>= 2.2), libssl1.1 (>= 1.1.0), python3 (>= 3.9)\nDescription: x\n',
  );
  const deb = join(tmp, 'wrong.deb');
  run('dpkg-deb', ['--root-owner-group', '-b', root, deb]);
  const { upload, cleanup } = await openDebUpload(deb);
  try {
    const info = await debBackend.info(upload);
    const verdict = (await resolveFiles(reader, [upload.root!], { releases: [release] })).releases[release]!;
    const parts = debPlanParts(upload, info, { package: 'wrong', verdict, release });
    const check = parts.fields.dependsCheck?.value as DependsCheck;
    assert.deepEqual(
      check.tooLow.map((x) => x.original),
      ['libc6 (>= 2.2)'],
    );
    assert.deepEqual(check.unneeded, ['libssl1.1 (>= 1.1.0)']);
    assert.deepEqual(check.missing, []);
    assert.equal(check.final, `${verdict.depends}, python3 (>= 3.9)`);
    assert.equal(parts.fields.depends?.value, check.final);
    assert.deepEqual(
      parts.problems.map((p) => p.code),
      ['DEPENDS_TOO_LOW', 'DEPENDS_UNNEEDED'],
    );
    for (const p of parts.problems) assert.ok(p.hint && p.severity === 'warning');

    // Without any Depends: the resolver's dependency is missing.
    const bare = debPlanParts(
      upload,
      { ...info, fields: { ...info.fields, controlDepends: { value: '', source: 'x', confidence: 1 } } },
      { package: 'wrong', verdict, release },
    );
    assert.deepEqual(
      bare.problems.map((p) => p.code),
      ['DEPENDS_MISSING'],
    );
    assert.match(bare.problems[0]!.message, /lack libc6 \(>= [^)]+\) \(needed by usr\/bin\/gz\)/);
  } finally {
    cleanup();
  }
});

test('inspect resolves a packed .deb (it is unpacked): hello’s releases equal the resolver on its files', async (t) => {
  if (!requireTools(t, ['dpkg-deb', 'apt-get'], 'dpkg apt')) return;
  const reader = localReader();
  const release = (await reader.releases())[0]!.release;
  const deb = realDebs().find((d) => /\/hello_/.test(d))!;
  const r = await inspectUpload(deb, { store: reader, releases: [release] });
  assert.equal(r.backend, 'deb');
  const dir = join(tmp, 'hello-R');
  run('dpkg-deb', ['-R', deb, dir]);
  const oracle = (await resolveFiles(reader, [dir], { releases: [release] })).releases[release]!;
  assert.equal(r.releases[release]?.depends, oracle.depends);
  assert.match(oracle.depends, /^libc6 \(>= /);
  assert.equal(r.fields.controlDepends?.value, run('dpkg-deb', ['-f', deb, 'Depends']).trim());
});
