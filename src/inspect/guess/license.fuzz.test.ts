import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fuzz } from '../../testing/fuzz.ts';
import { copyrightHolder, detectLicense } from './license.ts';

test('fuzz: detectLicense and copyrightHolder on mutated license texts never throw or hang', async () => {
  const seeds = [
    '/usr/share/common-licenses/BSD',
    '/usr/share/doc/apt/copyright',
    '/usr/share/common-licenses/MPL-2.0',
  ].map((p) => new Uint8Array(readFileSync(p)));
  const dec = new TextDecoder();
  const report = await fuzz({
    name: 'license',
    seeds,
    perInputMs: 1000,
    run: (input) => {
      const text = dec.decode(input);
      copyrightHolder(text);
      return detectLicense(text);
    },
  });
  assert.ok(report.inputs > 0);
});
