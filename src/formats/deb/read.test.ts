/**
 * .deb reading against dpkg-deb on real packages from `apt-get download` (cached in .cache/debs) and on packages
 * dpkg-deb builds here in every compression it writes: fields (`dpkg-deb -f`), control files (`dpkg-deb -e`), data
 * listings (`dpkg-deb -c`), and the prefix reader against the full reader.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readAr } from '../ar/read.ts';
import { writeAr } from '../ar/write.ts';
import { PkgmeError } from '../../errors.ts';
import { parseDeb822 } from '../deb822/index.ts';
import { requireTools, run } from '../../testing/env.ts';
import { builtDebs, realDebs } from './fixtures.ts';
import { listingFormatter, modeString } from './listing.ts';
import { DebFile, listDebDataFromBuffer, readDeb, readDebByRanges, readDebPrefix } from './read.ts';

/** Undoes GNU tar's name quoting (\\ooo octal escapes and \\\\) in `tar -tv` output. */
function unquote(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && /^[0-7]{3}$/.test(s.slice(i + 1, i + 4))) {
      bytes.push(parseInt(s.slice(i + 1, i + 4), 8));
      i += 3;
    } else if (s[i] === '\\' && s[i + 1] === '\\') {
      bytes.push(0x5c);
      i++;
    } else {
      bytes.push(...Buffer.from(s[i]!));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function parseTv(line: string): { mode: string; owner: string; size: number; date: string; name: string } {
  const m = /^(\S{10}) (\S+)\s+(\d+) (\d{4}-\d\d-\d\d \d\d:\d\d) (.*)$/.exec(line);
  assert.ok(m, `unparsed dpkg-deb -c line: ${line}`);
  return { mode: m[1]!, owner: m[2]!, size: Number(m[3]), date: m[4]!, name: unquote(m[5]!) };
}

test('reading real and dpkg-deb-built .debs matches dpkg-deb -f, -e and -c', async (t) => {
  if (!requireTools(t, ['dpkg-deb', 'apt-get', 'bzip2'], 'dpkg apt bzip2')) return;
  const debs = [...realDebs(), ...builtDebs()];
  let fields = 0;
  let files = 0;
  let entries = 0;
  for (const path of debs) {
    const deb = await DebFile.open(path);
    // Fields: dpkg-deb -f prints the control paragraph.
    const oracle = parseDeb822(run('dpkg-deb', ['-f', path]))[0]!;
    assert.deepEqual(deb.info.control.fields.entries(), oracle.entries(), path);
    fields += oracle.size;
    // Control files: dpkg-deb -e extracts them.
    const dir = mkdtempSync(join(tmpdir(), 'pkgme-debe-'));
    run('dpkg-deb', ['-e', path, join(dir, 'c')]);
    const names = readdirSync(join(dir, 'c')).sort();
    assert.deepEqual([...deb.info.control.files.keys()].sort(), names, path);
    for (const n of names) {
      const f = deb.info.control.files.get(n)!;
      assert.deepEqual(Buffer.from(f.data), readFileSync(join(dir, 'c', n)), `${path} ${n}`);
      assert.equal(f.mode, statSync(join(dir, 'c', n)).mode & 0o7777, `${path} ${n} mode`);
      files++;
    }
    // Data listing: dpkg-deb -c (GNU tar -tv) in UTC.
    const lines = execFileSync('dpkg-deb', ['-c', path], {
      env: { ...process.env, TZ: 'UTC' },
      maxBuffer: 1 << 28,
    })
      .toString()
      .split('\n')
      .filter(Boolean);
    const ours = await deb.listData();
    const line = listingFormatter();
    assert.equal(ours.length, lines.length, path);
    for (const [i, e] of ours.entries()) {
      const o = parseTv(lines[i]!);
      const name =
        e.type === 'symlink'
          ? `${e.name} -> ${e.linkname}`
          : e.type === 'hardlink'
            ? `${e.name} link to ${e.linkname}`
            : e.name;
      assert.deepEqual(
        { mode: modeString(e.type, e.mode), owner: `${e.uname}/${e.gname}`, size: e.size, name },
        { mode: o.mode, owner: o.owner, size: o.size, name: o.name },
        `${path} entry ${i}`,
      );
      // The whole line too, unless GNU tar escaped bytes of the name (our listing prints names as they are).
      const text = line(e);
      if (!lines[i]!.includes('\\')) assert.equal(text, lines[i], `${path} line ${i}`);
      entries++;
    }
  }
  console.log(
    `deb read: ${debs.length} debs, ${fields} fields (dpkg-deb -f), ${files} control files (dpkg-deb -e), ` +
      `${entries} data entries (dpkg-deb -c) compared`,
  );
});

test('the prefix reader finds the control member with what it asks for, like the full reader', async (t) => {
  if (!requireTools(t, ['dpkg-deb', 'apt-get', 'bzip2'], 'dpkg apt bzip2')) return;
  const needed: number[] = [];
  for (const path of [...realDebs(), ...builtDebs()]) {
    const bytes = readFileSync(path);
    const full = await readDeb(bytes);
    let length = 64;
    let fetches = 0;
    while (true) {
      const r = await readDebPrefix(bytes.subarray(0, length));
      fetches++;
      if (r.complete) {
        assert.equal(r.deb.control.text, full.control.text);
        assert.deepEqual([...r.deb.control.files.keys()], [...full.control.files.keys()]);
        // The reader asks for the control member plus the next header, so the data member is known too.
        assert.deepEqual(r.deb.data, full.data, `${path}: the data member header is in the prefix`);
        break;
      }
      assert.ok(r.needLength > length && fetches < 10, `${path}: no progress at ${length}`);
      length = r.needLength;
    }
    needed.push(length);
  }
  needed.sort((a, b) => a - b);
  console.log(
    `deb prefix: ${needed.length} debs; control found from prefixes of ${needed[0]}..${needed.at(-1)} bytes ` +
      `(median ${needed[needed.length >> 1]})`,
  );
});

test('readDebByRanges fetches only what the prefix reader asks for', async (t) => {
  if (!requireTools(t, ['dpkg-deb', 'apt-get', 'bzip2'], 'dpkg apt bzip2')) return;
  let total = 0;
  let reads = 0;
  let debs = 0;
  for (const path of realDebs()) {
    const bytes = readFileSync(path);
    const full = await readDeb(bytes);
    const r = await readDebByRanges(async (offset, length) => bytes.subarray(offset, offset + length));
    assert.equal(r.deb.control.text, full.control.text);
    assert.deepEqual(r.deb.data, full.data);
    // Never the data member: at most its 60-byte header beyond the control member.
    assert.ok(r.bytesRead <= Math.max(4096, full.data!.dataOffset), `${path}: read ${r.bytesRead}`);
    assert.ok(r.reads <= 2, `${path}: ${r.reads} reads`);
    total += r.bytesRead;
    reads += r.reads;
    debs++;
  }
  // A source that ends early is a typed error, not a loop.
  const short = readFileSync(realDebs()[0]!).subarray(0, 300);
  await assert.rejects(
    readDebByRanges(async (o, l) => short.subarray(o, o + l)),
    (e: { code?: string }) => e.code === 'DEB_MISSING_MEMBER',
  );
  console.log(
    `deb ranges: ${debs} real debs, ${reads} reads, ${total} bytes in total for their control members`,
  );
});

test('typed errors: not a deb, bad version, missing or unsupported members', async () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const code = async (bytes: Uint8Array): Promise<string> => {
    try {
      await readDeb(bytes);
    } catch (e) {
      return (e as { code?: string }).code ?? String(e);
    }
    return 'no error';
  };
  assert.equal(await code(enc('PK\x03\x04 not an ar file')), 'DEB_NOT_DEB');
  assert.equal(await code(writeAr([{ name: 'foo', data: enc('x') }])), 'DEB_NOT_DEB');
  assert.equal(await code(writeAr([{ name: 'debian-binary', data: enc('3.0\n') }])), 'DEB_BAD_VERSION');
  assert.equal(await code(writeAr([{ name: 'debian-binary', data: enc('2.0\n') }])), 'DEB_MISSING_MEMBER');
  assert.equal(
    await code(
      writeAr([
        { name: 'debian-binary', data: enc('2.0\n') },
        { name: 'control.tar.lz4', data: enc('x') },
      ]),
    ),
    'DEB_UNSUPPORTED_COMPRESSION',
  );
  assert.equal(
    await code(
      writeAr([
        { name: 'debian-binary', data: enc('2.0\n') },
        { name: 'control.tar.gz', data: enc('not gzip') },
        { name: 'data.tar', data: enc('') },
      ]),
    ),
    'DEB_CORRUPT_MEMBER',
  );
});

test('a data tar the tar reader refuses is DEB_CORRUPT_MEMBER naming the member, with the TAR_* cause', async (t) => {
  if (!requireTools(t, ['dpkg-deb', 'apt-get', 'tar', 'truncate'], 'dpkg apt tar coreutils')) return;
  const real = readAr(readFileSync(realDebs()[0]!));
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-debtar-'));
  // Built by GNU tar: a Latin-1 name, a sparse file, and a tar cut inside its first member's data.
  writeFileSync(Buffer.concat([Buffer.from(join(dir, 'caf')), Buffer.from([0xe9])]), 'x');
  execFileSync('truncate', ['-s', '1M', join(dir, 'holes.img')]);
  writeFileSync(join(dir, 'small'), 'y'.repeat(4000));
  const tar = (...args: string[]) => execFileSync('tar', ['--format=gnu', '-C', dir, '-cf', '-', ...args]);
  const cases: [string, Buffer, string][] = [
    // The name is bytes, not a JS string: a shell glob hands it to tar as it is.
    [
      'non-UTF-8 name',
      execFileSync('sh', ['-c', 'tar --format=gnu -cf - caf?'], { cwd: dir }),
      'TAR_NAME_NOT_UTF8',
    ],
    ['sparse member', tar('--sparse', 'holes.img'), 'TAR_SPARSE'],
    ['truncated tar', tar('small').subarray(0, 1024), 'TAR_CORRUPT'],
  ];
  for (const [what, data, cause] of cases) {
    const bytes = writeAr([
      ...real.slice(0, 2).map((m) => ({ name: m.name, data: m.data })),
      { name: 'data.tar', data },
    ]);
    const info = await readDeb(bytes);
    await assert.rejects(listDebDataFromBuffer(bytes, info), (e: unknown) => {
      assert.ok(e instanceof PkgmeError, `${what}: ${String(e)}`);
      assert.equal(e.code, 'DEB_CORRUPT_MEMBER', `${what}: ${e.message}`);
      assert.deepEqual(e.details, { member: 'data.tar', cause }, what);
      assert.match(e.message, /"data\.tar"/);
      return true;
    });
  }
  console.log(`deb member errors: ${cases.length} GNU tar data members refused with their TAR_* cause`);
});
