/**
 * One import against the real mirror of the machine's apt sources (the first deb822/one-line entry for the
 * machine's release), limited to a handful of library packages; each record is compared with dpkg-deb -e of the
 * same package version fetched by `apt-get download`.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cacheDir, requireTools, run } from '../../../testing/env.ts';
import { importApt } from './driver.ts';
import { loadKeys } from './keyring.ts';
import { MemorySink } from './sink.ts';
import { readSystemSources } from './sources.ts';

const HANDFUL = ['libpng16-16', 'zlib1g', 'libzstd1', 'libexpat1', 'libffi8'];

function codename(): string {
  return /^VERSION_CODENAME=(.*)$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'bookworm';
}

function download(name: string, version: string): string {
  const dir = cacheDir('apt-import-mirror-debs');
  const prefix = `${name}_${version.replace(':', '%3a')}_`;
  const have = () => readdirSync(dir).find((f) => f.startsWith(prefix) && f.endsWith('.deb'));
  if (!have()) run('apt-get', ['download', `${name}=${version}`], { cwd: dir });
  return join(dir, have()!);
}

test('imports a handful of library packages from the mirror in the machine apt sources', async (t) => {
  if (!requireTools(t, ['apt-get', 'dpkg-deb'], 'apt dpkg')) return;
  const source = readSystemSources().find((s) => s.suite === codename());
  assert.ok(source, `a source for ${codename()} in /etc/apt`);
  const sink = new MemorySink();
  const stateDir = cacheDir('apt-import-mirror-state');
  // A fresh journal each run, so the handful is really fetched; the index cache is kept across runs.
  rmSync(join(stateDir, 'journal'), { recursive: true, force: true });
  const r = await importApt({
    source,
    arch: 'amd64',
    keys: await loadKeys(source.signedBy),
    sink,
    stateDir,
    progress: 'none',
    only: (n) => HANDFUL.includes(n),
  });
  assert.equal(r.failed.length, 0, JSON.stringify(r.failed));
  assert.equal(r.selected, HANDFUL.length);
  const recs = sink.releases.get(`${r.key.release}/amd64`)!.packages;
  let symbols = 0;
  for (const rec of recs.values()) {
    const deb = download(rec.name, rec.version);
    const dir = mkdtempSync(join(tmpdir(), 'pkgme-mirror-'));
    try {
      run('dpkg-deb', ['-e', deb, dir]);
      const read = (n: string) => (existsSync(join(dir, n)) ? readFileSync(join(dir, n), 'utf8') : undefined);
      assert.equal(rec.shlibs, read('shlibs'), `${rec.name} shlibs`);
      assert.equal(rec.symbols?.map((s) => s.text).join(''), read('symbols'), `${rec.name} symbols`);
      symbols += rec.symbols?.length ?? 0;
      assert.ok(
        rec.libraries.some((l) => !l.symlink),
        `${rec.name}: a real library file`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const controlBytes = r.bytesFetched - r.indexBytes;
  console.log(
    `mirror: ${recs.size} packages of ${r.key.release} equal to dpkg-deb -e (${symbols} symbols sections); ` +
      `${controlBytes} bytes of control members for ${r.debBytes} bytes of .debs; indices ${r.indexBytes} bytes fetched`,
  );
  assert.ok(controlBytes < r.debBytes / 5);
  mkdirSync(stateDir, { recursive: true });
});
