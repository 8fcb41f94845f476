/**
 * Real application packages, none of their libraries installed for the oracle: each app and the library packages
 * of its Depends are fetched with `apt-get download` (cached). For dpkg-shlibdeps, every library .deb is unpacked
 * into debian/<pkg>/ with its control files in debian/<pkg>/DEBIAN (it then reads their symbols/shlibs, not the
 * system's), the app into debian/<app>/; for the resolver, the same library .debs are read by the --deb importer's
 * reader into a MemoryReader. Compared: shlibs:Depends per app (exact), package precision/recall, and agreement
 * with the app's real Depends (library packages only; informative, since maintainers and Build-Depends-Package
 * raise some versions).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseRelations } from '../../formats/relation/index.ts';
import { cachedFixture, requireTools } from '../../testing/env.ts';
import { readDebRecord } from '../import/debs.ts';
import type { PackageRecord } from '../types.ts';
import { resolveUpload } from './resolve.ts';
import { MemoryReader } from './testing/memory-reader.ts';
import { packagesOf, runDpkgShlibdeps, scratchTree } from './testing/oracle.ts';
import { readUpload } from './upload.ts';

const APPS = ['htop', 'tmux', 'lynx', 'sqlite3', 'xmlstarlet', 'nano', 'mutt', 'mpg123'];

function debField(deb: string, field: string): string {
  return execFileSync('dpkg-deb', ['-f', deb, field], { encoding: 'utf8' }).trim();
}

function debOf(dir: string, pkg: string): string | undefined {
  const f = readdirSync(dir).find((n) => n.startsWith(`${pkg}_`) && n.endsWith('.deb'));
  return f === undefined ? undefined : join(dir, f);
}

/** Library packages among a Depends field: the first alternative of each group, when it looks like a library. */
function libraryDepends(depends: string): string[] {
  const out: string[] = [];
  for (const g of parseRelations(depends)) {
    const a = g[0];
    if (a?.type === 'package' && (/^lib/.test(a.name) || a.name === 'zlib1g')) out.push(a.name);
  }
  return out;
}

function fetchCorpus(dir: string): void {
  execFileSync('apt-get', ['download', ...APPS], { cwd: dir, stdio: 'ignore' });
  const libs = new Set<string>();
  for (const app of APPS) for (const l of libraryDepends(debField(debOf(dir, app)!, 'Depends'))) libs.add(l);
  execFileSync('apt-get', ['download', ...[...libs].sort()], { cwd: dir, stdio: 'ignore' });
}

test('real applications with their library .debs: equal to dpkg-shlibdeps, and against the real Depends', async (t) => {
  if (!requireTools(t, ['apt-get', 'dpkg-deb', 'dpkg-shlibdeps'], 'apt dpkg-dev')) return;
  const debs = cachedFixture('resolve-corpus', fetchCorpus, { version: APPS.join(',') });
  const libDebs = readdirSync(debs)
    .filter((n) => n.endsWith('.deb') && !APPS.some((a) => n.startsWith(`${a}_`)))
    .map((n) => join(debs, n));
  const records: PackageRecord[] = [];
  for (const d of libDebs) records.push(await readDebRecord(d));
  const reader = new MemoryReader().add({ release: 'corpus', arch: 'amd64' }, records);
  const work = join(debs, '..', 'resolve-corpus-work');
  rmSync(work, { recursive: true, force: true });

  let exact = 0;
  let compared = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let realSame = 0;
  let realTotal = 0;
  const mismatches: string[] = [];
  for (const app of APPS) {
    const deb = debOf(debs, app)!;
    const tree = scratchTree(join(work, app));
    const root = join(tree, 'debian', app);
    mkdirSync(join(root, 'DEBIAN'), { recursive: true });
    execFileSync('dpkg-deb', ['-x', deb, root]);
    const wanted = new Set(libraryDepends(debField(deb, 'Depends')));
    for (const l of libDebs) {
      const name = debField(l, 'Package');
      if (!wanted.has(name)) continue;
      const dest = join(tree, 'debian', name);
      execFileSync('dpkg-deb', ['-x', l, dest]);
      execFileSync('dpkg-deb', ['-e', l, join(dest, 'DEBIAN')]);
    }
    const upload = readUpload([root]);
    const files = upload.files.map((f) => f.abs);
    const v = (await resolveUpload(reader, upload)).releases.corpus!;
    if (v.unresolved.length > 0) {
      console.log(
        `${app}: skipped, sonames outside its Depends: ${v.unresolved.map((u) => u.soname).join(', ')}`,
      );
      continue;
    }
    const oracle = await runDpkgShlibdeps(tree, files);
    assert.ok(oracle.ok, `${app}: ${oracle.stderr}`);
    compared++;
    if (v.dpkgShlibdeps === oracle.depends) exact++;
    else mismatches.push(`${app}\n  dpkg: ${oracle.depends}\n  ours: ${v.dpkgShlibdeps}`);
    const a = packagesOf(v.dpkgShlibdeps);
    const b = packagesOf(oracle.depends);
    for (const p of a) {
      if (b.has(p)) tp++;
      else fp++;
    }
    for (const p of b) if (!a.has(p)) fn++;
    // Against the real Depends: the library groups, compared as text.
    const real = parseRelations(debField(deb, 'Depends')).map((g) =>
      g.map((x) => (x.type === 'package' ? x.name : '')).join('|'),
    );
    const realText = debField(deb, 'Depends').split(/,\s*/);
    const ours = new Set(v.depends.split(/,\s*/));
    for (const [i, name] of real.entries()) {
      if (!libraryDepends(name).length) continue;
      realTotal++;
      if (ours.has(realText[i]!.trim())) realSame++;
    }
    console.log(
      `${app}: ${files.length} ELF files; ours = dpkg-shlibdeps: ${v.dpkgShlibdeps === oracle.depends}`,
    );
  }
  if (existsSync(work)) rmSync(work, { recursive: true, force: true });
  console.log(
    `corpus: ${compared}/${APPS.length} apps compared, exact ${exact}/${compared}; package precision ` +
      `${(tp / (tp + fp)).toFixed(4)}, recall ${(tp / (tp + fn)).toFixed(4)} (${tp} pairs); real Depends: ` +
      `${realSame}/${realTotal} library relations identical`,
  );
  assert.ok(compared >= APPS.length - 2, `only ${compared} apps compared`);
  assert.deepEqual(mismatches, []);
});
