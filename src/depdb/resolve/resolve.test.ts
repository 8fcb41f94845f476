/**
 * The resolver's own rules, where no Debian tool can be the oracle: the provider choice among several packages,
 * unresolved sonames with suggestions, several releases and a mixed-architecture upload, Contents-only
 * dependencies, and the errors (release never imported, non-ELF input, a corrupt ELF file in a directory). The
 * expected answers follow the rules documented in docs/resolver.md; dpkg-shlibdeps parity is in the oracle tests.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PkgmeError } from '../../errors.ts';
import type { PackageRecord, SonameProviders } from '../types.ts';
import type { UploadElf } from './model.ts';
import { chooseProvider, policyName } from './provider.ts';
import { resolveUpload } from './resolve.ts';
import { MemoryReader } from './testing/memory-reader.ts';
import { readUpload, type UploadSet } from './upload.ts';

const LIB = '/usr/lib/x86_64-linux-gnu';

function providers(
  soname: string,
  rows: Array<[string, 'symbols' | 'shlibs' | 'file' | 'symlink']>,
): SonameProviders {
  const p: SonameProviders = { soname, symbols: [], shlibs: [], files: [] };
  for (const [pkg, kind] of rows) {
    if (kind === 'symbols')
      p.symbols.push({
        package: pkg,
        version: '1',
        section: { soname, text: `${soname} ${pkg} #MINVER#\n f@Base 1\n` },
      });
    else if (kind === 'shlibs') p.shlibs.push({ package: pkg, version: '1', line: `x 0 ${pkg}` });
    else p.files.push({ package: pkg, version: '1', path: `${LIB}/${soname}`, symlink: kind === 'symlink' });
  }
  return p;
}

test('provider rule: the declaring package with the real file, then the policy name, never alphabetical alone', () => {
  // libelogind0 ships libsystemd.so.0 only as a symlink to its own library.
  let c = chooseProvider(
    providers('libsystemd.so.0', [
      ['libelogind0', 'symbols'],
      ['libelogind0', 'symlink'],
      ['libsystemd0', 'symbols'],
      ['libsystemd0', 'file'],
    ]),
    'amd64',
  )!;
  assert.equal(c.package, 'libsystemd0');
  assert.deepEqual(c.others, ['libelogind0']);
  assert.equal(c.rule, 'declares the soname and ships the real file');
  // Both real: the name derived from the soname wins over the alphabetically first -extra variant.
  c = chooseProvider(
    providers('libavcodec.so.59', [
      ['libavcodec-extra59', 'symbols'],
      ['libavcodec-extra59', 'file'],
      ['libavcodec59', 'symbols'],
      ['libavcodec59', 'file'],
    ]),
    'amd64',
  )!;
  assert.equal(c.package, 'libavcodec59');
  assert.equal(c.rule, 'package name derived from the soname (policy 8.1)');
  // A package that only ships the file loses to one that declares it; one outside library dirs does not count.
  c = chooseProvider(
    providers('libjack.so.0', [
      ['libjack-jackd2-0', 'symbols'],
      ['libjack-jackd2-0', 'file'],
      ['jack-private', 'file'],
    ]),
    'amd64',
  )!;
  assert.equal(c.package, 'libjack-jackd2-0');
  assert.equal(c.rule, 'declares the soname and ships the real file');
  // Everything equal but the name length: the shorter name (the default flavour) wins.
  c = chooseProvider(
    providers('libjack.so.0', [
      ['libjack-jackd2-0-extra', 'shlibs'],
      ['libjack-jackd2-0', 'shlibs'],
    ]),
    'amd64',
  )!;
  assert.equal(c.package, 'libjack-jackd2-0');
  assert.equal(c.rule, 'shorter package name');
  assert.equal(policyName('libfoo-2.0.so.3'), 'libfoo-2.0-3');
  assert.equal(policyName('libfoo2.so.3'), 'libfoo2-3');
  assert.equal(policyName('libSDL-1.2.so.0'), 'libsdl-1.2-0');
  assert.equal(policyName('libstk-4.6.2.so'), 'libstk-4.6.2');
  assert.equal(policyName('libnss3.so'), 'libnss3');
});

function elf(path: string, arch: string, needed: string[]): UploadElf {
  return {
    path,
    abs: `/nonexistent/${path}`,
    arch,
    kind: 'pie-executable',
    needed,
    soname: null,
    searchPath: [],
    searchPathTag: 'none',
    imports: [{ name: 'f', version: null, weak: false }],
  };
}

function rec(name: string, soname: string, extra: Partial<PackageRecord> = {}): PackageRecord {
  return {
    name,
    version: '1.0-1',
    architecture: 'amd64',
    libraries: [{ path: `${LIB}/${soname}`, soname, symlink: false }],
    ...extra,
  };
}

test('several releases and a mixed upload: per-release verdicts, per-arch answers, suggestions, contents', async () => {
  const zlib = rec('zlib1g', 'libz.so.1', { shlibs: 'libz 1 zlib1g (>= 1:1.1.4)\n' });
  const reader = new MemoryReader()
    .add({ release: 'bookworm', arch: 'amd64' }, [
      rec('libssl3', 'libssl.so.3', {
        symbols: [{ soname: 'libssl.so.3', text: 'libssl.so.3 libssl3 #MINVER#\n f@Base 3.0.0\n' }],
      }),
      zlib,
      rec('libprivate0', 'libprivate.so.0'),
    ])
    .add({ release: 'bookworm', arch: 'i386' }, [{ ...zlib, architecture: 'i386' }])
    .add({ release: 'bullseye', arch: 'amd64' }, [
      rec('libssl1.1', 'libssl.so.1.1', { shlibs: 'libssl 1.1 libssl1.1 (>= 1.1.1)\n' }),
      zlib,
    ]);
  const files = [
    elf('bin/app', 'amd64', ['libssl.so.1.1', 'libz.so.1', 'libprivate.so.0']),
    elf('bin/other', 'amd64', ['libz.so.1']),
    elf('lib32/app', 'i386', ['libz.so.1']),
  ];
  const upload: UploadSet = { files, skipped: [], bundled: new Map() };
  const r = await resolveUpload(reader, upload);
  assert.deepEqual(Object.keys(r.releases), ['bookworm', 'bullseye']);
  const bw = r.releases.bookworm!;
  assert.equal(bw.arch, 'amd64');
  assert.equal(bw.depends, 'libprivate0, zlib1g (>= 1:1.1.4)');
  const priv = bw.dependencies.find((d) => d.package === 'libprivate0')!;
  assert.equal(priv.unversioned, true);
  assert.equal(priv.reasons[0]!.source, 'contents');
  assert.equal(bw.satisfiable, false);
  assert.deepEqual(bw.unresolved, [
    {
      soname: 'libssl.so.1.1',
      neededBy: ['bin/app'],
      suggestions: [
        { kind: 'similar', soname: 'libssl.so.3', packages: ['libssl3'] },
        {
          kind: 'elsewhere',
          soname: 'libssl.so.1.1',
          packages: ['libssl1.1'],
          release: 'bullseye',
          arch: 'amd64',
        },
      ],
    },
  ]);
  assert.equal(bw.architectures.i386!.depends, 'zlib1g (>= 1:1.1.4)');
  assert.equal(bw.architectures.i386!.satisfiable, true);
  const bu = r.releases.bullseye!;
  assert.equal(bu.architectures.amd64!.depends, 'libssl1.1 (>= 1.1.1), zlib1g (>= 1:1.1.4)');
  assert.deepEqual(
    bu.architectures.amd64!.unresolved.map((u) => u.soname),
    ['libprivate.so.0'],
  );
  assert.equal(bu.satisfiable, false);
  assert.ok(bu.why.includes('architecture i386 was not imported for bullseye'), bu.why.join('\n'));
  console.log(`verdicts: bookworm ${bw.why.join('; ')} | bullseye ${bu.why.join('; ')}`);

  // One release asked for; one that was never imported is an error naming the imported ones.
  const only = await resolveUpload(reader, upload, { releases: ['bullseye'], arch: 'amd64' });
  assert.deepEqual(Object.keys(only.releases), ['bullseye']);
  assert.deepEqual(Object.keys(only.releases.bullseye!.architectures), ['amd64']);
  await assert.rejects(
    resolveUpload(reader, upload, { releases: ['sid'] }),
    (e: unknown) =>
      e instanceof PkgmeError && e.code === 'DEPDB_RELEASE_NOT_IMPORTED' && e.message.includes('sid'),
  );
  await assert.rejects(
    resolveUpload(new MemoryReader(), upload),
    (e: unknown) => e instanceof PkgmeError && e.code === 'DEPDB_EMPTY',
  );
});

test('input errors: a non-ELF file, a missing path; a corrupt ELF file inside a directory is skipped with its code', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-resolve-'));
  try {
    writeFileSync(join(dir, 'README'), 'not a binary\n');
    assert.throws(
      () => readUpload([join(dir, 'README')]),
      (e: unknown) => e instanceof PkgmeError && e.code === 'RESOLVE_NOT_ELF',
    );
    assert.throws(
      () => readUpload([join(dir, 'nope')]),
      (e: unknown) => e instanceof PkgmeError && e.code === 'RESOLVE_INPUT_MISSING',
    );
    mkdirSync(join(dir, 'up'));
    copyFileSync('/usr/bin/true', join(dir, 'up', 'true'));
    writeFileSync(
      join(dir, 'up', 'broken'),
      Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01'), Buffer.alloc(20)]),
    );
    const u = readUpload([join(dir, 'up')]);
    assert.deepEqual(
      u.files.map((f) => f.path),
      ['true'],
    );
    assert.equal(u.skipped.length, 1);
    assert.match(u.skipped[0]!.reason, /^ELF_/);
    assert.throws(
      () => readUpload([join(dir, 'up', 'broken')]),
      (e: unknown) => e instanceof PkgmeError && e.code.startsWith('ELF_') && e.message.includes('broken'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
