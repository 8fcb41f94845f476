/** The CachingReader asks once per soname, caches misses too, and forgets a (release, arch) when it is re-imported. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DepDbReader, ImportOrigin, ReleaseKey, SonameProviders } from '../types.ts';
import { CachingReader } from './cache.ts';

class CountingReader implements DepDbReader {
  asked: string[][] = [];
  importedAt = '2026-01-01T00:00:00Z';
  version = '1';
  releases(): Promise<Array<ReleaseKey & { origin: ImportOrigin; packages: number }>> {
    const origin: ImportOrigin = { kind: 'dpkg', location: 'x', importedAt: this.importedAt };
    return Promise.resolve([{ release: 'r', arch: 'amd64', origin, packages: 1 }]);
  }
  providers(_key: ReleaseKey, sonames: string[]): Promise<Map<string, SonameProviders>> {
    this.asked.push([...sonames]);
    const out = new Map<string, SonameProviders>();
    for (const s of sonames)
      if (s === 'libz.so.1')
        out.set(s, {
          soname: s,
          symbols: [],
          shlibs: [],
          files: [{ package: 'zlib1g', version: this.version, path: `/usr/lib/${s}`, symlink: false }],
        });
    return Promise.resolve(out);
  }
}

test('CachingReader: one store query per soname, misses cached, re-import invalidates', async () => {
  const inner = new CountingReader();
  const c = new CachingReader(inner);
  const key = { release: 'r', arch: 'amd64' };
  await c.releases();
  assert.equal((await c.providers(key, ['libz.so.1', 'libnone.so.1'])).size, 1);
  assert.equal((await c.providers(key, ['libz.so.1', 'libnone.so.1'])).size, 1);
  assert.deepEqual(inner.asked, [['libz.so.1', 'libnone.so.1']]);
  inner.importedAt = '2026-02-01T00:00:00Z';
  inner.version = '2';
  await c.releases();
  const again = await c.providers(key, ['libz.so.1']);
  assert.equal(again.get('libz.so.1')!.files[0]!.version, '2');
  assert.equal(inner.asked.length, 2);
});
