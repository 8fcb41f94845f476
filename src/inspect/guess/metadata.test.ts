import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PkgmeError } from '../../errors.ts';
import { parseMetadata, readMetadata } from './metadata.ts';

test('devportal-metadata.json keys map onto pkgme fields with source metadata:<file>', () => {
  const md = parseMetadata(
    'devportal-metadata.json',
    JSON.stringify({
      name: 'Foo App',
      suggested_package_name: 'foo-suggested',
      package_name: 'foo-app',
      suggested_version: '1.2',
      tagline: 'Does foo',
      description: 'Long text',
      categories: 'Game;ArcadeGame;',
      icons: { '48x48': 'icons/foo48.png', '64x64': 'icons/foo64.png' },
      website: 'https://example.org/',
      store_internal_id: 42,
    }),
  );
  assert.deepEqual(md.package, {
    value: 'foo-app',
    source: 'metadata:devportal-metadata.json',
    confidence: 1,
  });
  assert.equal(md.version?.value, '1.2');
  assert.equal(md.summary?.value, 'Does foo');
  assert.equal(md.homepage?.value, 'https://example.org/');
  assert.deepEqual(md.categories?.value, ['Game', 'ArcadeGame']);
  assert.deepEqual(md.icons?.value, ['icons/foo48.png', 'icons/foo64.png']);
  assert.equal(md.license, undefined);
});

test('malformed metadata is METADATA_INVALID naming the file and key', () => {
  const cases: Array<[string, string | undefined]> = [
    ['{"version": 1.2}', 'version'],
    ['{"categories": [1, 2]}', 'categories'],
    ['{"name": "x",', undefined],
    ['[1, 2]', undefined],
  ];
  for (const [text, key] of cases) {
    assert.throws(
      () => parseMetadata('pkgme.json', text),
      (e: unknown) =>
        e instanceof PkgmeError &&
        e.code === 'METADATA_INVALID' &&
        e.message.startsWith('pkgme.json') &&
        e.details.key === key &&
        e.hint !== undefined,
    );
  }
  console.log(`metadata: ${cases.length} malformed files rejected with METADATA_INVALID`);
});

test('readMetadata looks in the single top directory; pkgme.json wins, devportal fills the gaps', () => {
  const root = mkdtempSync(join(tmpdir(), 'pkgme-md-'));
  try {
    const top = join(root, 'foo-1.0');
    mkdirSync(top);
    writeFileSync(join(top, 'pkgme.json'), JSON.stringify({ package: 'foo', version: '1.0' }));
    writeFileSync(
      join(top, 'devportal-metadata.json'),
      JSON.stringify({ package_name: 'bar', tagline: 'T' }),
    );
    const md = readMetadata(root);
    assert.equal(md.package?.value, 'foo');
    assert.equal(md.package?.source, 'metadata:pkgme.json');
    assert.equal(md.summary?.source, 'metadata:devportal-metadata.json');
    assert.deepEqual(readMetadata(top), md);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
