import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as openpgp from 'openpgp';
import { PkgmeError } from '../../errors.ts';
import { hasCommand, requireTools } from '../../testing/env.ts';
import { clearsign } from '../openpgp/sign.ts';
import { listDscContents, parseDsc, readDsc, verifyDscFiles } from './read.ts';
import { REAL_SOURCES, fetchRealSources } from './real-sources.fixture.ts';
import { MTIME, writeFixturePackage } from './tree.fixture.ts';
import type { WrittenSource } from './write.ts';

const work = mkdtempSync(join(tmpdir(), 'pkgme-dscr-'));
after(() => rmSync(work, { recursive: true, force: true }));
let good: WrittenSource;
let goodDir: string;

before(async () => {
  good = await writeFixturePackage(work, '1.0-1', '3.0 (quilt)', 'good');
  goodDir = join(work, 'good');
});

/** A copy of the good package in a fresh directory, with the .dsc text changed by `edit`. */
function variant(edit: (dsc: string) => string, files = true): string {
  const dir = mkdtempSync(join(work, 'v-'));
  if (files) for (const f of good.files) copyFileSync(join(goodDir, f.name), join(dir, f.name));
  const path = join(dir, 'x.dsc');
  writeFileSync(path, edit(good.dscText));
  return path;
}

function code(expected: string) {
  return (e: unknown) => {
    assert.ok(e instanceof PkgmeError, `not a PkgmeError: ${String(e)}`);
    assert.equal(e.code, expected, e.message);
    return true;
  };
}

/** dpkg-source -x's verdict on the same .dsc: true when it extracts. */
function dpkgSourceAccepts(dsc: string): boolean {
  const into = join(mkdtempSync(join(work, 'x-')), 'out');
  return spawnSync('dpkg-source', ['--no-copy', '-x', dsc, into], { encoding: 'utf8' }).status === 0;
}

test('hostile or broken .dsc files fail with typed errors, where dpkg-source also refuses them', async (t) => {
  const orig = good.files[0]!.name;
  /** The good package with its orig tarball's bytes changed. */
  const withOrig = (change: (b: Buffer) => Uint8Array) => {
    const p = variant((s) => s);
    const f = join(p, '..', orig);
    writeFileSync(f, change(readFileSync(f)));
    return p;
  };
  const cases: Array<{ name: string; path: () => string; code: string; dpkgRefuses: boolean }> = [
    {
      name: 'name with ..',
      path: () => variant((s) => s.replaceAll(orig, `../${orig}`)),
      code: 'DSC_BAD_FILE_NAME',
      dpkgRefuses: true,
    },
    {
      name: 'name with /',
      path: () => variant((s) => s.replaceAll(orig, `sub/${orig}`)),
      code: 'DSC_BAD_FILE_NAME',
      dpkgRefuses: true,
    },
    {
      name: 'hidden name',
      path: () => variant((s) => s.replaceAll(orig, `.${orig}`)),
      code: 'DSC_BAD_FILE_NAME',
      dpkgRefuses: true,
    },
    {
      name: 'no Files',
      path: () => variant((s) => s.replace(/^Files:\n( .*\n)+/m, '')),
      code: 'DSC_MISSING_FIELD',
      dpkgRefuses: true,
    },
    {
      name: 'no Source',
      path: () => variant((s) => s.replace(/^Source: .*\n/m, '')),
      code: 'DSC_MISSING_FIELD',
      dpkgRefuses: true,
    },
    {
      name: 'no Version',
      path: () => variant((s) => s.replace(/^Version: .*\n/m, '')),
      code: 'DSC_MISSING_FIELD',
      dpkgRefuses: true,
    },
    {
      name: 'bad Version',
      path: () => variant((s) => s.replace(/^Version: .*$/m, 'Version: 1.0-')),
      code: 'VERSION_INVALID',
      dpkgRefuses: true,
    },
    {
      name: 'missing file',
      path: () => variant((s) => s, false),
      code: 'DSC_MISSING_FILE',
      dpkgRefuses: true,
    },
    {
      name: 'corrupt file',
      path: () => withOrig((b) => b.map((x, i) => (i === b.length >> 1 ? x ^ 0xff : x))),
      code: 'DSC_CHECKSUM_MISMATCH',
      dpkgRefuses: true,
    },
    {
      name: 'truncated file',
      path: () => withOrig((b) => b.subarray(0, 100)),
      code: 'DSC_CHECKSUM_MISMATCH',
      dpkgRefuses: true,
    },
    {
      name: 'tables disagree',
      path: () =>
        variant((s) =>
          s.replace(/(Checksums-Sha256:\n \S+ )(\d+)/, (_m, a: string, n: string) => `${a}${Number(n) + 1}`),
        ),
      code: 'DSC_INCONSISTENT',
      dpkgRefuses: true,
    },
    {
      name: 'two paragraphs',
      path: () => variant((s) => `${s}\nSource: other\n`),
      code: 'DSC_SYNTAX',
      dpkgRefuses: false,
    },
  ];
  const withDpkg = hasCommand('dpkg-source');
  if (!withDpkg) requireTools(t, ['dpkg-source'], 'dpkg-dev');
  let checked = 0;
  for (const c of cases) {
    const path = c.path();
    await assert.rejects(verifyDscFiles(path), code(c.code), c.name);
    if (withDpkg && c.dpkgRefuses) {
      assert.equal(dpkgSourceAccepts(path), false, `dpkg-source -x accepted: ${c.name}`);
      checked++;
    }
  }
  assert.throws(() => parseDsc(new Uint8Array((1 << 20) + 1)), code('DSC_TOO_LARGE'));
  assert.ok(dpkgSourceAccepts(variant((s) => s)), 'the unmodified copy must extract');
  await assert.rejects(
    listDscContents(
      variant((s) => s),
      undefined,
      5,
    ),
    code('DSC_TOO_MANY_ENTRIES'),
  );
  console.log(`hostile .dsc: ${cases.length} cases typed, ${checked} also refused by dpkg-source -x`);
});

test('a clearsigned .dsc reads like the unsigned one, signature kept for verification', async () => {
  const { privateKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name: 'Test', email: 'test@example.org' }],
    date: new Date(MTIME * 1000),
    format: 'object',
  });
  const signed = await clearsign(good.dscText, privateKey, { date: new Date(MTIME * 1000) });
  const path = variant(() => signed);
  const d = await verifyDscFiles(path);
  const plain = parseDsc(Buffer.from(good.dscText));
  assert.deepEqual(d.files, plain.files);
  assert.equal(d.signedText, good.dscText);
  assert.match(d.signature ?? '', /BEGIN PGP SIGNATURE/);
  assert.equal(plain.signature, undefined);
});

test('real archive .dsc files: parsed, verified, and listed like GNU tar lists them', async (t) => {
  if (!requireTools(t, ['apt-get', 'tar'], 'apt tar')) return;
  const dscs = fetchRealSources();
  assert.ok(dscs.length >= REAL_SOURCES.length, `apt-get source must fetch ${REAL_SOURCES.join(', ')}`);
  let members = 0;
  for (const path of dscs) {
    const d = await verifyDscFiles(path);
    assert.ok(d.signature !== undefined, `${path} is signed in the archive`);
    const listing = await listDscContents(path, d);
    for (const l of listing) {
      const gnu = spawnSync('tar', ['-tf', join(path, '..', l.file)], {
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      });
      assert.deepEqual(
        l.entries.map((e) => e.name),
        gnu.stdout.trim().split('\n'),
        l.file,
      );
      members += l.entries.length;
    }
    assert.equal((await readDsc(path)).source, d.source);
  }
  console.log(
    `real .dsc: ${dscs.length} signed source packages verified, ${members} tar members equal to tar -t`,
  );
});
