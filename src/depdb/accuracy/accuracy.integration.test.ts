/**
 * A few real bookworm applications, end to end: `apt-get download` them and the library packages their binaries
 * need (Contents index), import those into PGlite with the --deb importer, resolve the applications' ELF files, and
 * compare with dpkg-shlibdeps -O run on the same files from a tree holding the same library packages
 * (corpus.ts). The answer must be identical (every dependency, every version) and no package may be missing. The
 * whole corpus (bench/corpus/packages.txt) runs in `npm run bench -- accuracy`.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openTestPglite, type TestDatabase } from '../../db/testing.ts';
import { bookwormContents } from '../../formats/contents/contents.fixture.ts';
import { requireTools } from '../../testing/env.ts';
import { DepDbStore } from '../store/store.ts';
import { buildCorpus } from './corpus.ts';
import { importCorpus, measureApp } from './measure.ts';

/** Small packages with several libraries each (ncurses, crypto, compression, X11, image and audio libraries). */
const APPS = ['htop', 'tmux', 'curl', 'sxiv', 'flac'];

let db: TestDatabase | undefined;

before(async () => {
  db = await openTestPglite();
});

after(async () => {
  await db?.dispose();
});

test('real applications: our Depends equal dpkg-shlibdeps -O over the same library packages', async (t) => {
  if (!requireTools(t, ['dpkg-shlibdeps', 'dpkg-deb', 'apt-get', 'curl'], 'dpkg-dev apt curl')) return;
  const corpus = await buildCorpus(APPS, bookwormContents());
  const store = new DepDbStore(db!.db);
  const imported = await importCorpus(store, corpus);
  let files = 0;
  let deps = 0;
  for (const app of corpus.apps) {
    const m = await measureApp(store, corpus, app);
    files += m.used.length;
    deps += m.vsOracle.referenceGroups;
    assert.ok(m.used.length > 0, `${app.name}: no ELF file accepted by dpkg-shlibdeps`);
    assert.ok(m.vsOracle.referenceGroups >= 2, `${app.name}: dpkg-shlibdeps found ${m.oracle}`);
    assert.deepEqual(m.vsOracle.missing, [], `${app.name}: packages missing`);
    assert.equal(m.ours, m.oracle, `${app.name}: Depends differ`);
  }
  console.log(
    `${corpus.apps.length} applications, ${files} ELF files, ${imported} library packages: ` +
      `${deps} dependencies equal to dpkg-shlibdeps`,
  );
});
