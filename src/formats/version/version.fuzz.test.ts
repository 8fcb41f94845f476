import { test } from 'node:test';
import { fuzz } from '../../testing/fuzz.ts';
import { aptParagraphs } from './apt-index.fixture.ts';
import { compareVersions } from './compare.ts';
import { formatVersion, parseVersion, parseVersionLax } from './parse.ts';

test('fuzz: version parsing and comparison throw only PkgmeError', async () => {
  const real = aptParagraphs()
    .slice(0, 4000)
    .map((p) => p.get('Version'))
    .filter((v): v is string => v !== undefined);
  const seeds = [...new Set(real)].slice(0, 300).map((v) => new TextEncoder().encode(v));
  const decoder = new TextDecoder();
  await fuzz({
    name: 'version',
    seeds,
    maxLen: 4096,
    run: (input) => {
      const text = decoder.decode(input);
      const half = text.length >> 1;
      // Compare two halves (lax, like dpkg --compare-versions), then the strict parse and the format round trip.
      compareVersions(text.slice(0, half) || '0', text.slice(half) || '0');
      parseVersionLax(text);
      formatVersion(parseVersion(text));
    },
  });
});
