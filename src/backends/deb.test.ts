/**
 * The deb backend on real Debian packages (apt-get download, cached): detection, and the control fields compared
 * with `dpkg-deb -f`; a truncated .deb and a non-ar file are not eligible, with the reason.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, test } from 'node:test';
import { realDebs } from '../formats/deb/fixtures.ts';
import { requireTools, run } from '../testing/env.ts';
import { inventoryTree } from '../inspect/inventory.ts';
import { debBackend } from './deb.ts';
import { chooseBackend, detectAll } from './registry.ts';
import type { Upload } from './types.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pkgme-debbackend-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const empty = { root: '', entries: [], architectures: [], providedSonames: {}, externalSonames: {} };
const asUpload = (path: string): Upload => ({
  path,
  name: basename(path),
  isFile: true,
  root: null,
  inventory: empty,
});

test('real .debs: detected, control fields equal dpkg-deb -f', async (t) => {
  if (!requireTools(t, ['dpkg-deb', 'apt-get'], 'dpkg apt')) return;
  let compared = 0;
  const debs = realDebs();
  for (const deb of debs) {
    const d = await debBackend.detect(asUpload(deb));
    assert.equal(d.score, 100, `${deb}: ${d.reason}`);
    const info = await debBackend.info(asUpload(deb));
    for (const [field, key] of [
      ['name', 'Package'],
      ['version', 'Version'],
      ['architecture', 'Architecture'],
      ['maintainer', 'Maintainer'],
      ['depends', 'Depends'],
    ] as const) {
      const oracle = run('dpkg-deb', ['-f', deb, key]).replace(/\n$/, '');
      assert.equal(info.fields[field]?.value ?? '', oracle, `${basename(deb)} ${key}`);
      compared++;
    }
  }
  console.log(`deb backend: ${debs.length} real .debs, ${compared} control fields equal to dpkg-deb -f`);

  const cut = join(tmp, 'cut.deb');
  writeFileSync(cut, readFileSync(debs[0]!).subarray(0, 200));
  const c = await debBackend.detect(asUpload(cut));
  assert.equal(c.score, 0);
  assert.match(c.reason, /^not a valid \.deb: /);
  const text = join(tmp, 'notes.txt');
  writeFileSync(text, 'hello\n');
  assert.deepEqual(await debBackend.detect(asUpload(text)), { score: 0, reason: 'not a .deb' });
});

test('unpacked .debs (dpkg-deb -R) are taken by the deb backend over binary; fields equal dpkg-deb -f', async (t) => {
  if (!requireTools(t, ['dpkg-deb', 'apt-get'], 'dpkg apt')) return;
  let compared = 0;
  const debs = realDebs().filter((d) => /\/(hello|zlib1g|cron|libzstd1)_/.test(d));
  assert.equal(debs.length, 4);
  for (const deb of debs) {
    const dir = join(tmp, basename(deb, '.deb'));
    run('dpkg-deb', ['-R', deb, dir]);
    const upload: Upload = {
      path: dir,
      name: basename(dir),
      isFile: false,
      root: dir,
      inventory: inventoryTree(dir),
    };
    const ranked = await detectAll(upload);
    assert.equal(chooseBackend(upload, ranked).name, 'deb', JSON.stringify(ranked));
    // hello and cron ship programs: there binary is eligible too and must still lose.
    if (/\/(hello|cron)_/.test(deb)) assert.ok(ranked.find((r) => r.name === 'binary')!.score > 0, deb);
    const info = await debBackend.info(upload);
    for (const key of ['Package', 'Version', 'Architecture', 'Depends']) {
      const field = { Package: 'name', Version: 'version', Architecture: 'architecture', Depends: 'depends' }[
        key
      ]!;
      assert.equal(
        info.fields[field]?.value ?? '',
        run('dpkg-deb', ['-f', deb, key]).replace(/\n$/, ''),
        key,
      );
      compared++;
    }
  }
  console.log(
    `deb backend: ${debs.length} unpacked .debs chosen over binary, ${compared} fields equal to dpkg-deb -f`,
  );
});
