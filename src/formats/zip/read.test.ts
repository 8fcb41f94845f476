import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PkgmeError } from '../../errors.ts';
import { cacheDir, requireTools } from '../../testing/env.ts';
import type { ArchiveEntry } from '../tar/read-entry.ts';
import { makeTree } from '../tar/read-fixture.ts';
import { readZip } from './read.ts';

function modeBits(s: string): number {
  let m = 0;
  const bits = [0o400, 0o200, 0o100, 0o40, 0o20, 0o10, 0o4, 0o2, 0o1];
  bits.forEach((v, i) => (m |= s[i] !== '-' ? v : 0));
  return m;
}

const TYPE: Record<string, ArchiveEntry['type']> = { '-': 'file', d: 'directory', l: 'symlink' };
const strip = (n: string) => n.replace(/\/$/, '');

/** zipinfo's listing as comparable strings: type, name, mode, size (files). */
function zipinfoListing(zip: string): string[] {
  const out = execFileSync('zipinfo', [zip], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => /^[-dl][rwxsStT-]{9}\s/.test(l))
    .map((l) => {
      const m = /^(\S)(\S{9})\s+\S+\s+\S+\s+(\d+)\s+\S+\s+\S+\s+\S+\s+\S+\s(.*)$/.exec(l);
      assert.ok(m, `unparsed zipinfo line: ${l}`);
      const [, t, perms, size, name] = m as unknown as [string, string, string, string, string];
      const type = TYPE[t]!;
      return `${type} ${strip(name)} ${modeBits(perms).toString(8)} ${type === 'file' ? size : 0}`;
    })
    .sort();
}

async function ours(zip: string): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  await readZip(zip, async (e, body) => {
    let n = 0;
    for await (const c of body) n += c.length;
    assert.equal(n, e.size, `${e.name}: body length`);
    entries.push(e);
  });
  return entries;
}

async function expectZipError(zip: string, code: string): Promise<PkgmeError> {
  const err = await ours(zip).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof PkgmeError, `expected ${code}, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  return err;
}

test('readZip lists what zipinfo lists (zip -y with symlinks, zip64, bsdtar zip) and reads link targets', async (t) => {
  if (!requireTools(t, ['zip', 'zipinfo', 'bsdtar'], 'zip unzip libarchive-tools')) return;
  const dir = cacheDir('zip-read');
  const tree = join(dir, 'tree');
  makeTree(tree, { long: true });
  const variants = {
    'zip-y': ['sh', '-c', `cd ${tree} && zip -qry ${join(dir, 'zip-y.zip')} .`],
    zip64: ['sh', '-c', `cd ${tree} && zip -qry -fz ${join(dir, 'zip64.zip')} .`],
    bsdtar: ['sh', '-c', `cd ${tree} && bsdtar --format=zip -cf ${join(dir, 'bsdtar.zip')} .`],
  };
  let members = 0;
  for (const [name, cmd] of Object.entries(variants)) {
    const zip = join(dir, `${name}.zip`);
    execFileSync('rm', ['-f', zip]);
    execFileSync(cmd[0]!, cmd.slice(1));
    const entries = await ours(zip);
    const lines = entries
      .map((e) => `${e.type} ${strip(e.name.replace(/^\.\//, ''))} ${e.mode.toString(8)} ${e.size}`)
      .sort();
    const theirs = zipinfoListing(zip)
      .map((l) => l.replace(/ \.\//, ' '))
      .filter((l) => !/^directory \.? /.test(l));
    assert.deepEqual(
      lines.filter((l) => !/^directory \.? /.test(l)),
      theirs,
      name,
    );
    for (const e of entries.filter((x) => x.type === 'symlink')) {
      assert.equal(e.linkname, readlinkSync(join(tree, e.name)), `${name}: ${e.name}`);
    }
    members += theirs.length;
  }
  console.log(
    `readZip: ${Object.keys(variants).length} archives, ${members} members matched zipinfo; symlink targets matched readlink`,
  );
});

test('readZip rejects encrypted members, other methods and non-UTF-8 names by name', async (t) => {
  if (!requireTools(t, ['zip'], 'zip')) return;
  const dir = cacheDir('zip-read', 'bad');
  execFileSync('rm', ['-rf', dir]);
  execFileSync('mkdir', ['-p', dir]);
  writeFileSync(join(dir, 'a.txt'), 'secret data\n'.repeat(100));
  execFileSync('sh', ['-c', `cd ${dir} && zip -q -P pw enc.zip a.txt && zip -q -Z bzip2 bz.zip a.txt`]);
  let err = await expectZipError(join(dir, 'enc.zip'), 'ZIP_ENCRYPTED');
  assert.equal(err.details.member, 'a.txt');
  err = await expectZipError(join(dir, 'bz.zip'), 'ZIP_UNSUPPORTED_METHOD');
  assert.equal(err.details.method, 12);
  writeFileSync(Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([0xe9])]), 'x');
  execFileSync('sh', ['-c', `cd ${dir} && LC_ALL=C zip -q latin1.zip caf*`]);
  err = await expectZipError(join(dir, 'latin1.zip'), 'ZIP_NAME_NOT_UTF8');
  assert.match(err.message, /caf\\xe9/);
  writeFileSync(join(dir, 'junk.zip'), Buffer.alloc(1000, 7));
  await expectZipError(join(dir, 'junk.zip'), 'ZIP_CORRUPT');
});
