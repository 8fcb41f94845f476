import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuzz } from '../../testing/fuzz.ts';
import { guess } from './field.ts';
import { guessNameVersion } from './name-version.ts';

test('fuzz: guessNameVersion on mutated upload names and metadata values never throws or hangs', async () => {
  const enc = new TextEncoder();
  const seeds = [
    'foo-1.2.3-linux-x86_64.tar.gz',
    'Foo_App-2.0.tgz',
    'foo-v1.2',
    'thing-0.9-rc1-linux-arm64.tar.zst',
  ].map((s) => enc.encode(s));
  const dec = new TextDecoder();
  const report = await fuzz({
    name: 'name-version',
    seeds,
    maxLen: 4096,
    run: (input) => {
      const s = dec.decode(input);
      return guessNameVersion({
        uploadName: s,
        topDir: s.slice(0, 64),
        metadata: {
          package: guess(s, 'metadata:pkgme.json', 1),
          version: guess(s, 'metadata:pkgme.json', 1),
        },
      });
    },
  });
  assert.ok(report.inputs > 0);
});
