/**
 * `--deb` import of real library packages (apt-get download, cached), checked against dpkg-deb: control fields
 * (`dpkg-deb -f`), shlibs and symbols (`dpkg-deb -e`), library files and symlinks (`dpkg-deb -c`) with their sonames
 * (readelf -d on the files `dpkg-deb -x` unpacks); then imported into PGlite: every package, a no-op re-import,
 * and the providers of each package's sonames.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openTestPglite, type TestDatabase } from '../../db/testing.ts';
import { realDebs } from '../../formats/deb/fixtures.ts';
import { libDebControls } from '../../formats/shlibs/lib-debs.fixture.ts';
import { requireTools, run } from '../../testing/env.ts';
import { libraryCandidate } from '../store/soname.ts';
import { DepDbStore } from '../store/store.ts';
import { debImporter, readDebRecord } from './debs.ts';

const LIBRARY_PACKAGES = ['libc6', 'libpng16-16', 'zlib1g', 'libzstd1', 'libssl3'];

function debs(): string[] {
  const real = realDebs().filter((d) => LIBRARY_PACKAGES.some((p) => d.includes(`/${p}_`)));
  const lib = libDebControls().map((c) => c.deb);
  // Both fixtures have libssl3: once is enough.
  return [...real.filter((d) => !lib.some((l) => l.endsWith(d.slice(d.lastIndexOf('/'))))), ...lib];
}

function field(deb: string, name: string): string | undefined {
  const v = run('dpkg-deb', ['-f', deb, name]).replace(/\n$/, '');
  return v === '' ? undefined : v;
}

describe('depdb import --deb', () => {
  let files: string[] = [];
  let tdb: TestDatabase;
  before(async () => {
    files = debs();
    tdb = await openTestPglite();
  });
  after(async () => {
    await tdb.dispose();
  });

  test('reads each .deb as dpkg-deb does', async (t) => {
    if (!requireTools(t, ['dpkg-deb', 'readelf'], 'dpkg binutils')) return;
    let libs = 0;
    let symbolsFiles = 0;
    for (const deb of files) {
      const r = await readDebRecord(deb);
      assert.equal(r.name, field(deb, 'Package'));
      assert.equal(r.version, field(deb, 'Version'));
      assert.equal(r.architecture, field(deb, 'Architecture'));
      assert.equal(r.multiArch, field(deb, 'Multi-Arch'));
      assert.equal(r.section, field(deb, 'Section'));
      const src = field(deb, 'Source');
      assert.equal(r.source, src?.split(' ')[0] ?? r.name);

      const ctl = mkdtempSync(join(tmpdir(), 'pkgme-debs-'));
      try {
        run('dpkg-deb', ['-e', deb, join(ctl, 'DEBIAN')]);
        run('dpkg-deb', ['-x', deb, join(ctl, 'root')]);
        const read = (n: string) => {
          try {
            return readFileSync(join(ctl, 'DEBIAN', n), 'utf8');
          } catch {
            return undefined;
          }
        };
        assert.equal(r.shlibs, read('shlibs'), `${r.name} shlibs`);
        const sym = read('symbols');
        assert.equal(r.symbols?.map((s) => s.text).join(''), sym, `${r.name} symbols, sections joined`);
        if (sym) symbolsFiles++;

        // The library files: dpkg-deb's listing, filtered by the store's rule, with readelf's SONAME for real files.
        const want: Array<{ path: string; soname: string; symlink: boolean }> = [];
        for (const line of run('dpkg-deb', ['-c', deb]).split('\n')) {
          const m = /^(\S+)\s+\S+\s+\d+\s+\S+\s+\S+\s+\.(\/\S*?)(?: -> .*)?$/.exec(line);
          if (!m) continue;
          const path = m[2]!;
          const kind = libraryCandidate(path);
          if (!kind) continue;
          const base = path.slice(path.lastIndexOf('/') + 1);
          if (m[1]!.startsWith('l')) {
            if (kind === 'versioned') want.push({ path, soname: base, symlink: true });
            continue;
          }
          if (!m[1]!.startsWith('-')) continue;
          let soname: string | undefined;
          try {
            soname = /Library soname: \[(.*)\]/.exec(run('readelf', ['-d', join(ctl, 'root', path)]))?.[1];
          } catch {
            soname = undefined; // not ELF
          }
          if (soname) want.push({ path, soname, symlink: false });
          else if (kind === 'versioned') want.push({ path, soname: base, symlink: false });
        }
        const order = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);
        assert.deepEqual([...r.libraries].sort(order), want.sort(order), `${r.name} library files`);
        libs += want.length;
      } finally {
        rmSync(ctl, { recursive: true, force: true });
      }
    }
    console.log(
      `${files.length} .debs: fields, shlibs, ${symbolsFiles} symbols files and ${libs} library files equal to dpkg-deb/readelf`,
    );
  });

  test('imports them into the store; a re-import writes nothing', async () => {
    const store = new DepDbStore(tdb.db);
    const [first] = await debImporter.run({ paths: files }, { store, release: 'debtest', arch: 'amd64' });
    assert.ok(first);
    assert.equal(first.packages, files.length);
    assert.equal(first.written, files.length);
    const [again] = await debImporter.run({ paths: files }, { store, release: 'debtest', arch: 'amd64' });
    assert.ok(again);
    assert.equal(again.written, 0);
    assert.equal(again.skipped, files.length);
    // Every soname a package ships is answered with that package (file), and with its shlibs line when it has one.
    let checked = 0;
    for (const deb of files) {
      const r = await readDebRecord(deb);
      const sonames = [...new Set(r.libraries.map((l) => l.soname))];
      const found = await store.providers({ release: 'debtest', arch: 'amd64' }, sonames);
      for (const s of sonames) {
        assert.ok(
          found.get(s)?.files.some((f) => f.package === r.name),
          `${s} → ${r.name}`,
        );
        checked++;
      }
      for (const sec of r.symbols ?? []) {
        const got = (await store.providers({ release: 'debtest', arch: 'amd64' }, [sec.soname])).get(
          sec.soname,
        );
        assert.equal(got?.symbols.find((x) => x.package === r.name)?.section.text, sec.text);
      }
    }
    const size = await store.size();
    console.log(
      `${files.length} .debs imported in ${first.seconds} s, re-import ${again.seconds} s (0 written); ${checked} sonames answered; store ${size.bytes} bytes`,
    );
  });

  test('a corrupt .deb fails with a typed error and leaves the imported release as it was', async () => {
    const store = new DepDbStore(tdb.db);
    const before = (await store.releases()).find((r) => r.release === 'debtest');
    assert.ok(before, 'the previous test imported debtest');
    const dir = mkdtempSync(join(tmpdir(), 'pkgme-debs-bad-'));
    try {
      for (const f of files.slice(0, 3)) copyFileSync(f, join(dir, f.slice(f.lastIndexOf('/') + 1)));
      // One package whose data member is damaged in the middle: its control member reads fine, so the import begins
      // (the release is marked partial) and fails while streaming the data.
      // (A package the release does not hold yet: one it holds at that version would be skipped unread.)
      const victim = realDebs().find((f) => f.includes('/hello_'))!;
      const bytes = Buffer.from(readFileSync(victim));
      bytes.fill(0x55, Math.floor(bytes.length * 0.6), Math.floor(bytes.length * 0.6) + 64);
      writeFileSync(join(dir, 'zz-damaged.deb'), bytes);
      const err = await debImporter.run({ paths: [dir] }, { store, release: 'debtest', arch: 'amd64' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.equal((err as Error)?.name, 'PkgmeError', String(err));
      const afterwards = (await store.releases()).find((r) => r.release === 'debtest');
      assert.deepEqual({ ...afterwards, partial: false }, before);
      assert.equal(afterwards?.partial, true);
      const libc = await store.providers({ release: 'debtest', arch: 'amd64' }, ['libc.so.6']);
      assert.ok(libc.get('libc.so.6')?.files.some((f) => f.package === 'libc6'));
      console.log(
        `damaged .deb: ${(err as { code: string }).code} mid-import; release unchanged (${afterwards?.packages} packages, marked partial)`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
