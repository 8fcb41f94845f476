/**
 * `pkgme deb822 show|verify|sign` end to end: field values against grep-dctrl (dctrl-tools' C parser) on dpkg's
 * status, verification of apt's InRelease with the Debian keyring, and a CLI-made signature accepted by gpgv.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as openpgp from 'openpgp';
import { inReleaseFiles } from '../../formats/deb822/testdata/corpus.ts';
import { requireTools } from '../../testing/env.ts';
import { pkgme } from '../../testing/cli.ts';

test('pkgme deb822 show: Package/Version/Depends of dpkg status equal grep-dctrl', (t) => {
  if (!requireTools(t, ['grep-dctrl'], 'dctrl-tools')) return;
  const fields = ['Package', 'Version', 'Depends'];
  const r = pkgme(
    'deb822',
    'show',
    '--json',
    ...fields.flatMap((f) => ['--field', f]),
    '/var/lib/dpkg/status',
  );
  assert.equal(r.status, 0, r.stderr);
  const ours = (JSON.parse(r.stdout) as { paragraphs: Array<Record<string, string>> }).paragraphs;
  // grep-dctrl prints the selected fields of every paragraph with a Package field, paragraphs separated by blanks.
  const theirs = execFileSync(
    'grep-dctrl',
    ['-s', fields.join(','), '-r', '-FPackage', '.', '/var/lib/dpkg/status'],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    },
  )
    .split('\n\n')
    .filter((s) => s.trim() !== '')
    .map((s) =>
      Object.fromEntries(s.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)])),
    );
  assert.deepEqual(ours, theirs);
  console.log(`pkgme deb822 show: ${ours.length} paragraphs × ${fields.length} fields equal grep-dctrl`);
});

test('pkgme deb822 verify and sign: Debian InRelease verifies; our signature passes gpgv', async (t) => {
  if (!requireTools(t, ['gpgv'], 'gpgv')) return;
  const files = inReleaseFiles();
  assert.ok(files.length > 0, 'no InRelease under /var/lib/apt/lists');
  const keyring = '/usr/share/keyrings/debian-archive-keyring.gpg';
  const ok = pkgme('deb822', 'verify', '--json', '--keyring', keyring, files[0]!.path);
  assert.equal(ok.status, 0, ok.stderr);
  assert.ok((JSON.parse(ok.stdout) as { signers: unknown[] }).signers.length > 0);

  const dir = mkdtempSync(join(tmpdir(), 'pkgme-cli-sign-'));
  try {
    const { privateKey, publicKey } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'ed25519Legacy',
      userIDs: [{ name: 'cli test' }],
      format: 'binary',
    });
    writeFileSync(join(dir, 'key'), privateKey);
    writeFileSync(join(dir, 'pub.gpg'), publicKey);
    writeFileSync(
      join(dir, 'Release'),
      readFileSync(files[0]!.path, 'utf8').split('\n-----BEGIN PGP SIGNATURE')[0]!,
    );
    const s = pkgme(
      'deb822',
      'sign',
      '--key',
      join(dir, 'key'),
      '--out',
      join(dir, 'InRelease'),
      join(dir, 'Release'),
    );
    assert.equal(s.status, 0, s.stderr);
    const d = pkgme(
      'deb822',
      'sign',
      '--detached',
      '--key',
      join(dir, 'key'),
      '--out',
      join(dir, 'Release.gpg'),
      join(dir, 'Release'),
    );
    assert.equal(d.status, 0, d.stderr);
    const g1 = spawnSync('gpgv', ['--keyring', join(dir, 'pub.gpg'), join(dir, 'InRelease')]);
    const g2 = spawnSync('gpgv', [
      '--keyring',
      join(dir, 'pub.gpg'),
      join(dir, 'Release.gpg'),
      join(dir, 'Release'),
    ]);
    assert.equal(g1.status, 0, String(g1.stderr));
    assert.equal(g2.status, 0, String(g2.stderr));
    // The Debian keyring does not hold our key: exit code 1 with PGP_UNKNOWN_KEY.
    const unknown = pkgme('deb822', 'verify', '--json', '--keyring', keyring, join(dir, 'InRelease'));
    assert.equal(unknown.status, 1);
    assert.equal((JSON.parse(unknown.stdout) as { error: { code: string } }).error.code, 'PGP_UNKNOWN_KEY');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pkgme deb822 show reads compressed apt indices: paragraph count equals grep -c on lz4 -dc', (t) => {
  if (!requireTools(t, ['lz4', 'grep'], 'lz4 grep')) return;
  const lists = '/var/lib/apt/lists';
  const files = readdirSync(lists)
    .filter((f) => f.endsWith('_Packages.lz4'))
    .map((f) => join(lists, f));
  assert.ok(files.length > 0, 'no Packages.lz4 under /var/lib/apt/lists');
  const smallest = files.sort((a, b) => statSync(a).size - statSync(b).size)[0]!;
  const r = pkgme('deb822', 'show', '--json', '--field', 'Package', smallest);
  assert.equal(r.status, 0, r.stderr);
  const ours = (JSON.parse(r.stdout) as { paragraphs: unknown[] }).paragraphs.length;
  const plain = execFileSync('lz4', ['-dc', smallest], { maxBuffer: 1 << 30 });
  const theirs = Number(execFileSync('grep', ['-c', '^Package:'], { input: plain, encoding: 'utf8' }).trim());
  assert.equal(ours, theirs);
  console.log(`pkgme deb822 show: ${smallest}: ${ours} paragraphs, as grep counts`);
});
