import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PkgmeError } from '../../errors.ts';
import { cacheDir, requireTools } from '../../testing/env.ts';
import { readTar, type ArchiveEntry, type TarEntry } from './read.ts';
import { forEachTarVariant } from './read-fixture.ts';

const TYPE_CHAR: Record<string, ArchiveEntry['type']> = {
  '-': 'file',
  d: 'directory',
  l: 'symlink',
  h: 'hardlink',
  c: 'char-device',
  b: 'block-device',
  p: 'fifo',
  // GNU tar lists contiguous files (type 7) as 'C' and extracts them as regular files.
  C: 'file',
};

function modeBits(s: string): number {
  let m = 0;
  const bit = (i: number, v: number) => (s[i] !== '-' && s[i] !== 'S' && s[i] !== 'T' ? v : 0);
  m |= bit(0, 0o400) | bit(1, 0o200) | bit(2, 0o100) | bit(3, 0o40) | bit(4, 0o20) | bit(5, 0o10);
  m |= bit(6, 0o4) | bit(7, 0o2) | bit(8, 0o1);
  if (s[2] === 's' || s[2] === 'S') m |= 0o4000;
  if (s[5] === 's' || s[5] === 'S') m |= 0o2000;
  if (s[8] === 't' || s[8] === 'T') m |= 0o1000;
  return m;
}

const strip = (n: string) => (n.length > 1 ? n.replace(/\/$/, '') : n);

/** GNU tar's own listing, as comparable strings: type, name, mode, size, link, uid/gid, uname/gname. */
function gnuListing(archive: string): string[] {
  const tv = (...opts: string[]) =>
    execFileSync('tar', [...opts, '--quoting-style=literal', '-tvf', archive], { encoding: 'utf8' })
      .trimEnd()
      .split('\n');
  // The owner column: numbers with --numeric-owner, names without (GNU tar prints the stored names).
  const names = tv().map((line) => line.split(/\s+/)[1]);
  return tv('--numeric-owner')
    .map((line, i) => {
      const m = /^(\S)(\S{9})\s+(\S+)\s+(\d+)\s+\S+\s+\S+\s+(.*)$/.exec(line);
      assert.ok(m, `unparsed tar -tv line: ${line}`);
      const [, t, perms, ids, size, rest] = m as unknown as [string, string, string, string, string, string];
      const type = TYPE_CHAR[t]!;
      let name = rest;
      let link = '';
      const sep = type === 'symlink' ? ' -> ' : type === 'hardlink' ? ' link to ' : undefined;
      if (sep) [name, link] = rest.split(sep) as [string, string];
      const size0 = type === 'file' ? size : 0;
      return `${type} ${strip(name)} ${modeBits(perms).toString(8)} ${size0} ${link} ${ids} ${names[i]}`;
    })
    .sort();
}

async function ourListing(archive: string): Promise<{ lines: string[]; entries: TarEntry[] }> {
  const entries: TarEntry[] = [];
  await readTar(createReadStream(archive), async (e, body) => {
    let n = 0;
    for await (const c of body) n += c.length;
    assert.equal(n, e.size, `${e.name}: body length`);
    entries.push(e);
  });
  const lines = entries
    .map(
      (e) =>
        `${e.type} ${strip(e.name)} ${e.mode.toString(8)} ${e.size} ${e.linkname ?? ''} ` +
        `${e.uid}/${e.gid} ${e.uname || e.uid}/${e.gname || e.gid}`,
    )
    .sort();
  return { lines, entries };
}

async function expectTarError(archive: string, code: string): Promise<PkgmeError> {
  let caught: unknown;
  await readTar(createReadStream(archive), async (_e, body) => {
    for await (const _ of body) void _;
  }).catch((err: unknown) => (caught = err));
  assert.ok(caught instanceof PkgmeError, `expected ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

test('readTar lists what GNU tar lists, for GNU tar and bsdtar archives in every format and compression', async (t) => {
  if (
    !requireTools(
      t,
      ['tar', 'bsdtar', 'gzip', 'xz', 'bzip2', 'zstd'],
      'tar libarchive-tools gzip xz-utils bzip2 zstd',
    )
  )
    return;
  let members = 0;
  const archives = await forEachTarVariant(cacheDir('tar-read'), async ({ archive, label }) => {
    const theirs = gnuListing(archive);
    const ours = await ourListing(archive);
    assert.deepEqual(ours.lines, theirs, label);
    for (const e of ours.entries) assert.equal(Math.floor(e.mtime), 1700000000, e.name);
    members += theirs.length;
  });
  console.log(
    `readTar: ${archives} archives, ${members} members matched GNU tar's listing (type, name, mode, size, link, owner ids and names)`,
  );
});

test('readTar reports fifos and devices as entries (policy is the caller’s)', async (t) => {
  if (!requireTools(t, ['tar'], 'tar')) return;
  const dir = cacheDir('tar-read', 'special');
  execFileSync('rm', ['-rf', dir]);
  execFileSync('mkdir', ['-p', dir]);
  execFileSync('mkfifo', [join(dir, 'pipe')]);
  execFileSync('mknod', [join(dir, 'null'), 'c', '1', '3']);
  const archive = join(cacheDir('tar-read'), 'special.tar');
  execFileSync('tar', ['-C', dir, '-cf', archive, 'pipe', 'null']);
  const { entries } = await ourListing(archive);
  const byName = Object.fromEntries(entries.map((e) => [e.name, e]));
  assert.equal(byName.pipe?.type, 'fifo');
  assert.equal(byName.null?.type, 'char-device');
  assert.equal(byName.null?.devmajor, 1);
  assert.equal(byName.null?.devminor, 3);
});

test('readTar rejects sparse members (GNU and pax forms) with TAR_SPARSE naming the member', async (t) => {
  if (!requireTools(t, ['tar', 'truncate'], 'tar coreutils')) return;
  const dir = cacheDir('tar-read', 'sparse');
  execFileSync('rm', ['-rf', dir]);
  execFileSync('mkdir', ['-p', dir]);
  execFileSync('truncate', ['-s', '10M', join(dir, 'holes.img')]);
  writeFileSync(join(dir, 'data'), 'x');
  for (const format of ['gnu', 'pax']) {
    const archive = join(cacheDir('tar-read'), `sparse-${format}.tar`);
    execFileSync('tar', ['--sparse', `--format=${format}`, '-C', dir, '-cf', archive, 'data', 'holes.img']);
    const err = await expectTarError(archive, 'TAR_SPARSE');
    assert.match(String(err.details.member), /holes\.img$/);
  }
});

test('readTar rejects non-UTF-8 names with TAR_NAME_NOT_UTF8, and garbage or truncation with TAR_CORRUPT', async (t) => {
  if (!requireTools(t, ['tar'], 'tar')) return;
  const base = cacheDir('tar-read');
  const dir = join(base, 'latin1');
  execFileSync('rm', ['-rf', dir]);
  execFileSync('mkdir', ['-p', dir]);
  writeFileSync(Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([0xe9]), Buffer.from('.txt')]), 'x');
  const archive = join(base, 'latin1.tar');
  execFileSync('tar', ['--format=gnu', '-C', dir, '-cf', archive, '.']);
  const err = await expectTarError(archive, 'TAR_NAME_NOT_UTF8');
  assert.match(err.message, /caf\\xe9\.txt/);

  const garbage = join(base, 'garbage.tar');
  writeFileSync(garbage, Buffer.alloc(2048, 0x41));
  await expectTarError(garbage, 'TAR_CORRUPT');

  const whole = execFileSync('tar', ['-C', '/usr/bin', '-cf', '-', 'true']);
  const cut = join(base, 'cut.tar');
  writeFileSync(cut, whole.subarray(0, 1024));
  await expectTarError(cut, 'TAR_CORRUPT');
});

test('readTar applies pax global headers and reads contiguous files (type 7) as files, like GNU tar', async (t) => {
  if (!requireTools(t, ['tar', 'python3'], 'tar python3')) return;
  const archive = join(cacheDir('tar-read'), 'pax-global-contig.tar');
  execFileSync('python3', [
    '-c',
    String.raw`
import io, sys, tarfile
with tarfile.open(sys.argv[1], 'w', format=tarfile.PAX_FORMAT, pax_headers={'comment': 'global'}) as t:
    for name, kind in (('plain.txt', tarfile.REGTYPE), ('contig.bin', tarfile.CONTTYPE)):
        info = tarfile.TarInfo(name)
        info.type = kind
        info.size = 5
        info.mtime = 1700000000
        t.addfile(info, io.BytesIO(b'hello'))
`,
    archive,
  ]);
  // The archive really starts with a global header ('g').
  assert.equal(execFileSync('head', ['-c', '512', archive]).subarray(156, 157).toString(), 'g');
  const { lines } = await ourListing(archive);
  assert.deepEqual(lines, gnuListing(archive));
  assert.deepEqual(
    lines.map((l) => l.split(' ').slice(0, 2).join(' ')),
    ['file contig.bin', 'file plain.txt'],
  );
});
