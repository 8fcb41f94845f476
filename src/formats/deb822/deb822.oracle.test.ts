/**
 * Oracle tests on the machine's real files: every dpkg database and apt index parses, its paragraph count equals
 * grep's count of `Package:` lines, parse → write is byte-identical, and every field value equals what
 * Dpkg::Control::HashCore (libdpkg-perl, dpkg's own perl parser) reads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireTools } from '../../testing/env.ts';
import { formatDeb822, parseDeb822, Deb822StreamParser } from './index.ts';
import { checkRoundTrip, compareWithDpkg } from './testdata/check.ts';
import { corpusFiles } from './testdata/corpus.ts';

test('real dpkg/apt files: complete parse, grep counts, byte-identical round trip', (t) => {
  if (!requireTools(t, ['lz4', 'grep'], 'lz4 grep')) return;
  const files = corpusFiles();
  assert.ok(files.length >= 3, `expected dpkg status and apt indices, found ${files.length} files`);
  let paragraphs = 0;
  let fields = 0;
  let bytes = 0;
  for (const f of files) {
    const r = checkRoundTrip(f.path, f.text, f.packageIndex);
    paragraphs += r.paragraphs;
    fields += r.fields;
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
  let files = 0;
  let paragraphs = 0;
  let values = 0;
  for (const f of corpusFiles()) {
    const r = compareWithDpkg(f.path, f.text);
    files++;
    paragraphs += r.paragraphs;
    values += r.values;
  }
  console.log(
    `deb822 vs Dpkg::Control: ${files} files, ${paragraphs} paragraphs, ${values} field values equal`,
  );
});
