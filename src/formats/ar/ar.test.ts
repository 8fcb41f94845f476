/**
 * ar oracles: binutils `ar` (t, p, rc) and libarchive's `bsdtar` (GNU and BSD ar formats) on archives we write and
 * archives they write; dpkg-deb's .deb for the prefix and file-handle readers.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PkgmeError } from '../../errors.ts';
import { requireTools, run } from '../../testing/env.ts';
import { listArFile, readArMemberData } from './file.ts';
import { parseArPrefix, readAr } from './read.ts';
import { writeAr } from './write.ts';

/** Deterministic varied members: odd and even sizes, empty, short and long names, binary bytes. */
function sampleMembers(): { name: string; data: Uint8Array }[] {
  const names = [
    'debian-binary',
    'a',
    'exactly16chars.x',
    'seventeen-chars.x',
    'a-much-longer-member-name-for-the-table.txt',
    'empty',
    'odd',
    'sixteen_plus_one',
  ];
  return names.map((name, i) => {
    const data = new Uint8Array(i === 5 ? 0 : 37 * i + (i % 2) + 1);
    for (let j = 0; j < data.length; j++) data[j] = (j * 31 + i * 7) & 0xff;
    return { name, data };
  });
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'pkgme-ar-'));
}

test('our ar output is read back by binutils ar (t, p) and by bsdtar', (t) => {
  if (!requireTools(t, ['ar', 'bsdtar'], 'binutils libarchive-tools')) return;
  const dir = tmp();
  const members = sampleMembers();
  const file = join(dir, 'x.a');
  writeFileSync(file, writeAr(members, { mtime: 1234 }));
  const listed = run('ar', ['t', file]).split('\n').filter(Boolean);
  assert.deepEqual(
    listed,
    members.map((m) => m.name),
  );
  for (const m of members) {
    const out = execFileSync('ar', ['p', file, m.name]);
    assert.deepEqual(new Uint8Array(out), m.data, `ar p ${m.name}`);
  }
  const verbose = run('ar', ['tvO', file]).split('\n').filter(Boolean);
  for (const line of verbose) assert.match(line, /^rw-r--r-- 0\/0 /, line);
  // libarchive lists the GNU long-name table as an entry named "//" (it does so for binutils' archives too).
  const bsd = run('bsdtar', ['-tf', file])
    .split('\n')
    .filter((l) => l && l !== '//');
  assert.deepEqual(
    bsd,
    members.map((m) => m.name),
  );
  // Reproducible: same input, same bytes.
  assert.deepEqual(writeAr(sampleMembers(), { mtime: 1234 }), readFileSync(file));
  console.log(`ar write: ${members.length} members checked with ar t/p/tv and bsdtar`);
});

test('we read archives written by binutils ar and by bsdtar (GNU/System V and BSD long names)', async (t) => {
  if (!requireTools(t, ['ar', 'bsdtar'], 'binutils libarchive-tools')) return;
  const dir = tmp();
  const src = join(dir, 'src');
  mkdirSync(src);
  const members = sampleMembers();
  for (const m of members) writeFileSync(join(src, m.name), m.data);
  const names = members.map((m) => m.name);
  const archives: Record<string, string> = {
    binutils: join(dir, 'binutils.a'),
    arbsd: join(dir, 'bsd.a'),
  };
  execFileSync('ar', ['rcD', archives.binutils!, ...names], { cwd: src });
  execFileSync('bsdtar', ['--format=arbsd', '-cf', archives.arbsd!, ...names], { cwd: src });
  let compared = 0;
  for (const [kind, file] of Object.entries(archives)) {
    const bytes = readFileSync(file);
    // libarchive is the oracle for the BSD archive it wrote. (Its --format=argnu output is rejected by binutils and
    // by bsdtar itself once a name fills 16 bytes, so it is not used here.)
    const byBsdtar = kind !== 'binutils';
    const oracle = (byBsdtar ? run('bsdtar', ['-tf', file]) : run('ar', ['t', file]))
      .split('\n')
      .filter(Boolean);
    const ours = readAr(bytes);
    assert.deepEqual(
      ours.map((m) => m.name),
      oracle,
      kind,
    );
    const fh = await open(file);
    try {
      const listed = await listArFile(fh);
      assert.deepEqual(
        listed.map((m) => m.name),
        oracle,
        `${kind} (file reader)`,
      );
      for (const m of listed) {
        const expected = new Uint8Array(
          byBsdtar ? execFileSync('bsdtar', ['-xOf', file, m.name]) : execFileSync('ar', ['p', file, m.name]),
        );
        assert.deepEqual(new Uint8Array(await readArMemberData(fh, m)), expected, `${kind} ${m.name}`);
        assert.deepEqual(new Uint8Array(ours.find((o) => o.name === m.name)!.data), expected);
        compared++;
      }
    } finally {
      await fh.close();
    }
  }
  console.log(
    `ar read: ${compared} members compared with ar t/p over binutils (GNU) and bsdtar (BSD) archives`,
  );
});

test('parseArPrefix agrees with readAr on every prefix of a dpkg-deb .deb, and needBytes leads to progress', (t) => {
  if (!requireTools(t, ['dpkg-deb'], 'dpkg')) return;
  const dir = tmp();
  const root = join(dir, 'pkg');
  mkdirSync(join(root, 'DEBIAN'), { recursive: true });
  mkdirSync(join(root, 'usr/share/x'), { recursive: true });
  writeFileSync(
    join(root, 'DEBIAN/control'),
    'Package: x\nVersion: 1\nArchitecture: all\nMaintainer: A <a@example.org>\nDescription: test\n',
  );
  writeFileSync(join(root, 'usr/share/x/data'), Buffer.alloc(5000, 7));
  const deb = join(dir, 'x.deb');
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', root, deb], { stdio: 'ignore' });
  const bytes = readFileSync(deb);
  const full = readAr(bytes);
  assert.deepEqual(
    full.map((m) => m.name),
    run('ar', ['t', deb]).split('\n').filter(Boolean),
  );
  let checked = 0;
  for (let n = 0; n <= bytes.length; n++) {
    const p = parseArPrefix(bytes.subarray(0, n));
    assert.ok(p.needBytes > 0 && p.needLength === n + p.needBytes);
    for (const [i, m] of p.members.entries()) {
      assert.equal(m.name, full[i]!.name);
      assert.deepEqual(m.data, full[i]!.data);
    }
    if (p.members.length < full.length) {
      // Fetching needLength bytes must complete the next step.
      const more = parseArPrefix(bytes.subarray(0, Math.min(bytes.length, p.needLength)));
      assert.ok(
        more.members.length > p.members.length ||
          more.partial !== undefined ||
          more.nextOffset > p.nextOffset,
        `no progress from ${n} to ${p.needLength}`,
      );
      if (p.partial) assert.equal(p.partial.name, full[p.members.length]!.name);
    }
    checked++;
  }
  console.log(
    `ar prefix: ${checked} prefixes of a ${bytes.length}-byte .deb checked against readAr and ar t`,
  );
});

test('typed errors name the problem', () => {
  const good = writeAr([{ name: 'a', data: new Uint8Array([1, 2, 3]) }]);
  const code = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof PkgmeError, String(e));
      return e.code;
    }
    return 'no error';
  };
  assert.equal(
    code(() => readAr(new TextEncoder().encode('!<arxh>\nxxxxxxxx'))),
    'AR_BAD_MAGIC',
  );
  assert.equal(
    code(() => readAr(good.subarray(0, 30))),
    'AR_TRUNCATED',
  );
  assert.equal(
    code(() => readAr(good.subarray(0, good.length - 2))),
    'AR_TRUNCATED',
  );
  const bad = Buffer.from(good);
  bad.write('12x', 8 + 48, 'latin1');
  try {
    readAr(bad);
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(e instanceof PkgmeError);
    assert.equal(e.code, 'AR_BAD_HEADER');
    assert.equal(e.details.field, 'size');
    assert.equal(e.details.offset, 8);
  }
  // A missing final pad byte after an odd member is tolerated, as binutils does.
  assert.equal(readAr(good.subarray(0, good.length - 1)).length, 1);
});
