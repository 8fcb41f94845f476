/**
 * A re-packaged vendor .deb through the whole pipeline: its own relation fields (Pre-Depends, Recommends,
 * Conflicts…) and conffiles reach the rebuilt package, and its /opt tree gets exactly the documented
 * dir-or-file-in-opt override, which lintian then reports as overridden rather than as an error. The input .deb is
 * built by dpkg-deb from a gcc-compiled program (Depends given with --set: no database); the oracles are dpkg-deb -f / --ctrl-tarfile and lintian.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { requireTools, run } from '../testing/env.ts';
import { packageUpload } from './pipeline.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pkgme-pipeline-deb-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const RELATIONS = {
  'Pre-Depends': 'dpkg (>= 1.19)',
  Recommends: 'bash-completion',
  Suggests: 'hello',
  Conflicts: 'vendorapp-legacy',
  Replaces: 'vendorapp-legacy',
  Provides: 'vendor-app',
};

function vendorDeb(): string {
  const root = join(tmp, 'tree');
  mkdirSync(join(root, 'DEBIAN'), { recursive: true });
  mkdirSync(join(root, 'opt/VendorApp'), { recursive: true });
  mkdirSync(join(root, 'etc/vendorapp'), { recursive: true });
  mkdirSync(join(root, 'usr/bin'), { recursive: true });
  writeFileSync(join(tmp, 'app.c'), '#include <stdio.h>\nint main(void){puts("vendor");return 0;}\n');
  run('gcc', ['-O2', '-o', join(root, 'opt/VendorApp/vendorapp'), join(tmp, 'app.c')]);
  chmodSync(join(root, 'opt/VendorApp/vendorapp'), 0o755);
  writeFileSync(join(root, 'etc/vendorapp/app.conf'), 'colour = blue\n');
  run('ln', ['-s', '/opt/VendorApp/vendorapp', join(root, 'usr/bin/vendorapp')]);
  const rel = Object.entries(RELATIONS)
    .map(([k, v]) => `${k}: ${v}\n`)
    .join('');
  writeFileSync(
    join(root, 'DEBIAN/control'),
    'Package: vendorapp\nVersion: 2.1-3\nArchitecture: amd64\nMaintainer: Vendor Support <support@vendor.example>\n' +
      `Section: utils\nPriority: optional\nDepends: libc6 (>= 2.2.5)\n${rel}` +
      'Description: vendor application for the re-packaging test\n A program shipped by a vendor under /opt.\n',
  );
  writeFileSync(join(root, 'DEBIAN/conffiles'), '/etc/vendorapp/app.conf\n');
  const deb = join(tmp, 'vendorapp_2.1-3_amd64.deb');
  run('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', root, deb]);
  return deb;
}

test('a re-packaged vendor .deb keeps its relations and conffiles; its /opt tree is overridden, not an error', async (t) => {
  if (!requireTools(t, ['gcc', 'dpkg-deb', 'lintian'], 'gcc dpkg-dev lintian')) return;
  const out = join(tmp, 'out');
  // No database here: the Depends is given, as a user without an imported release would (pipeline.test.ts).
  const r = await packageUpload(vendorDeb(), { out, build: true, overrides: { depends: 'libc6 (>= 2.34)' } });
  const deb = r.files.find((f) => f.kind === 'deb')!.path;
  for (const [field, value] of Object.entries(RELATIONS))
    assert.equal(run('dpkg-deb', ['-f', deb, field]).trim(), value, field);
  const conffiles = run('sh', ['-c', `dpkg-deb --ctrl-tarfile '${deb}' | tar -xOf - ./conffiles`]);
  assert.deepEqual(conffiles.trim().split('\n'), ['/etc/vendorapp/app.conf']);
  const overrides = run('sh', [
    '-c',
    `dpkg-deb --fsys-tarfile '${deb}' | tar -xOf - ./usr/share/lintian/overrides/vendorapp`,
  ]);
  assert.match(overrides, /^vendorapp: dir-or-file-in-opt \[opt\/VendorApp\/\*\]$/m);
  const lint = run('sh', ['-c', `lintian --show-overrides '${deb}' || true`]);
  assert.doesNotMatch(lint, /^E: vendorapp: dir-or-file-in-opt/m, lint);
  assert.match(lint, /^O: vendorapp: dir-or-file-in-opt/m, lint);
  const dsc = readFileSync(r.files.find((f) => f.kind === 'dsc')!.path, 'utf8');
  assert.match(dsc, /^Binary: vendorapp$/m);
});
