/**
 * Oracle tests on the machine's real files: every dpkg database and apt index parses, its paragraph count equals
 * grep's count of `Package:` lines, parse → write is byte-identical, and every field value equals what
 * Dpkg::Control::HashCore (libdpkg-perl, dpkg's own perl parser) reads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { requireTools } from '../../testing/env.ts';
import { formatDeb822, parseDeb822, Deb822StreamParser } from './index.ts';
import { corpusFiles, grepPackageCount } from './testdata/corpus.ts';

test('real dpkg/apt files: complete parse, grep counts, byte-identical round trip', (t) => {
  if (!requireTools(t, ['lz4', 'grep'], 'lz4 grep')) return;
  const files = corpusFiles();
  assert.ok(files.length >= 3, `expected dpkg status and apt indices, found ${files.length} files`);
  let paragraphs = 0;
  let fields = 0;
  let bytes = 0;
  for (const f of files) {
    const ps = parseDeb822(f.text, { source: f.path });
    if (f.packageIndex)
      assert.equal(ps.length, grepPackageCount(f.text), `${f.path}: paragraph count vs grep -c`);
    else assert.ok(ps.length > 0, `${f.path}: no paragraph`);
    const out = formatDeb822(ps);
    assert.ok(out === f.text, `${f.path}: parse → write is not byte-identical`);
    paragraphs += ps.length;
    for (const p of ps) fields += p.size;
    bytes += f.text.length;
  }
  console.log(
    `deb822 round trip: ${files.length} files, ${paragraphs} paragraphs, ${fields} fields, ${bytes} chars, byte-identical`,
  );
});

test('streaming parser gives the same paragraphs as the whole-text parser, for any chunking', (t) => {
  if (!requireTools(t, ['lz4'], 'lz4')) return;
  let compared = 0;
  for (const f of corpusFiles()) {
    const whole = parseDeb822(f.text);
    for (const size of [1 << 16, 4099]) {
      const sp = new Deb822StreamParser();
      const got = [];
      for (let i = 0; i < f.text.length; i += size) got.push(...sp.push(f.text.slice(i, i + size)));
      got.push(...sp.end());
      assert.equal(got.length, whole.length, f.path);
      assert.ok(formatDeb822(got) === f.text, `${f.path}: streamed round trip (chunk ${size})`);
      compared += got.length;
    }
  }
  console.log(`deb822 stream: ${compared} paragraphs compared against the whole-text parse`);
});

test('field values equal Dpkg::Control::HashCore (libdpkg-perl) on every paragraph', (t) => {
  if (!requireTools(t, ['perl', 'lz4'], 'libdpkg-perl lz4')) return;
  const script = join(import.meta.dirname, 'testdata', 'dpkg-dump.pl');
  let files = 0;
  let paragraphs = 0;
  let values = 0;
  for (const f of corpusFiles()) {
    const input = f.path.endsWith('.lz4')
      ? execFileSync('lz4', ['-dc', f.path], { maxBuffer: 1 << 30 })
      : undefined;
    const json = execFileSync('perl', [script, input === undefined ? f.path : '-'], {
      input,
      maxBuffer: 1 << 30,
    }).toString('utf8');
    const expected = JSON.parse(json) as Array<Array<[string, string]>>;
    const ours = parseDeb822(f.text);
    assert.equal(ours.length, expected.length, `${f.path}: paragraph count vs Dpkg`);
    for (let i = 0; i < ours.length; i++) {
      const p = ours[i]!;
      const exp = expected[i]!;
      // Dpkg re-capitalises known names (Description-md5 → Description-Md5); spelling is checked by the round trip.
      assert.deepEqual(
        p.fields().map((n) => n.toLowerCase()),
        exp.map(([n]) => n.toLowerCase()),
        `${f.path} paragraph ${i + 1}: field names and order`,
      );
      for (const [name, value] of exp) {
        assert.equal(p.get(name), value, `${f.path} paragraph ${i + 1}: field ${name}`);
        values++;
      }
    }
    files++;
    paragraphs += ours.length;
  }
  console.log(
    `deb822 vs Dpkg::Control: ${files} files, ${paragraphs} paragraphs, ${values} field values equal`,
  );
});
