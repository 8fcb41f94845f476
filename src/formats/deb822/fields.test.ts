/**
 * Field views against real data: Release's SHA256 table against sha256sum of the Packages indices apt holds,
 * Conffiles against dpkg-query (dpkg's C parser), and the helpers' round trips through Paragraph.set/get.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { requireTools } from '../../testing/env.ts';
import { readClearsigned } from '../openpgp/index.ts';
import {
  Paragraph,
  foldValue,
  formatDescription,
  formatFileList,
  parseConffiles,
  parseDeb822,
  parseDescription,
  parseFileList,
  splitCommas,
  splitWhitespace,
} from './index.ts';
import { APT_LISTS, inReleaseFiles } from './testdata/corpus.ts';

test('Release SHA256 entries match sha256sum and size of the Packages indices apt fetched', (t) => {
  if (!requireTools(t, ['lz4', 'sha256sum'], 'lz4 coreutils')) return;
  let checked = 0;
  let entries = 0;
  for (const f of inReleaseFiles()) {
    const release = parseDeb822(readClearsigned(f.text).text)[0]!;
    const table = parseFileList(release.get('SHA256')!, 'SHA256');
    const md5 = parseFileList(release.get('MD5Sum') ?? '', 'MD5Sum');
    entries += table.length + md5.length;
    // apt names list files <prefix>_<path with / as _>; the InRelease file is <prefix>_InRelease.
    const prefix = f.path.slice(0, -'InRelease'.length);
    for (const e of table) {
      if (!/binary-amd64\/Packages$/.test(e.name)) continue;
      const local = `${prefix}${e.name.replace(/\//g, '_')}.lz4`;
      let hash: string;
      let size: number;
      try {
        const plain = execFileSync('lz4', ['-dc', local], { maxBuffer: 1 << 30 });
        hash = execFileSync('sha256sum', { input: plain, encoding: 'utf8' }).split(' ')[0]!;
        size = plain.length;
      } catch {
        continue; // a component apt did not fetch (contrib, non-free)
      }
      assert.equal(e.hash, hash, `${local}: sha256 vs Release`);
      assert.equal(e.size, size, `${local}: size vs Release`);
      checked++;
    }
  }
  assert.ok(checked > 0, `no Packages index under ${APT_LISTS} matched a Release entry`);
  console.log(
    `Release tables: ${entries} entries parsed, ${checked} Packages indices equal to sha256sum and size`,
  );
});

test('Conffiles of dpkg status equal dpkg-query ${Conffiles}', (t) => {
  if (!requireTools(t, ['dpkg-query'], 'dpkg')) return;
  const ours: string[] = [];
  for (const p of parseDeb822(readFileSync('/var/lib/dpkg/status', 'utf8'))) {
    const v = p.get('Conffiles');
    if (v === undefined) continue;
    for (const c of parseConffiles(v)) {
      ours.push([p.get('Package'), p.get('Architecture'), c.path, c.md5, ...c.flags].join(' '));
    }
  }
  const theirs = execFileSync('dpkg-query', ['-W', '-f', '${Package} ${Architecture}\\n${Conffiles}\\n'], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const expected: string[] = [];
  let owner = '';
  for (const line of theirs.split('\n')) {
    if (line.startsWith(' ')) expected.push(`${owner} ${line.trim().split(/\s+/).join(' ')}`);
    else if (line !== '') owner = line;
  }
  assert.deepEqual(ours.sort(), expected.sort());
  console.log(`Conffiles: ${ours.length} entries equal to dpkg-query`);
});

test('helpers: folded and list views, file tables and descriptions round-trip through set/get', () => {
  const [p] = parseDeb822(
    'Depends: a (>= 1),\n b,\n  c | d\nArchitecture: amd64  arm64\n\tall\nBinary: x, y ,z\n',
  );
  assert.equal(foldValue(p!.get('Depends')!), 'a (>= 1), b, c | d');
  assert.deepEqual(splitWhitespace(p!.get('Architecture')!), ['amd64', 'arm64', 'all']);
  assert.deepEqual(splitCommas(p!.get('Binary')!), ['x', 'y', 'z']);

  const files = [
    { hash: 'ee01a76cb46f47f46593374e2e2330c4', size: 544, name: 'hello_1.0.tar.xz' },
    {
      hash: '95832176848cfeac0f06c71e3d767767',
      size: 429,
      section: 'misc',
      priority: 'optional',
      name: 'x.dsc',
    },
  ];
  const q = new Paragraph().set('Files', formatFileList(files));
  assert.equal(
    q.getRaw('Files'),
    '\n ee01a76cb46f47f46593374e2e2330c4 544 hello_1.0.tar.xz\n 95832176848cfeac0f06c71e3d767767 429 misc optional x.dsc',
  );
  assert.deepEqual(parseFileList(q.get('Files')!), files);
  assert.throws(() => parseFileList('x\n abc 1 f'), { code: 'DEB822_BAD_FILE_LIST' });
  assert.throws(() => parseFileList('\n abc 1'), { code: 'DEB822_BAD_FILE_LIST' });
  assert.throws(() => parseFileList('\n xyz 1 f'), { code: 'DEB822_BAD_FILE_LIST' });
  assert.throws(() => parseFileList('\n abc -1 f'), { code: 'DEB822_BAD_FILE_LIST' });

  const d = { synopsis: 'short', long: ['para one', '', ' verbatim line', '.', 'end'] };
  const r = new Paragraph().set('Description', formatDescription(d));
  assert.equal(r.getRaw('Description'), ' short\n para one\n .\n  verbatim line\n ..\n end');
  assert.deepEqual(parseDescription(r.get('Description')!), d);
});
