import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuzz } from '../../testing/fuzz.ts';
import { parseMetadata } from './metadata.ts';

test('fuzz: parseMetadata returns fields or throws PkgmeError', async () => {
  const enc = new TextEncoder();
  const seeds = [
    {
      name: 'Foo',
      package_name: 'foo',
      suggested_version: '1.0',
      categories: ['Game'],
      icons: { '48x48': 'a.png' },
    },
    {
      package: 'foo',
      version: '2.0~rc1',
      summary: 's',
      categories: 'A;B',
      license: 'MIT',
      homepage: 'https://x',
    },
  ].map((o) => enc.encode(JSON.stringify(o)));
  const dec = new TextDecoder();
  const report = await fuzz({
    name: 'metadata',
    seeds,
    run: (input) => {
      parseMetadata('devportal-metadata.json', dec.decode(input));
      return parseMetadata('pkgme.json', dec.decode(input));
    },
  });
  assert.ok(report.inputs > 0);
});
