import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pkgme } from '../../testing/cli.ts';
import { repoRoot, requireTools, run } from '../../testing/env.ts';

test('pkgme scan --json on the sample upload lists its ELF files; plain output names bundled and needed sonames', (t) => {
  if (!requireTools(t, ['gcc', 'tar'], 'gcc tar libpng-dev zlib1g-dev')) return;
  const tarball = run('bash', [
    join(repoRoot, 'samples', 'build.sh'),
    mkdtempSync(join(tmpdir(), 'pkgme-')),
  ]).trim();
  const r = pkgme('scan', '--json', tarball);
  assert.equal(r.status, 0, r.stderr);
  const body = JSON.parse(r.stdout) as {
    inventory: { entries: Array<{ path: string; elf?: { needed: string[] } }>; externalSonames: object };
  };
  const exe = body.inventory.entries.find((e) => e.path.endsWith('/bin/hello-pkgme'))!;
  assert.ok(exe.elf!.needed.includes('libgreet.so.1'));
  assert.deepEqual(
    Object.keys(body.inventory.externalSonames).sort(),
    exe.elf!.needed.filter((n) => n !== 'libgreet.so.1').sort(),
  );
  const plain = pkgme('scan', tarball);
  assert.equal(plain.status, 0);
  assert.match(plain.stdout, /bundled libraries: libgreet\.so\.1/);
});

test('pkgme scan: a missing upload exits 2 with a typed JSON error', () => {
  const r = pkgme('scan', '--json', '/nonexistent/app.tar.gz');
  assert.equal(r.status, 2);
  const body = JSON.parse(r.stdout) as { error: { code: string; hint: string } };
  assert.equal(body.error.code, 'SCAN_NOT_FOUND');
  assert.ok(body.error.hint.length > 0);
});
