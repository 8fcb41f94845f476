/**
 * .dsc and .changes made by dpkg-source and dpkg-genchanges: parsed, round-tripped, field values compared with
 * Dpkg::Control, Files/Checksums tables checked against md5sum/sha1sum/sha256sum and the file sizes, and the .dsc
 * clearsigned with our signer and accepted by `dpkg-source --require-valid-signature -x` (dpkg's own gpgv check).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { requireTools } from '../../testing/env.ts';
import { clearsign, readClearsigned, verifyClearsigned } from '../openpgp/index.ts';
import { formatDeb822, parseDeb822, parseFileList, parseDescription } from './index.ts';

const script = join(import.meta.dirname, 'testdata', 'dpkg-dump.pl');

/** A minimal native source package built by dpkg-source, and its source-only .changes from dpkg-genchanges. */
function buildSource(dir: string): { dsc: string; changes: string } {
  const tree = join(dir, 'hello-1.0');
  mkdirSync(join(tree, 'debian', 'source'), { recursive: true });
  writeFileSync(join(tree, 'README'), 'hello\n');
  writeFileSync(
    join(tree, 'debian', 'control'),
    'Source: hello\nSection: misc\nPriority: optional\nMaintainer: A <a@example.org>\nStandards-Version: 4.6.2\n\n' +
      'Package: hello\nArchitecture: all\nDescription: test package\n first line\n .\n second paragraph\n',
  );
  writeFileSync(
    join(tree, 'debian', 'changelog'),
    'hello (1.0) unstable; urgency=medium\n\n  * Initial.\n\n -- A <a@example.org>  Mon, 01 Jan 2024 00:00:00 +0000\n',
  );
  writeFileSync(join(tree, 'debian', 'source', 'format'), '3.0 (native)\n');
  writeFileSync(join(tree, 'debian', 'rules'), '#!/usr/bin/make -f\n%:\n\tdh $@\n', { mode: 0o755 });
  execFileSync('dpkg-source', ['-b', 'hello-1.0'], { cwd: dir, stdio: 'ignore' });
  execFileSync('dpkg-genchanges', ['-S', '-O../hello_1.0_source.changes'], { cwd: tree, stdio: 'ignore' });
  return { dsc: join(dir, 'hello_1.0.dsc'), changes: join(dir, 'hello_1.0_source.changes') };
}

function sum(tool: string, path: string): string {
  return execFileSync(tool, [path], { encoding: 'utf8' }).split(' ')[0]!;
}

test('dpkg-source .dsc and dpkg-genchanges .changes: values, file tables vs checksum tools, round trip', (t) => {
  if (!requireTools(t, ['dpkg-source', 'dpkg-genchanges', 'perl', 'sha256sum'], 'dpkg-dev coreutils')) return;
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-dsc-'));
  try {
    const { dsc, changes } = buildSource(dir);
    let entries = 0;
    for (const path of [dsc, changes]) {
      const text = readFileSync(path, 'utf8');
      const ps = parseDeb822(text, { source: path });
      assert.equal(ps.length, 1);
      assert.ok(formatDeb822(ps) === text, `${path}: round trip`);
      const p = ps[0]!;
      const exp = JSON.parse(execFileSync('perl', [script, path], { encoding: 'utf8' })) as Array<
        Array<[string, string]>
      >;
      for (const [n, v] of exp[0]!) assert.equal(p.get(n), v, `${path}: ${n}`);
      for (const [field, tool] of [
        ['Files', 'md5sum'],
        ['Checksums-Sha1', 'sha1sum'],
        ['Checksums-Sha256', 'sha256sum'],
      ] as const) {
        const list = parseFileList(p.get(field)!, field);
        assert.ok(list.length > 0, `${path}: ${field} is empty`);
        for (const e of list) {
          const file = join(dir, e.name);
          assert.equal(e.hash, sum(tool, file), `${path}: ${field} ${e.name}`);
          assert.equal(e.size, statSync(file).size, `${path}: ${field} ${e.name} size`);
          if (path === changes && field === 'Files') {
            assert.equal(e.section, 'misc');
            assert.equal(e.priority, 'optional');
          }
          entries++;
        }
      }
    }
    const changesText = parseDeb822(readFileSync(changes, 'utf8'))[0]!.get('Changes')!;
    assert.deepEqual(parseDescription(changesText).long, [
      'hello (1.0) unstable; urgency=medium',
      '',
      '  * Initial.',
    ]);
    console.log(
      `dsc/changes: 2 files, ${entries} Files/Checksums entries equal to md5sum/sha1sum/sha256sum and sizes`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a .dsc clearsigned by us passes dpkg-source --require-valid-signature; a tampered one fails', async (t) => {
  if (!requireTools(t, ['dpkg-source', 'dpkg-genchanges', 'gpgv'], 'dpkg-dev gpgv')) return;
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-dscsig-'));
  try {
    const { dsc } = buildSource(dir);
    const { privateKey } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'ed25519Legacy',
      userIDs: [{ name: 'pkgme test', email: 'test@example.org' }],
      format: 'object',
    });
    const home = join(dir, 'home');
    mkdirSync(join(home, '.gnupg'), { recursive: true, mode: 0o700 });
    writeFileSync(join(home, '.gnupg', 'trustedkeys.gpg'), privateKey.toPublic().write() as Uint8Array);
    const text = readFileSync(dsc, 'utf8');
    const signed = await clearsign(text, privateKey);
    writeFileSync(dsc, signed);
    assert.ok(readClearsigned(signed).text === text);
    assert.equal((await verifyClearsigned(signed, [privateKey.toPublic()])).signers.length, 1);
    const env = { ...process.env, HOME: home, GNUPGHOME: join(home, '.gnupg') };
    const ok = spawnSync('dpkg-source', ['--require-valid-signature', '-x', 'hello_1.0.dsc', 'x1'], {
      cwd: dir,
      env,
      encoding: 'utf8',
    });
    assert.equal(ok.status, 0, `dpkg-source rejected our signed .dsc: ${ok.stderr}`);
    writeFileSync(dsc, signed.replace('Maintainer: A', 'Maintainer: B'));
    const bad = spawnSync('dpkg-source', ['--require-valid-signature', '-x', 'hello_1.0.dsc', 'x2'], {
      cwd: dir,
      env,
      encoding: 'utf8',
    });
    assert.notEqual(bad.status, 0, 'dpkg-source accepted a tampered signed .dsc');
    assert.match(bad.stderr, /signature/i, `dpkg-source failed for another reason: ${bad.stderr}`);
    console.log('signed .dsc: accepted by dpkg-source --require-valid-signature, tampered copy rejected');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
