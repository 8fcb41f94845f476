/**
 * npm manifests as guesses, on real ones: every package this project installed, as `npm query '*'` (npm's own view)
 * names them, gives npm's name and version, and a name dpkg accepts once made policy-valid. Then an upload shaped
 * like turbo's npm tarball (a name ending in "-64") through the binary backend: the manifest's name and version,
 * not the tarball-name split; a pkgme.json still wins; a malformed manifest is no guess and no error.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { binaryBackend } from '../../backends/binary.ts';
import { repoRoot, requireTools, unavailable } from '../../testing/env.ts';
import { inventoryTree } from '../inventory.ts';
import { guessNameVersion } from './name-version.ts';
import { npmNameToPackage, readNpmManifest } from './npm-manifest.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pkgme-npm-manifest-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test("npm manifests of this project's node_modules: npm's name and version; the Debian name passes dpkg", (t) => {
  if (!requireTools(t, ['npm', 'dpkg'], 'npm dpkg')) return;
  const listed = JSON.parse(
    execFileSync('npm', ['query', '*'], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 1 << 26 }),
  ) as Array<{ name: string; version: string; path: string }>;
  const packages = listed.filter((p) => p.path !== repoRoot);
  if (packages.length < 50) {
    unavailable(t, `npm query listed ${packages.length} packages: run npm ci first`);
    return;
  }
  const names: string[] = [];
  for (const p of packages) {
    const m = readNpmManifest(p.path);
    assert.equal(m.version?.value, p.version, p.path);
    assert.equal(m.package?.value, npmNameToPackage(p.name), p.path);
    assert.equal(m.package?.source, 'metadata:package.json');
    const nv = guessNameVersion({ metadata: m });
    assert.ok(nv.package !== undefined, p.name);
    names.push(nv.package.value);
  }
  for (const n of new Set(names)) execFileSync('dpkg', ['--validate-pkgname', n]);
  console.log(
    `npm manifests: ${packages.length} packages read as npm lists them; ${names.length} names valid`,
  );
});

test('an npm-shaped upload: the manifest names the package, not the tarball split; pkgme.json still wins', async (t) => {
  const esbuild = join(repoRoot, 'node_modules', '@esbuild', 'linux-x64');
  let manifest: { name: string; version: string; description: string };
  try {
    manifest = JSON.parse(readFileSync(join(esbuild, 'package.json'), 'utf8')) as typeof manifest;
  } catch {
    unavailable(t, 'no node_modules/@esbuild/linux-x64 (npm ci installs it with tsx on x86_64)');
    return;
  }
  // turbo's npm tarball is turbo-linux-64-2.8.17.tgz with package/ inside: split, the name is "turbo-linux" and the
  // version "64.2.8.17".
  const dir = join(tmp, 'up');
  mkdirSync(join(dir, 'package', 'bin'), { recursive: true });
  copyFileSync(join(esbuild, 'package.json'), join(dir, 'package', 'package.json'));
  copyFileSync(join(esbuild, 'bin', 'esbuild'), join(dir, 'package', 'bin', 'esbuild'));
  const upload = (name: string) => ({
    path: dir,
    name,
    isFile: false,
    root: dir,
    inventory: inventoryTree(dir),
  });
  const split = guessNameVersion({ uploadName: 'esbuild-linux-64-0.28.2.tgz' });
  assert.equal(split.version?.value, '64.0.28.2', 'the tarball-name split alone is wrong here');
  const info = await binaryBackend.info(upload('esbuild-linux-64-0.28.2.tgz'));
  assert.equal(info.fields.name?.value, 'esbuild-linux-x64');
  assert.equal(info.fields.version?.value, manifest.version);
  assert.equal(info.fields.version?.source, 'metadata:package/package.json');
  assert.equal(info.fields.summary?.value, manifest.description);

  writeFileSync(join(dir, 'package', 'pkgme.json'), JSON.stringify({ package: 'mine', version: '7.0' }));
  const own = await binaryBackend.info(upload('x.tgz'));
  assert.equal(own.fields.name?.value, 'mine');
  assert.equal(own.fields.version?.value, '7.0');
  rmSync(join(dir, 'package', 'pkgme.json'));

  writeFileSync(join(dir, 'package', 'package.json'), '{"name": "broken", "version": ');
  const broken = await binaryBackend.info(upload('esbuild-linux-64-0.28.2.tgz'));
  assert.equal(broken.fields.name?.value, 'esbuild-linux');
  assert.equal(readNpmManifest(dir).package, undefined);
});
