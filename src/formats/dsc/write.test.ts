import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as openpgp from 'openpgp';
import { PkgmeError } from '../../errors.ts';
import { clearsign } from '../openpgp/sign.ts';
import { requireTools } from '../../testing/env.ts';
import { parseDeb822 } from '../deb822/index.ts';
import { listDscContents, verifyDscFiles } from './read.ts';
import { MTIME, describeTree, dpkgSourceExtract, makeTree } from './tree.fixture.ts';
import { writeSourcePackage, type SourceFormat } from './write.ts';

const work = mkdtempSync(join(tmpdir(), 'pkgme-dsc-'));
after(() => rmSync(work, { recursive: true, force: true }));

const CASES: Array<{ format: SourceFormat; version: string; orig?: 'xz' | 'gzip' }> = [
  { format: '3.0 (quilt)', version: '1:1.2.3-1', orig: 'xz' },
  { format: '3.0 (quilt)', version: '1.2.3-2~bpo12+1', orig: 'gzip' },
  { format: '3.0 (native)', version: '2.0.1' },
];

for (const c of CASES) {
  test(`${c.format} ${c.version}: dpkg-source -x extracts it without warnings to the same tree`, async (t) => {
    if (!requireTools(t, ['dpkg-source'], 'dpkg-dev')) return;
    const dir = mkdtempSync(join(work, 'case-'));
    const tree = join(dir, 'tree');
    makeTree(tree, { version: c.version, format: c.format });
    const out = join(dir, 'out');
    const written = await writeSourcePackage({
      tree,
      outDir: out,
      format: c.format,
      version: c.version,
      mtime: MTIME,
      origCompression: c.orig,
    });
    const { warnings, stderr } = dpkgSourceExtract(written.dsc, join(dir, 'x'), out);
    assert.deepEqual(warnings, [], stderr);
    const input = describeTree(tree);
    // dpkg-source -x always records quilt's state in .pc/ for 3.0 (quilt): its bookkeeping, not package content.
    const extracted = describeTree(join(dir, 'x'), c.format === '3.0 (quilt)' ? ['.pc'] : []);
    const short = (l: string) => l.slice(0, 120);
    assert.deepEqual(
      extracted.filter((l) => !input.includes(l)).map(short),
      input.filter((l) => !extracted.includes(l)).map(short),
    );
    assert.deepEqual(extracted, input);
    await verifyDscFiles(written.dsc);
    const listing = await listDscContents(written.dsc);
    const tarNames = listing.flatMap((l) => l.entries.map((e) => e.name));
    // The same members GNU tar lists.
    const gnu = listing.flatMap((l) =>
      spawnSync('tar', ['-tf', join(out, l.file)], { encoding: 'utf8' })
        .stdout.trim()
        .split('\n'),
    );
    assert.deepEqual(tarNames, gnu);
    console.log(
      `source ${c.format}: ${written.files.map((f) => `${f.name} (${f.size} B)`).join(', ')}; ` +
        `${input.length} tree entries equal after dpkg-source -x, ${tarNames.length} tar members listed`,
    );
  });
}

test('a .dsc signed through the sign callback extracts with a good signature and no warning at all', async (t) => {
  if (!requireTools(t, ['dpkg-source', 'gpgv'], 'dpkg-dev gpgv')) return;
  const dir = mkdtempSync(join(work, 'signed-'));
  const tree = join(dir, 'tree');
  makeTree(tree, { version: '1.0-1', format: '3.0 (quilt)' });
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name: 'Packager', email: 'packager@example.org' }],
    format: 'object',
  });
  const written = await writeSourcePackage({
    tree,
    outDir: join(dir, 'out'),
    format: '3.0 (quilt)',
    version: '1.0-1',
    mtime: MTIME,
    sign: (text) => clearsign(text, privateKey),
  });
  assert.match(written.dscText, /^-----BEGIN PGP SIGNED MESSAGE-----/);
  // dpkg-source verifies with gpgv against $HOME/.gnupg/trustedkeys.gpg.
  const home = join(dir, 'home');
  mkdirSync(join(home, '.gnupg'), { recursive: true, mode: 0o700 });
  writeFileSync(join(home, '.gnupg', 'trustedkeys.gpg'), publicKey.write());
  const { warnings, stderr } = dpkgSourceExtract(written.dsc, join(dir, 'x'), join(dir, 'out'), {
    signed: true,
    home,
  });
  assert.deepEqual(warnings, [], stderr);
  // The check is real: without our key in the trusted keyring, dpkg-source complains about the signature.
  const emptyHome = join(dir, 'empty-home');
  mkdirSync(emptyHome);
  const untrusted = dpkgSourceExtract(written.dsc, join(dir, 'y'), join(dir, 'out'), {
    signed: true,
    home: emptyHome,
  });
  assert.ok(untrusted.warnings.length > 0, `expected a signature warning, got: ${untrusted.stderr}`);
  assert.deepEqual(describeTree(join(dir, 'x'), ['.pc']), describeTree(tree));
  console.log(`signed source package: no warning with the key trusted; without it: ${untrusted.warnings[0]}`);
});

test('writing twice gives byte-identical files', async () => {
  const dir = mkdtempSync(join(work, 'repro-'));
  const tree = join(dir, 'tree');
  makeTree(tree, { version: '1.0-1', format: '3.0 (quilt)' });
  const a = await writeSourcePackage({
    tree,
    outDir: join(dir, 'a'),
    format: '3.0 (quilt)',
    version: '1.0-1',
    mtime: MTIME,
  });
  const b = await writeSourcePackage({
    tree,
    outDir: join(dir, 'b'),
    format: '3.0 (quilt)',
    version: '1.0-1',
    mtime: MTIME,
  });
  const names = readdirSync(join(dir, 'a')).sort();
  assert.deepEqual(readdirSync(join(dir, 'b')).sort(), names);
  for (const n of names)
    assert.ok(readFileSync(join(dir, 'a', n)).equals(readFileSync(join(dir, 'b', n))), n);
  assert.equal(a.dscText, b.dscText);
  console.log(`reproducible: ${names.length} files byte-identical across two writes`);
});

/** dpkg-source -b on the same tree, using our orig tarball: its .dsc must have our fields, order and values. */
for (const format of ['3.0 (quilt)', '3.0 (native)'] as const) {
  test(`${format}: .dsc fields and order match dpkg-source -b`, async (t) => {
    if (!requireTools(t, ['dpkg-source'], 'dpkg-dev')) return;
    const version = format === '3.0 (quilt)' ? '1.2.3-1' : '1.2.3';
    const dir = mkdtempSync(join(work, 'b-'));
    const tree = join(dir, 'tree');
    makeTree(tree, { version, format });
    const ours = await writeSourcePackage({ tree, outDir: join(dir, 'ours'), format, version, mtime: MTIME });
    const build = join(dir, 'build');
    mkdirSync(build);
    const top = format === '3.0 (quilt)' ? 'hello-pkgme-1.2.3' : 'hello-pkgme-1.2.3';
    cpSync(tree, join(build, top), { recursive: true, verbatimSymlinks: true });
    if (format === '3.0 (quilt)')
      copyFileSync(join(dir, 'ours', ours.files[0]!.name), join(build, ours.files[0]!.name));
    const r = spawnSync('dpkg-source', ['-b', top], { cwd: build, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const dscName = readdirSync(build).find((f) => f.endsWith('.dsc'))!;
    const theirs = parseDeb822(readFileSync(join(build, dscName), 'utf8'))[0]!;
    const mine = parseDeb822(ours.dscText)[0]!;
    assert.deepEqual(mine.fields(), theirs.fields(), 'field set and order');
    let compared = 0;
    for (const name of theirs.fields()) {
      const a = mine.get(name)!;
      const b = theirs.get(name)!;
      if (/^(Checksums-|Files$)/.test(name)) {
        // Our orig tarball was reused (same line); the debian/native tarball is built by each tool its own way.
        const keep = (v: string) => v.split('\n').filter((l) => l.includes('.orig.tar.'));
        assert.deepEqual(keep(a), keep(b), name);
      } else assert.equal(a, b, name);
      compared++;
    }
    console.log(`dsc vs dpkg-source -b (${format}): ${compared} fields in the same order, values equal`);
  });
}

test('a missing tree or debian/ directory is a typed error', async () => {
  const dir = mkdtempSync(join(work, 't-'));
  for (const tree of [join(dir, 'absent'), dir]) {
    await assert.rejects(
      writeSourcePackage({
        tree,
        outDir: join(dir, 'o'),
        format: '3.0 (native)',
        version: '1.0',
        mtime: MTIME,
      }),
      (e: unknown) => e instanceof PkgmeError && e.code === 'DSC_BAD_TREE',
    );
  }
});

test('quilt needs a revision, native refuses one', async () => {
  const dir = mkdtempSync(join(work, 'v-'));
  const tree = join(dir, 'tree');
  makeTree(tree, { version: '1.0', format: '3.0 (quilt)' });
  for (const [format, version] of [
    ['3.0 (quilt)', '1.0'],
    ['3.0 (native)', '1.0-1'],
  ] as const) {
    await assert.rejects(
      writeSourcePackage({ tree, outDir: join(dir, 'o'), format, version, mtime: MTIME }),
      (e: unknown) => e instanceof PkgmeError && e.code === 'DSC_FORMAT_VERSION',
    );
  }
});
