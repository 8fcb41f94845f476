/**
 * Oracle tests for the OpenPGP wrappers: apt's real InRelease files verified against the Debian archive keyring
 * (compared with gpgv's VALIDSIG lines and its --output text), tampered copies rejected by both, our clearsigned and
 * detached signatures (ed25519 and RSA) accepted by gpgv, and gpg's own clearsigned output read and verified by us.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { PkgmeError } from '../../errors.ts';
import { requireTools } from '../../testing/env.ts';
import { formatDeb822, parseDeb822 } from '../deb822/index.ts';
import { inReleaseFiles } from '../deb822/testdata/corpus.ts';
import {
  clearsign,
  formatClearsigned,
  readClearsigned,
  readKeyring,
  readSigningKey,
  signDetached,
  verifyClearsigned,
  verifyDetached,
  type PublicKey,
} from './index.ts';

const DEBIAN_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

interface Gpgv {
  ok: boolean;
  /** Primary-key fingerprints from VALIDSIG status lines. */
  valid: string[];
  output: string;
}

/** Runs gpgv on a file (and optional detached data) with a keyring; returns its verdict and the signed text. */
function gpgv(keyring: string, files: string[]): Gpgv {
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-gpgv-'));
  try {
    const out = join(dir, 'out');
    const args = [
      '--status-fd',
      '1',
      '--keyring',
      keyring,
      ...(files.length === 1 ? ['--output', out] : []),
      ...files,
    ];
    const r = spawnSync('gpgv', args, { encoding: 'utf8' });
    const valid = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('[GNUPG:] VALIDSIG '))
      .map((l) => l.trim().split(' ').pop()!.toUpperCase());
    // gpgv writes the signed text of a cleartext signature in canonical form (CRLF line ends, trailing blanks gone).
    const output = existsSync(out) ? readFileSync(out, 'utf8').replace(/\r\n/g, '\n') : '';
    return { ok: r.status === 0, valid, output };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function tmp(): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-pgp-'));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A copy of a clearsigned file with one character of the signed text changed (a hash digit in Release). */
function tamper(text: string): string {
  const at = text.indexOf('\n', text.indexOf('\n\n') + 2) - 1;
  const c = text[at] === '0' ? '1' : '0';
  return text.slice(0, at) + c + text.slice(at + 1);
}

test('real InRelease files: round trip, verified against the Debian keyring like gpgv, tampered copies fail', async (t) => {
  if (!requireTools(t, ['gpgv'], 'gpgv')) return;
  const files = inReleaseFiles();
  assert.ok(files.length > 0, 'no InRelease under /var/lib/apt/lists: run apt-get update');
  const keys = await readKeyring(readFileSync(DEBIAN_KEYRING), DEBIAN_KEYRING);
  let sigs = 0;
  let fields = 0;
  for (const f of files) {
    const c = readClearsigned(f.text);
    assert.ok(formatClearsigned(c) === f.text, `${f.path}: clearsigned round trip`);
    const ps = parseDeb822(c.text, { source: f.path });
    assert.equal(ps.length, 1, `${f.path}: one Release paragraph`);
    assert.ok(formatDeb822(ps) === c.text, `${f.path}: deb822 round trip of the signed text`);
    fields += ps[0]!.size;

    const oracle = gpgv(DEBIAN_KEYRING, [f.path]);
    assert.ok(oracle.ok, `gpgv rejects ${f.path}`);
    assert.ok(
      c.text.replace(/[ \t]+$/gm, '') === oracle.output,
      `${f.path}: signed text equals gpgv --output`,
    );
    const res = await verifyClearsigned(f.text, keys);
    assert.deepEqual(
      res.signers.map((s) => s.fingerprint).sort(),
      oracle.valid.sort(),
      `${f.path}: signers vs gpgv`,
    );
    sigs += res.signers.length;

    const bad = tamper(f.text);
    const { dir, done } = tmp();
    try {
      writeFileSync(join(dir, 'InRelease'), bad);
      assert.equal(
        gpgv(DEBIAN_KEYRING, [join(dir, 'InRelease')]).ok,
        false,
        'gpgv accepted the tampered copy',
      );
    } finally {
      done();
    }
    await assert.rejects(
      verifyClearsigned(bad, keys),
      (e: unknown) => e instanceof PkgmeError && e.code === 'PGP_BAD_SIGNATURE',
    );
  }
  console.log(
    `InRelease: ${files.length} files, ${sigs} signatures equal to gpgv's VALIDSIG, ${fields} fields, tampered copies rejected`,
  );
});

test('signature by a key outside the keyring is PGP_UNKNOWN_KEY', async () => {
  const files = inReleaseFiles();
  assert.ok(files.length > 0, 'no InRelease under /var/lib/apt/lists');
  const { publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name: 'Other' }],
    format: 'object',
  });
  await assert.rejects(verifyClearsigned(files[0]!.text, [publicKey]), { code: 'PGP_UNKNOWN_KEY' });
});

const keyTypes: Array<[string, Partial<openpgp.KeyOptions>]> = [
  ['ed25519', { type: 'ecc', curve: 'ed25519Legacy' }],
  ['rsa3072', { type: 'rsa', rsaBits: 3072 }],
];

for (const [label, opts] of keyTypes) {
  test(`our ${label} clearsigned and detached signatures: gpgv accepts, tampered copies fail (ours and gpgv)`, async (t) => {
    if (!requireTools(t, ['gpgv'], 'gpgv')) return;
    const files = inReleaseFiles();
    assert.ok(files.length > 0, 'no InRelease under /var/lib/apt/lists');
    const release = readClearsigned(files[0]!.text).text + '-dash line to escape\nX-Trailing: spaces  \n';
    const gen = await openpgp.generateKey({
      ...opts,
      userIDs: [{ name: 'pkgme test', email: 'test@example.org' }],
      format: 'armored',
    } as openpgp.KeyOptions & { format: 'armored' });
    const priv = await readSigningKey(gen.privateKey);
    const keys = await readKeyring(gen.publicKey);
    const { dir, done } = tmp();
    try {
      const keyring = join(dir, 'key.gpg');
      writeFileSync(keyring, keys[0]!.write() as Uint8Array);

      const signed = await clearsign(release, priv);
      writeFileSync(join(dir, 'InRelease'), signed);
      const oracle = gpgv(keyring, [join(dir, 'InRelease')]);
      assert.ok(oracle.ok, 'gpgv rejects our clearsigned file');
      assert.ok(
        oracle.output === release.replace(/[ \t]+$/gm, ''),
        'gpgv --output equals the text we signed',
      );
      assert.deepEqual(oracle.valid, [keys[0]!.getFingerprint().toUpperCase()]);
      const back = await verifyClearsigned(signed, keys);
      assert.ok(back.text === release, 'verified text equals the signed text');
      assert.equal(back.signers[0]!.fingerprint, keys[0]!.getFingerprint().toUpperCase());

      const bad = tamper(signed);
      writeFileSync(join(dir, 'InRelease.bad'), bad);
      assert.equal(gpgv(keyring, [join(dir, 'InRelease.bad')]).ok, false, 'gpgv accepted a tampered copy');
      await assert.rejects(verifyClearsigned(bad, keys), { code: 'PGP_BAD_SIGNATURE' });

      const sig = await signDetached(release, priv);
      writeFileSync(join(dir, 'Release'), release);
      writeFileSync(join(dir, 'Release.gpg'), sig);
      assert.ok(
        gpgv(keyring, [join(dir, 'Release.gpg'), join(dir, 'Release')]).ok,
        'gpgv rejects our Release.gpg',
      );
      assert.equal((await verifyDetached(release, sig, keys)).signers.length, 1);
      const badRelease = release.replace('Origin', 'Origim');
      writeFileSync(join(dir, 'Release'), badRelease);
      assert.equal(gpgv(keyring, [join(dir, 'Release.gpg'), join(dir, 'Release')]).ok, false);
      await assert.rejects(verifyDetached(badRelease, sig, keys), { code: 'PGP_BAD_SIGNATURE' });
      console.log(
        `${label}: clearsigned + detached accepted by gpgv, tampered copies rejected by gpgv and by us`,
      );
    } finally {
      done();
    }
  });
}

test("gpg's own clearsigned output (dash-escaped lines) reads and verifies", async (t) => {
  if (!requireTools(t, ['gpg'], 'gnupg')) return;
  const { dir, done } = tmp();
  try {
    const env = { ...process.env, GNUPGHOME: join(dir, 'home') };
    spawnSync('mkdir', ['-m', '700', join(dir, 'home')]);
    const gen = spawnSync(
      'gpg',
      [
        '--batch',
        '--passphrase',
        '',
        '--quick-gen-key',
        'pkgme gpg test <gpg@example.org>',
        'ed25519',
        'sign',
        'never',
      ],
      { env, encoding: 'utf8' },
    );
    assert.equal(gen.status, 0, gen.stderr);
    const text = 'Source: x\n-----BEGIN PGP SIGNATURE-----\n- leading dash\nFiles:\n abc 1 x.tar.xz\n';
    writeFileSync(join(dir, 'x.dsc'), text);
    const sign = spawnSync(
      'gpg',
      ['--batch', '--clearsign', '--output', join(dir, 'x.dsc.asc'), join(dir, 'x.dsc')],
      {
        env,
        encoding: 'utf8',
      },
    );
    assert.equal(sign.status, 0, sign.stderr);
    const exported = spawnSync('gpg', ['--export'], { env });
    const keys = await readKeyring(exported.stdout as unknown as Buffer);
    const signed = readFileSync(join(dir, 'x.dsc.asc'), 'utf8');
    const c = readClearsigned(signed);
    assert.equal(c.text, text);
    assert.ok(formatClearsigned(c) === signed);
    const res = await verifyClearsigned(signed, keys);
    assert.equal(res.text, text);
    assert.equal(res.signers.length, 1);
  } finally {
    done();
  }
});

test('malformed wrappers are PGP_MALFORMED', () => {
  const cases = [
    'no armor at all\n',
    '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nA: b\n',
    '-----BEGIN PGP SIGNED MESSAGE-----\nComment: x\n\nA: b\n-----BEGIN PGP SIGNATURE-----\n-----END PGP SIGNATURE-----\n',
    '-----BEGIN PGP SIGNED MESSAGE-----\n\n-not escaped\n-----BEGIN PGP SIGNATURE-----\n-----END PGP SIGNATURE-----\n',
    '-----BEGIN PGP SIGNED MESSAGE-----\n\nA: b\n-----BEGIN PGP SIGNATURE-----\n-----END PGP SIGNATURE-----\nUnsigned: yes\n',
    'Unsigned: yes\n-----BEGIN PGP SIGNED MESSAGE-----\n\nA: b\n-----BEGIN PGP SIGNATURE-----\n-----END PGP SIGNATURE-----\n',
  ];
  for (const c of cases)
    assert.throws(() => readClearsigned(c), { code: 'PGP_MALFORMED' }, JSON.stringify(c));
});

test("the machine's apt keyrings (binary and armored) read with the same primary keys as gpg --show-keys", async (t) => {
  if (!requireTools(t, ['gpg'], 'gnupg')) return;
  const dirs = ['/usr/share/keyrings', '/etc/apt/trusted.gpg.d'];
  const paths = dirs
    .filter((d) => existsSync(d))
    .flatMap((d) => readdirSync(d).map((f) => join(d, f)))
    .filter((p) => /\.(gpg|asc)$/.test(p));
  assert.ok(paths.length > 0, 'no keyring files found');
  const { dir, done } = tmp();
  let keys = 0;
  const asc: PublicKey[] = [];
  try {
    for (const path of paths) {
      const r = spawnSync('gpg', ['--homedir', dir, '--with-colons', '--show-keys', path], {
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      // The fingerprint line that follows each `pub` line is the primary key's.
      const lines = r.stdout.split('\n');
      const expected = lines
        .map((l, i) =>
          l.startsWith('pub:') ? lines.slice(i + 1).find((x) => x.startsWith('fpr:')) : undefined,
        )
        .filter((l): l is string => l !== undefined)
        .map((l) => l.split(':')[9]!);
      const ours = await readKeyring(readFileSync(path), path);
      assert.deepEqual(
        ours.map((k) => k.getFingerprint().toUpperCase()),
        expected,
        path,
      );
      keys += ours.length;
      if (path.endsWith('.asc')) asc.push(...ours);
    }
  } finally {
    done();
  }
  // apt's own configuration: the armored keys in trusted.gpg.d verify the InRelease files too.
  let verified = 0;
  if (asc.length > 0) {
    for (const f of inReleaseFiles()) verified += (await verifyClearsigned(f.text, asc)).signers.length;
  }
  console.log(
    `keyrings: ${paths.length} files, ${keys} keys equal to gpg --show-keys; ${verified} InRelease signatures via trusted.gpg.d`,
  );
});

test('keybox files and garbage are PGP_BAD_KEY', async () => {
  const kbx = new Uint8Array(32);
  kbx.set(new TextEncoder().encode('KBXf'), 8);
  await assert.rejects(readKeyring(kbx), { code: 'PGP_BAD_KEY' });
  await assert.rejects(readKeyring(new Uint8Array([1, 2, 3, 4])), { code: 'PGP_BAD_KEY' });
  await assert.rejects(readKeyring('-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n'), {
    code: 'PGP_BAD_KEY',
  });
});

test('armor header variants: we reject exactly what gpgv rejects', async (t) => {
  if (!requireTools(t, ['gpgv'], 'gpgv')) return;
  const files = inReleaseFiles();
  assert.ok(files.length > 0, 'no InRelease under /var/lib/apt/lists');
  const keys = await readKeyring(readFileSync(DEBIAN_KEYRING));
  const original = files[0]!.text;
  assert.ok(original.includes('\nHash: SHA256\n'), 'expected a SHA256 Hash header');
  const variants: Array<[string, string]> = [
    ['as published', original],
    ['wrong Hash header', original.replace('\nHash: SHA256\n', '\nHash: SHA512\n')],
    ['no Hash header', original.replace('\nHash: SHA256\n', '\n')],
    ['extra Comment header', original.replace('\nHash: SHA256\n', '\nHash: SHA256\nComment: x\n')],
    ['two Hash values', original.replace('\nHash: SHA256\n', '\nHash: SHA256,SHA512\n')],
    ['leading blank lines', '\n\n' + original],
    ['unescaped dash line', original.replace('\nSHA256:\n', '\n-SHA256:\n')],
  ];
  const { dir, done } = tmp();
  try {
    for (const [name, text] of variants) {
      writeFileSync(join(dir, 'InRelease'), text);
      const theirs = gpgv(DEBIAN_KEYRING, [join(dir, 'InRelease')]).ok;
      const ours = await verifyClearsigned(text, keys).then(
        () => true,
        (e: unknown) => {
          assert.ok(e instanceof PkgmeError, `${name}: untyped error ${String(e)}`);
          return false;
        },
      );
      assert.equal(
        ours,
        theirs,
        `${name}: gpgv ${theirs ? 'accepts' : 'rejects'}, we ${ours ? 'accept' : 'reject'}`,
      );
    }
    // The one deliberate difference: gpgv ignores text after the signature block, apt refuses such a file (unsigned
    // content next to signed content), and so do we.
    const trailing = original + 'Extra: unsigned\n';
    writeFileSync(join(dir, 'InRelease'), trailing);
    assert.equal(gpgv(DEBIAN_KEYRING, [join(dir, 'InRelease')]).ok, true, 'gpgv now rejects trailing text');
    await assert.rejects(verifyClearsigned(trailing, keys), { code: 'PGP_MALFORMED' });
  } finally {
    done();
  }
  console.log(
    `armor variants: ${variants.length} cases, same verdict as gpgv; trailing text rejected like apt`,
  );
});

test('passphrase-protected signing keys: missing or wrong passphrase is PGP_BAD_KEY, the right one signs', async () => {
  const gen = await openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name: 'locked' }],
    passphrase: 'correct horse',
    format: 'armored',
  });
  await assert.rejects(readSigningKey(gen.privateKey), { code: 'PGP_BAD_KEY' });
  await assert.rejects(readSigningKey(gen.privateKey, 'wrong'), { code: 'PGP_BAD_KEY' });
  await assert.rejects(readSigningKey('not a key'), { code: 'PGP_BAD_KEY' });
  const key = await readSigningKey(gen.privateKey, 'correct horse');
  const signed = await clearsign('A: b\n', key);
  const res = await verifyClearsigned(signed, await readKeyring(gen.publicKey));
  assert.equal(res.text, 'A: b\n');
});
