/**
 * Incremental imports on real records (this machine's dpkg database): a second import in which one package changed
 * version and one disappeared writes exactly one package, removes two rows (the old version and the vanished
 * package), and the lookups follow; libdep-service's binariesForLibraries answers from the current generation.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openTestPglite, type TestDatabase } from '../../db/testing.ts';
import { readLocalPackages } from '../import/local-dpkg.ts';
import type { PackageRecord } from '../types.ts';
import { importRecords } from './importer.ts';
import { DepDbStore } from './store.ts';

let tdb: TestDatabase;
let store: DepDbStore;
const key = { release: 'incremental', arch: 'amd64' };
const origin = { kind: 'dpkg' as const, location: 'test', importedAt: '2026-01-01T00:00:00Z' };

before(async () => {
  tdb = await openTestPglite();
  store = new DepDbStore(tdb.db);
});
after(async () => {
  await tdb.dispose();
});

test('an incremental import writes only what changed and removes what vanished', async () => {
  const records = readLocalPackages();
  const zlib = records.find((r) => r.name === 'zlib1g');
  const png = records.find((r) => r.name === 'libpng16-16');
  assert.ok(zlib && png, 'zlib1g and libpng16-16 are installed here');
  const first = await importRecords({ store }, key, origin, records.length, () => records);
  assert.equal(first.written, records.length);
  assert.deepEqual(await store.binariesForLibraries(key.release, key.arch, ['libz.so.1', 'libpng16.so.16']), {
    'libz.so.1': ['zlib1g'],
    'libpng16.so.16': ['libpng16-16'],
  });

  const next: PackageRecord[] = records
    .filter((r) => r !== zlib)
    .map((r) => (r === png ? { ...r, version: `${r.version}+new` } : r));
  const second = await importRecords({ store }, key, origin, next.length, () => next);
  assert.equal(second.written, 1);
  assert.equal(second.skipped, next.length - 1);
  assert.equal(second.removed, 2);
  assert.equal(second.packages, records.length - 1);
  const found = await store.providers(key, ['libz.so.1', 'libpng16.so.16']);
  assert.equal(found.has('libz.so.1'), false);
  assert.deepEqual(
    found.get('libpng16.so.16')!.files.map((f) => f.version),
    png.libraries.filter((l) => l.soname === 'libpng16.so.16').map(() => `${png.version}+new`),
  );
  assert.deepEqual(await store.binariesForLibraries(undefined, key.arch, ['libz.so.1', 'libpng16.so.16']), {
    'libpng16.so.16': ['libpng16-16'],
  });
  await assert.rejects(store.providers({ release: 'never', arch: 'amd64' }, ['libc.so.6']), {
    code: 'DEPDB_RELEASE_NOT_IMPORTED',
  });
  console.log(
    `${records.length} packages; incremental: ${second.written} written, ${second.skipped} unchanged, ${second.removed} removed in ${second.seconds} s`,
  );
});
